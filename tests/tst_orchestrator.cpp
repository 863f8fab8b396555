// The orchestrator: workers, timeouts, heartbeats, cancellation, auto-resolution, skipping.
#include "pipeline/runner.h"
#include "sim/league.h"
#include "store/database.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QtTest>

#include <future>
#include <thread>

using namespace nbaops;
using pipeline::Category;

namespace {

int64_t count(store::Database& db, const std::string& sql)
{
    auto st = db.prepare(sql);
    st.step();
    return st.getInt(0);
}

const char* kTables[] = {
    "SELECT game_id, player_id, minutes, pts, ts_pct, usage_rate FROM player_game_summary ORDER BY 1, 2",
    "SELECT game_id, team_id, pace, off_rating FROM team_offense_game_summary ORDER BY 1, 2",
    "SELECT game_date, player_id, f_pts_ewm, f_opp_def_rating, null_count FROM ml_feature_store ORDER BY 1, 2",
    "SELECT game_date, player_id, predicted_pts FROM player_prop_predictions ORDER BY 1, 2",
    "SELECT path, sha256 FROM published_documents ORDER BY 1",
};

std::vector<std::string> checksums(store::Database& db)
{
    std::vector<std::string> out;
    for (const char* q : kTables)
        out.push_back(test::tableChecksum(db, q));
    return out;
}

} // namespace

class TestOrchestrator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void twoWorkersWriteWhatOneWorkerWrites()
    {
        std::vector<std::string> sums[2];
        for (int workers : {1, 2}) {
            test::SessionFixture f;
            pipeline::SessionOptions so;
            so.workers = workers;
            so.http = test::fastHttp();
            f.start(so);
            QCOMPARE(int(f.session->runner().workerCount()), workers);
            for (Date d = Date::ymd(2024, 1, 6); d <= Date::ymd(2024, 1, 9); d = d.addDays(1))
                QCOMPARE(f.session->runner().runDate(d).realFailures(), 0);
            sums[workers - 1] = checksums(f.session->db());
        }
        QCOMPARE(sums[1], sums[0]);
    }

    void aStuckProcessorTimesOutAndTheRestGoesOn()
    {
        test::SessionFixture f;
        pipeline::SessionOptions so;
        so.http = test::fastHttp(1, 20000); // the client would wait 20 s
        so.timeoutOverride = std::chrono::milliseconds(1500);
        so.faults = {sim::FaultRule::parse("boxscoretraditionalv2:hang:ms=30000")};
        f.start(so);
        QElapsedTimer t;
        t.start();
        const auto res = f.session->runner().runDate(test::gameDay());
        QVERIFY2(t.elapsed() < 10000, qPrintable(QString::number(t.elapsed())));
        std::map<std::string, pipeline::ProcessorResult> by;
        for (const auto& r : res.results)
            by[r.processor] = r;
        QCOMPARE(test::str(by["nbac_boxscore_scraper"].outcome.category), test::str(Category::Timeout));
        QVERIFY(QString::fromStdString(by["nbac_boxscore_scraper"].outcome.error).contains(QStringLiteral("timeout")));
        QCOMPARE(test::str(by["nbac_schedule"].outcome.category), test::str(Category::Success)); // independent: done
        QCOMPARE(test::str(by["nbac_player_boxscores"].outcome.category), test::str(Category::DependencyMissing));
        // ... and the player-games come from the fallback source.
        QCOMPARE(test::str(by["player_game_summary"].outcome.category), test::str(Category::Success));
        QCOMPARE(QString::fromStdString(by["player_game_summary"].outcome.source), QStringLiteral("balldontlie"));
        auto& db = f.session->db();
        QCOMPARE(count(db, "SELECT count(*) FROM raw_payloads WHERE endpoint = 'boxscoretraditionalv2'"), int64_t(0));
        QCOMPARE(count(db, "SELECT count(*) FROM processor_runs WHERE status = 'running'"), int64_t(0));
    }

    void heartbeatsMoveWhileAProcessorRuns()
    {
        test::SessionFixture f;
        pipeline::SessionOptions so;
        so.http = test::fastHttp(1, 20000);
        so.heartbeat = std::chrono::milliseconds(100);
        so.timeoutOverride = std::chrono::milliseconds(3000);
        so.faults = {sim::FaultRule::parse("scoreboardv2:hang:ms=30000")};
        f.start(so);
        f.clock.run();
        auto done = std::async(std::launch::async, [&] { return f.session->runner().runOne("nbac_schedule_scraper", test::gameDay()); });
        auto observer = store::Database::open(f.dbPath(), store::Database::Mode::ReadOnly);
        bool moved = false;
        for (int i = 0; i < 100 && !moved; ++i) { // bounded: 10 s
            QTest::qWait(100);
            auto st = observer.prepare("SELECT heartbeat_at > started_at FROM processor_runs WHERE status = 'running'");
            moved = st.step() && st.getInt(0) == 1;
        }
        QVERIFY(moved);
        QCOMPARE(test::str(done.get().outcome.category), test::str(Category::Timeout));
    }

    void cancellingStopsTheRunAndWritesNothingHalf()
    {
        test::SessionFixture f;
        std::atomic<bool> cancel{false};
        pipeline::SessionOptions so;
        so.http = test::fastHttp(1, 20000);
        so.cancel = &cancel;
        so.faults = {sim::FaultRule::parse("boxscoretraditionalv2:hang:ms=30000")};
        f.start(so);
        std::thread stopper([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            cancel = true;
        });
        QElapsedTimer t;
        t.start();
        const auto res = f.session->runner().runDate(test::gameDay());
        stopper.join();
        QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));
        QVERIFY(res.cancelled);
        auto& db = f.session->db();
        QCOMPARE(count(db, "SELECT count(*) FROM processor_runs WHERE status = 'running'"), int64_t(0));
        QCOMPARE(count(db, "SELECT count(*) FROM raw_nbac_player_boxscores"), int64_t(0));
        // Whatever was running when the operator cancelled says so (the hung box-score scraper
        // among them); nothing after it started.
        QVERIFY(count(db, "SELECT count(*) FROM processor_runs WHERE error LIKE 'cancelled by the operator%'") >= 1);
        QCOMPARE(count(db, "SELECT count(*) FROM processor_runs WHERE processor = 'nbac_boxscore_scraper'"
                           " AND error LIKE 'cancelled by the operator%'"), int64_t(1));
        QCOMPARE(count(db, "SELECT count(*) FROM processor_runs WHERE processor = 'player_game_summary'"), int64_t(0));
    }

    void upstreamThatNeverRanIsRunFirst()
    {
        test::SessionFixture f;
        f.start();
        const auto res = f.session->runner().runWithUpstream("player_game_summary", test::gameDay());
        // The preferred source's chain only (schedule, cross-source schedule, box scores): a
        // fallback runs only when the source it stands in for did not serve.
        QStringList names;
        for (const auto& r : res)
            names << QString::fromStdString(r.processor);
        QCOMPARE(names.join(QLatin1Char(' ')),
                 QStringLiteral("nbac_schedule_scraper nbac_schedule game_schedule nbac_boxscore_scraper "
                                "nbac_player_boxscores player_game_summary"));
        QCOMPARE(QString::fromStdString(res.front().processor), QStringLiteral("nbac_schedule_scraper"));
        QCOMPARE(QString::fromStdString(res.front().triggeredBy), QStringLiteral("player_game_summary"));
        QCOMPARE(test::str(res.back().outcome.category), test::str(Category::Success));
        // Once upstream has run, only the processor itself runs.
        QCOMPARE(f.session->runner().runWithUpstream("player_game_summary", test::gameDay()).size(), size_t(1));
    }

    void unchangedInputsAreSkippedUnlessForced()
    {
        test::SessionFixture f;
        f.start();
        f.session->runner().runDate(test::gameDay());
        const auto again = f.session->runner().runOne("player_game_summary", test::gameDay());
        QVERIFY(again.skipped);
        QCOMPARE(test::str(again.outcome.category), test::str(Category::Success));
        QVERIFY(again.outcome.recordsOut > 0);
        QCOMPARE(count(f.session->db(), "SELECT count(*) FROM processor_runs WHERE skipped = 1"), int64_t(1));
        // A rerun upstream changes the inputs: no skip.
        f.session->runner().runOne("nbac_player_boxscores", test::gameDay());
        QVERIFY(!f.session->runner().runOne("player_game_summary", test::gameDay()).skipped);
        pipeline::SessionOptions so;
        so.force = true;
        f.start(so);
        QVERIFY(!f.session->runner().runOne("player_game_summary", test::gameDay()).skipped);
    }
};

QTEST_GUILESS_MAIN(TestOrchestrator)
#include "tst_orchestrator.moc"
