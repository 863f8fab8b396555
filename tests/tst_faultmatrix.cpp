// The fault matrix: every fault kind on every source ends with the right failure category, no
// partial rows downstream and no crash.
#include "pipeline/runner.h"
#include "sim/league.h"
#include "sim/server.h"
#include "store/database.h"
#include "testutil.h"

#include <QtTest>

using namespace nbaops;

namespace {

int64_t count(store::Database& db, const std::string& sql)
{
    auto st = db.prepare(sql);
    st.bindAll(test::gameDay().iso());
    st.step();
    return st.getInt(0);
}

} // namespace

class TestFaultMatrix : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyFaultOnEverySource_data()
    {
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<QString>("fault");
        QTest::addColumn<QString>("scraper");
        QTest::addColumn<QString>("category");
        const struct
        {
            const char* endpoint;
            const char* scraper;
        } sources[] = {{"scoreboardv2", "nbac_schedule_scraper"},
                       {"boxscoretraditionalv2", "nbac_boxscore_scraper"},
                       {"odds_events", "odds_api_props_scraper"},
                       {"odds_player_points", "odds_api_props_scraper"}};
        const struct
        {
            const char* fault;
            const char* category;
        } kinds[] = {{"http500", "error"},           {"http503", "error"},
                     {"http429:ms=1000", "error"},   {"latency:ms=40", "success"},
                     {"hang:ms=5000", "timeout"},    {"malformed", "validation_failed"},
                     {"truncated", "validation_failed"}};
        for (const auto& s : sources) {
            for (const auto& k : kinds) {
                QTest::addRow("%s %s", s.endpoint, k.fault)
                    << QString::fromUtf8(s.endpoint) << QString::fromUtf8(k.fault) << QString::fromUtf8(s.scraper)
                    << QString::fromUtf8(k.category);
            }
        }
        QTest::addRow("scoreboardv2 empty_day") << QStringLiteral("scoreboardv2") << QStringLiteral("empty_day")
                                                << QStringLiteral("nbac_schedule_scraper") << QStringLiteral("no_data_available");
        QTest::addRow("boxscoretraditionalv2 missing_game") << QStringLiteral("boxscoretraditionalv2") << QStringLiteral("missing_game")
                                                            << QStringLiteral("nbac_boxscore_scraper") << QStringLiteral("error");
    }

    void everyFaultOnEverySource()
    {
        QFETCH(QString, endpoint);
        QFETCH(QString, fault);
        QFETCH(QString, scraper);
        QFETCH(QString, category);
        test::SessionFixture f;
        pipeline::SessionOptions so;
        so.http = test::fastHttp(2, 300);
        so.faults = {sim::FaultRule::parse(endpoint.toStdString() + ":" + fault.toStdString())};
        f.start(so);
        const auto res = f.session->runner().runDate(test::gameDay());
        QCOMPARE(res.results.size(), pipeline::Runner::implementedProcessors().size());
        std::map<std::string, pipeline::ProcessorResult> by;
        for (const auto& r : res.results)
            by[r.processor] = r;
        const auto& hit = by.at(scraper.toStdString());
        QVERIFY2(test::str(hit.outcome.category) == category,
                 qPrintable(test::str(hit.outcome.category) + QStringLiteral(": ") + QString::fromStdString(hit.outcome.error)));
        if (category != QLatin1String("success") && category != QLatin1String("no_data_available"))
            QVERIFY(!hit.outcome.error.empty()); // a failure always says what happened
        auto& db = f.session->db();
        QCOMPARE(count(db, "SELECT count(*) FROM processor_runs WHERE game_date = ? AND status = 'running'"), int64_t(0));
        const bool fine = category == QLatin1String("success");
        const bool nbaBroken = !fine && (endpoint == QLatin1String("scoreboardv2") || endpoint == QLatin1String("boxscoretraditionalv2"));
        const bool oddsBroken = !fine && endpoint.startsWith(QLatin1String("odds"));
        // No partial rows: a broken upstream leaves its downstream tables empty for the date.
        if (nbaBroken) {
            QCOMPARE(count(db, "SELECT count(*) FROM raw_nbac_player_boxscores WHERE game_date = ?"), int64_t(0));
            QCOMPARE(count(db, "SELECT count(*) FROM player_game_summary WHERE game_date = ?"), int64_t(0));
            QCOMPARE(count(db, "SELECT count(*) FROM team_offense_game_summary WHERE game_date = ?"), int64_t(0));
        } else {
            QVERIFY(count(db, "SELECT count(*) FROM player_game_summary WHERE game_date = ?") > 0);
        }
        if (oddsBroken || nbaBroken)
            QCOMPARE(count(db, "SELECT count(*) FROM player_prop_predictions WHERE game_date = ?"), int64_t(0));
        if (oddsBroken)
            QCOMPARE(count(db, "SELECT count(*) FROM raw_odds_player_points WHERE game_date = ?"), int64_t(0));
        if (fine)
            QCOMPARE(res.realFailures(), 0);
    }
};

QTEST_GUILESS_MAIN(TestFaultMatrix)
#include "tst_faultmatrix.moc"
