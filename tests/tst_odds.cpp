// The Odds API source: the simulator demands a key and reports quota, the scraper and loader
// bring the lines in, predictions carry them, and the key is never stored.
#include "net/httpclient.h"
#include "pipeline/runner.h"
#include "sim/server.h"
#include "store/database.h"
#include "testutil.h"
#include "util/files.h"

#include <QDirIterator>
#include <QtTest>

using namespace nbaops;
using pipeline::Category;

namespace {

int64_t count(store::Database& db, const char* sql)
{
    auto st = db.prepare(sql);
    st.step();
    return st.getInt(0);
}

} // namespace

class TestOdds : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void theSimulatorDemandsAKeyAndReportsQuota()
    {
        test::SessionFixture f;
        f.start();
        net::HttpClient client(test::fastHttp(1));
        const std::string base = f.session->simulator()->oddsBaseUrl() + "/sports/basketball_nba/events?commenceTimeFrom=2024-01-10T17:00:00Z";
        QCOMPARE(client.get(base).status, 401);
        const auto r = client.get(base + "&apiKey=abc");
        QCOMPARE(r.status, 200);
        QVERIFY(r.headers.count("x-requests-remaining"));
        QVERIFY(r.body.find("\"home_team\"") != std::string::npos);
    }

    void linesReachThePredictionsAndTheGrades()
    {
        test::SessionFixture f;
        f.start();
        for (Date d = Date::ymd(2024, 1, 6); d <= Date::ymd(2024, 1, 10); d = d.addDays(1))
            QCOMPARE(f.session->runner().runDate(d).realFailures(), 0);
        auto& db = f.session->db();
        QVERIFY(count(db, "SELECT count(*) FROM raw_odds_player_points WHERE game_date = '2024-01-10'") > 100);
        QVERIFY(count(db, "SELECT count(DISTINCT bookmaker) FROM raw_odds_player_points") == 3);
        const int64_t withLine = count(db, "SELECT count(*) FROM player_prop_predictions WHERE game_date = '2024-01-10' AND prop_line IS NOT NULL");
        QVERIFY(withLine > 50);
        QCOMPARE(count(db, "SELECT count(*) FROM player_prop_predictions WHERE prop_line IS NOT NULL AND recommendation IS NULL"), int64_t(0));
        QVERIFY(count(db, "SELECT count(*) FROM prediction_grades WHERE game_date = '2024-01-10' AND hit IS NOT NULL") > 20);
    }

    void theKeyIsNeverStored()
    {
        test::SessionFixture f;
        ::setenv("NBAOPS_ODDS_API_KEY", "sekrit-odds-key-123", 1);
        ::setenv("NBAOPS_BDL_API_KEY", "sekrit-bdl-key-456", 1);
        f.start();
        ::unsetenv("NBAOPS_ODDS_API_KEY");
        ::unsetenv("NBAOPS_BDL_API_KEY");
        QCOMPARE(f.session->runner().runDate(test::gameDay()).realFailures(), 0);
        QVERIFY(count(f.session->db(), "SELECT count(*) FROM raw_payloads WHERE source = 'the_odds_api'") > 1);
        QVERIFY(count(f.session->db(), "SELECT count(*) FROM raw_payloads WHERE source = 'balldontlie'") > 1);
        // Not in the database file, not in any stored path or payload.
        QVERIFY(readFile(f.dbPath()).find("sekrit-odds-key") == std::string::npos);
        QVERIFY(readFile(f.dbPath()).find("sekrit-bdl-key") == std::string::npos);
        QDirIterator it(f.dir.path(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            QVERIFY2(!file.contains(QStringLiteral("sekrit")), qPrintable(file));
            const std::string content = readFile(file.toStdString());
            QVERIFY2(content.find("sekrit-odds-key") == std::string::npos, qPrintable(file));
            QVERIFY2(content.find("sekrit-bdl-key") == std::string::npos, qPrintable(file));
        }
    }

    void aUsedUpQuotaSaysSo()
    {
        test::SessionFixture f;
        f.start({sim::FaultRule::parse("odds_events:http429:ms=1000")}, test::fastHttp(2));
        const auto r = f.session->runner().runOne("odds_api_props_scraper", test::gameDay());
        QCOMPARE(test::str(r.outcome.category), test::str(Category::Error));
        QVERIFY2(QString::fromStdString(r.outcome.error).contains(QStringLiteral("quota")), r.outcome.error.c_str());
        // Predictions wait for the lines they depend on.
        f.session->runner().runDate(test::gameDay());
        QCOMPARE(count(f.session->db(), "SELECT count(*) FROM processor_runs WHERE processor = 'player_prop_predictions'"
                                        " AND failure_category = 'dependency_missing'"), int64_t(1));
    }
};

QTEST_GUILESS_MAIN(TestOdds)
#include "tst_odds.moc"
