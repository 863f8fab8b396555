// The fault matrix: every fault kind on every source ends with the right failure category, the
// fallback source serving where one exists, no partial rows and no crash.
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
        QTest::addColumn<QString>("scheduleFrom"); // who serves game_schedule when the fault bites
        QTest::addColumn<QString>("boxFrom");      // who serves player_game_summary
        const struct
        {
            const char* endpoint;
            const char* scraper;
            const char* scheduleFrom;
            const char* boxFrom;
        } sources[] = {{"scoreboardv2", "nbac_schedule_scraper", "espn", "balldontlie"},
                       {"boxscoretraditionalv2", "nbac_boxscore_scraper", "nba_com", "balldontlie"},
                       {"espn_scoreboard", "espn_scoreboard_scraper", "nba_com", "nba_com"},
                       {"bdl_games", "bdl_boxscore_scraper", "nba_com", "nba_com"},
                       {"bdl_stats", "bdl_boxscore_scraper", "nba_com", "nba_com"},
                       {"odds_events", "odds_api_props_scraper", "nba_com", "nba_com"},
                       {"odds_player_points", "odds_api_props_scraper", "nba_com", "nba_com"}};
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
                const bool fine = std::string_view(k.category) == "success";
                QTest::addRow("%s %s", s.endpoint, k.fault)
                    << QString::fromUtf8(s.endpoint) << QString::fromUtf8(k.fault) << QString::fromUtf8(s.scraper)
                    << QString::fromUtf8(k.category) << QString::fromUtf8(fine ? "nba_com" : s.scheduleFrom)
                    << QString::fromUtf8(fine ? "nba_com" : s.boxFrom);
            }
        }
        // An empty day that is not empty: the schedule comes from ESPN, the box scores from
        // balldontlie (NBA.com fetched none).
        QTest::addRow("scoreboardv2 empty_day") << QStringLiteral("scoreboardv2") << QStringLiteral("empty_day")
                                                << QStringLiteral("nbac_schedule_scraper") << QStringLiteral("no_data_available")
                                                << QStringLiteral("espn") << QStringLiteral("balldontlie");
        QTest::addRow("espn_scoreboard empty_day") << QStringLiteral("espn_scoreboard") << QStringLiteral("empty_day")
                                                   << QStringLiteral("espn_scoreboard_scraper") << QStringLiteral("no_data_available")
                                                   << QStringLiteral("nba_com") << QStringLiteral("nba_com");
        QTest::addRow("bdl_games empty_day") << QStringLiteral("bdl_games") << QStringLiteral("empty_day")
                                             << QStringLiteral("bdl_boxscore_scraper") << QStringLiteral("no_data_available")
                                             << QStringLiteral("nba_com") << QStringLiteral("nba_com");
        QTest::addRow("boxscoretraditionalv2 missing_game") << QStringLiteral("boxscoretraditionalv2") << QStringLiteral("missing_game")
                                                            << QStringLiteral("nbac_boxscore_scraper") << QStringLiteral("error")
                                                            << QStringLiteral("nba_com") << QStringLiteral("balldontlie");
        QTest::addRow("bdl_stats missing_game") << QStringLiteral("bdl_stats") << QStringLiteral("missing_game")
                                                << QStringLiteral("bdl_boxscore_scraper") << QStringLiteral("validation_failed")
                                                << QStringLiteral("nba_com") << QStringLiteral("nba_com");
    }

    void everyFaultOnEverySource()
    {
        QFETCH(QString, endpoint);
        QFETCH(QString, fault);
        QFETCH(QString, scraper);
        QFETCH(QString, category);
        QFETCH(QString, scheduleFrom);
        QFETCH(QString, boxFrom);
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
        const bool oddsBroken = !fine && endpoint.startsWith(QLatin1String("odds"));
        // The fallback where one exists: the run records which source served.
        const auto served = [&](const char* processor) {
            const auto& r = by.at(processor);
            return test::str(r.outcome.category) + QLatin1Char('/') + QString::fromStdString(r.outcome.source);
        };
        QCOMPARE(served("game_schedule"), QStringLiteral("success/") + scheduleFrom);
        QCOMPARE(served("player_game_summary"), QStringLiteral("success/") + boxFrom);
        const int64_t players = count(db, "SELECT count(*) FROM player_game_summary WHERE game_date = ?");
        QVERIFY(players > 0);
        QCOMPARE(count(db, "SELECT count(*) FROM player_game_summary WHERE game_date = ? AND source = '" +
                               boxFrom.toStdString() + "'"), players);
        QVERIFY(count(db, "SELECT count(*) FROM team_defense_game_summary WHERE game_date = ?") > 0);
        // No partial rows: a broken source leaves its own raw tables empty for the date.
        if (boxFrom != QLatin1String("nba_com"))
            QCOMPARE(count(db, "SELECT count(*) FROM raw_nbac_player_boxscores WHERE game_date = ?"), int64_t(0));
        if (!fine && endpoint.startsWith(QLatin1String("bdl")))
            QCOMPARE(count(db, "SELECT count(*) FROM raw_bdl_player_boxscores WHERE game_date = ?"), int64_t(0));
        if (!fine && endpoint.startsWith(QLatin1String("espn")))
            QCOMPARE(count(db, "SELECT count(*) FROM raw_espn_scoreboard WHERE game_date = ?"), int64_t(0));
        if (oddsBroken) {
            QCOMPARE(count(db, "SELECT count(*) FROM player_prop_predictions WHERE game_date = ?"), int64_t(0));
            QCOMPARE(count(db, "SELECT count(*) FROM raw_odds_player_points WHERE game_date = ?"), int64_t(0));
        }
        if (fine)
            QCOMPARE(res.realFailures(), 0);
    }
};

QTEST_GUILESS_MAIN(TestFaultMatrix)
#include "tst_faultmatrix.moc"
