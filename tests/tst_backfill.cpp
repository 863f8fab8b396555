// Backfills and self-healing in the engine: the schedule's order, the plan (what is missing,
// the bands, the estimate), overlap refusal, pause / cancel / the error-rate pause and resume,
// orphaned runs and backfills, and the retry schedule on an injected clock.
#include "alerts/engine.h"
#include "alerts/signals.h"
#include "health/retries.h"
#include "jobs/backfill.h"
#include "jobs/digest.h"
#include "jobs/repair.h"
#include "jobs/runrange.h"
#include "pipeline/history.h"
#include "pipeline/orphans.h"
#include "registry/registry.h"
#include "store/database.h"
#include "testutil.h"
#include "util/errors.h"
#include "util/process.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QtTest>

#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace nbaops;
using namespace std::chrono_literals;

namespace {

// The items of a schedule in the order one worker takes them: "day/processor ...", the first n.
QString takeAll(jobs::BackfillSchedule s, size_t n = 1000)
{
    std::string out;
    size_t taken = 0;
    while (const auto i = s.next()) {
        const auto& it = s.items()[*i];
        if (taken++ < n)
            out += (out.empty() ? "" : " ") + s.dates()[it.date].iso().substr(8) + "/" + s.processors()[it.processor].name;
        s.finish(*i);
    }
    return QString::fromStdString(out);
}

// A pid that no process has now.
int64_t deadPid()
{
    const pid_t pid = ::fork();
    if (pid == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return pid;
}

jobs::Control<jobs::BackfillEvent> quiet() { return {}; }

// A session with `workers` workers and a backfill of [from, to] recorded in it (paused, not
// started), planned as of 2024-03-01.
struct Recorded
{
    test::SessionFixture f;
    jobs::PlanRequest request;
    jobs::BackfillPlan plan;
    int64_t id = 0;

    Recorded(Date from, Date to, int workers)
    {
        pipeline::SessionOptions so;
        so.workers = workers;
        so.http = test::fastHttp();
        f.start(so);
        request.from = from;
        request.to = to;
        request.workers = workers;
        request.today = Date::ymd(2024, 3, 1);
        plan = jobs::planBackfill(f.session->db(), request);
        id = jobs::createBackfill(f.session->db(), plan, {}, "ana");
    }
};

using Ran = test::ProgramRun;

Ran cli(const QString& home, const QStringList& args) { return test::runProgram(QStringLiteral(NBAOPS_CLI_PATH), args, home); }

// The data a backfill writes, without what differs between two runs of it (row ids, run ids,
// times, payload ids): equal checksums mean the same rows.
std::string dataChecksum(store::Database& db)
{
    std::string all;
    for (const char* table : {"raw_nbac_schedule", "raw_nbac_player_boxscores", "raw_bdl_player_boxscores",
                              "raw_espn_scoreboard", "raw_odds_player_points", "game_schedule", "player_game_summary",
                              "team_offense_game_summary", "team_defense_game_summary", "player_composite_factors",
                              "ml_feature_store", "player_prop_predictions", "prediction_grades"}) {
        std::string cols;
        auto info = db.prepare("SELECT name FROM pragma_table_info(?)");
        info.bindAll(std::string(table));
        while (info.step()) {
            const std::string c = info.getText(0);
            if (c == "id" || c == "run_id" || c == "payload_id" || c == "run_pk" ||
                (c.size() > 3 && c.compare(c.size() - 3, 3, "_at") == 0))
                continue;
            cols += (cols.empty() ? "" : ", ") + c;
        }
        all += std::string(table) + ":" + test::tableChecksum(db, "SELECT " + cols + " FROM " + table + " ORDER BY " + cols) + "\n";
    }
    return all;
}

} // namespace

class TestBackfill : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scheduleFetchesNewestFirstAndReadsHistoryInOrder()
    {
        // p1 fetches, p2 loads (phase 2), p3 and p4 read the days before (phases 3, 4).
        std::vector<jobs::BackfillSchedule::Processor> procs{
            {"p1", 1, {}}, {"p2", 2, {0}}, {"p3", 3, {1}}, {"p4", 4, {2}}};
        const std::vector<size_t> all{0, 1, 2, 3};
        jobs::BackfillSchedule s(procs, {{Date::ymd(2024, 1, 3), all}, {Date::ymd(2024, 1, 2), all},
                                         {Date::ymd(2024, 1, 1), all}});
        QCOMPARE(takeAll(s), QStringLiteral("03/p1 03/p2 02/p1 02/p2 01/p1 01/p2 01/p3 02/p3 03/p3 01/p4 02/p4 03/p4"));
        // The simulated clock follows the same rules: one worker does the 12 one after another;
        // many are bound by the chain of the oldest date's history.
        const std::vector<double> ones(12, 1.0);
        QCOMPARE(s.simulate(ones, 1), 12.0);
        QVERIFY(s.simulate(ones, 8) < 12.0);
        QVERIFY(s.simulate(ones, 8) >= 6.0); // p1, p2 of 01, then p3 x3 in date order... at least 6 steps

        // Reordering moves a date to the front of the fetches.
        jobs::BackfillSchedule r(procs, {{Date::ymd(2024, 1, 3), all}, {Date::ymd(2024, 1, 2), all},
                                         {Date::ymd(2024, 1, 1), all}});
        r.moveToFront({Date::ymd(2024, 1, 1)});
        QCOMPARE(takeAll(r, 3), QStringLiteral("01/p1 01/p2 01/p3"));

        // A finished item (a checkpoint from before a crash) is not handed out again.
        jobs::BackfillSchedule done(procs, {{Date::ymd(2024, 1, 1), all}});
        done.finish(0);
        done.finish(1);
        QCOMPARE(takeAll(done), QStringLiteral("01/p3 01/p4"));
    }

    void datesFileNamesTheBadLine()
    {
        QTemporaryDir dir;
        const auto path = std::filesystem::path(dir.path().toStdString()) / "dates.txt";
        std::ofstream(path) << "# the January gap\n2024-01-10\n\n2024-01-11  # two\n2024-01-3x\n";
        try {
            jobs::readDatesFile(path);
            QFAIL("a bad line was accepted");
        } catch (const UsageError& e) {
            QVERIFY2(std::string(e.what()).find("line 5: '2024-01-3x' is not a date") != std::string::npos, e.what());
        }
        std::ofstream(path) << "\xEF\xBB\xBF" "2024-01-10\r\n2024-01-11\r\n# done\n";
        QCOMPARE(jobs::readDatesFile(path).size(), size_t(2));
    }

    void planTakesWhatIsMissingNewestFirstWithAnEstimate()
    {
        test::SessionFixture f;
        f.start({sim::FaultRule::parse("espn_scoreboard:http500")});
        jobs::runRange(*f.session, {Date::ymd(2024, 1, 8), Date::ymd(2024, 1, 9), {}}, {});
        auto& db = f.session->db();
        jobs::PlanRequest r;
        r.from = Date::ymd(2024, 1, 6);
        r.to = Date::ymd(2024, 1, 9);
        r.workers = 2;
        r.today = Date::ymd(2024, 1, 12);
        const auto plan = jobs::planBackfill(db, r);
        QCOMPARE(plan.dates.size(), size_t(4));
        QCOMPARE(plan.dates.front().date, Date::ymd(2024, 1, 9)); // newest first
        QCOMPARE(plan.dates.front().band, std::string("last 7 days"));
        QCOMPARE(plan.dates.back().date, Date::ymd(2024, 1, 6));
        // Run dates: only the failed ESPN scraper and what depends on it.
        const auto& ran = plan.dates.front().processors;
        QVERIFY(!ran.empty() && ran.size() < 20);
        QCOMPARE(ran.front().name, std::string("espn_scoreboard_scraper"));
        QCOMPARE(ran.front().reason, std::string("failed: error"));
        QVERIFY(std::any_of(ran.begin(), ran.end(), [](const auto& p) { return p.reason == "needs espn_scoreboard_scraper"; }));
        // Never-run dates: everything.
        QCOMPARE(plan.dates.back().processors.size(), size_t(20));
        QCOMPARE(plan.dates.back().processors.front().reason, std::string("missing"));
        // The estimate comes from the history, with P25 <= P50 <= P90.
        QVERIFY(plan.estimate.seconds > 0);
        QVERIFY(plan.estimate.low <= plan.estimate.seconds && plan.estimate.seconds <= plan.estimate.high);
        // The ESPN scraper never succeeded: said, and counted at a default.
        const auto& none = plan.estimate.withoutHistory;
        QVERIFY(std::find(none.begin(), none.end(), "espn_scoreboard_scraper") != none.end());
        QVERIFY(std::find(none.begin(), none.end(), "player_game_summary") == none.end());
        QVERIFY(plan.text().find("Estimate with 2 worker(s)") != std::string::npos);
        QVERIFY(plan.text().find("no run history for espn_scoreboard") != std::string::npos);
        // --force plans all; a date after today is refused.
        r.force = true;
        QCOMPARE(jobs::planBackfill(db, r).items, size_t(80));
        r.to = Date::ymd(2024, 1, 13);
        QVERIFY_THROWS_EXCEPTION(UsageError, jobs::planBackfill(db, r));
    }

    void overlappingBackfillIsRefusedNamingItsHolder()
    {
        test::SessionFixture f;
        f.start();
        auto& db = f.session->db();
        jobs::PlanRequest r;
        r.from = Date::ymd(2024, 1, 1);
        r.to = Date::ymd(2024, 1, 10);
        r.today = Date::ymd(2024, 3, 1);
        const int64_t first = jobs::createBackfill(db, jobs::planBackfill(db, r), {}, "ana");
        r.from = Date::ymd(2024, 1, 8);
        r.to = Date::ymd(2024, 1, 20);
        const auto second = jobs::planBackfill(db, r);
        QCOMPARE(second.holders.size(), size_t(1));
        QVERIFY(second.text().find("Conflict: backfill " + std::to_string(first)) != std::string::npos);
        try {
            jobs::createBackfill(db, second, {}, "ben");
            QFAIL("an overlapping backfill was created");
        } catch (const UsageError& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("backfill " + std::to_string(first) + " (started by ana") != std::string::npos, e.what());
            QVERIFY2(what.find("2024-01-01 to 2024-01-10") != std::string::npos, e.what());
            QVERIFY2(what.find("holds 3 of these dates") != std::string::npos, e.what());
        }
        // Once cancelled, its dates are free.
        jobs::cancelBackfill(db, first, "ana");
        QVERIFY(jobs::createBackfill(db, jobs::planBackfill(db, r), {}, "ben") > first);
        QCOMPARE(test::count(db, "SELECT count(*) FROM audit_log WHERE action LIKE 'backfill.%'"), int64_t(3));
    }

    void errorBurstPausesItAndResumeFinishesIt()
    {
        test::SessionFixture f;
        f.start({sim::FaultRule::parse("scoreboardv2:http500"), sim::FaultRule::parse("bdl_stats:http500")});
        auto& db = f.session->db();
        jobs::PlanRequest r;
        r.from = Date::ymd(2024, 1, 8);
        r.to = Date::ymd(2024, 1, 12);
        r.workers = 2;
        r.today = Date::ymd(2024, 3, 1);
        const int64_t id = jobs::createBackfill(db, jobs::planBackfill(db, r), {10, 0.3}, "ana");
        std::vector<std::string> waits;
        jobs::Control<jobs::BackfillEvent> c;
        c.progress = [&](const jobs::BackfillEvent& e) {
            if (e.kind == jobs::BackfillEvent::Kind::Waiting)
                waits.push_back(e.text);
        };
        const auto paused = jobs::runBackfill(*f.session, {id, 20ms, "ana"}, c);
        QCOMPARE(paused.state, std::string("paused"));
        QVERIFY2(paused.reason.find("paused by itself") != std::string::npos, paused.reason.c_str());
        QVERIFY2(paused.reason.find("nbaops backfill resume " + std::to_string(id)) != std::string::npos,
                 paused.reason.c_str());
        QVERIFY(paused.done + paused.failed < paused.total);
        QVERIFY(!waits.empty());
        // Paused: the dates stay held, and the alerts are not quieted any more.
        QVERIFY(!alerts::backfillRunning(db));
        QCOMPARE(jobs::planBackfill(db, r).holders.size(), size_t(1));

        // The fault cleared (and the breakers' cool-down passed): resume finishes it; nothing is
        // left running.
        f.clock.set(f.clock.now() + 10min);
        f.start();
        const auto done = jobs::runBackfill(*f.session, {id, 20ms, "ana"}, quiet());
        QVERIFY2(done.state == "done", done.reason.c_str());
        auto& db2 = f.session->db();
        QCOMPARE(test::count(db2, "SELECT count(*) FROM backfill_items WHERE state = 'pending'"), int64_t(0));
        QCOMPARE(test::count(db2, "SELECT count(*) FROM processor_runs WHERE status = 'running'"), int64_t(0));
        const auto info = jobs::backfillInfo(db2, id);
        QVERIFY(info && info->state == "done");
        QVERIFY(info->phases[0].total > 0 && info->phases[0].done == info->phases[0].total);
        // Every date was checked before and after.
        QCOMPARE(test::count(db2, "SELECT count(*) FROM backfill_dates WHERE pre_check IS NULL OR post_check IS NULL"),
                 int64_t(0));
        QCOMPARE(test::count(db2, "SELECT count(*) FROM audit_log WHERE action = 'backfill.resume'"), int64_t(1));
        QCOMPARE(test::count(db2, "SELECT count(*) FROM audit_log WHERE action = 'backfill.paused'"), int64_t(1));
    }

    void cancelStopsInFlightAndStartsNothingMore()
    {
        Recorded rec(Date::ymd(2024, 1, 8), Date::ymd(2024, 1, 14), 2);
        auto& f = rec.f;
        auto& db = f.session->db();
        const auto& r = rec.request;
        const int64_t id = rec.id;
        auto other = store::Database::open(f.dbPath());
        bool asked = false;
        int startedAfter = 0;
        jobs::Control<jobs::BackfillEvent> c;
        c.progress = [&](const jobs::BackfillEvent& e) {
            if (e.kind == jobs::BackfillEvent::Kind::ItemStarted && asked)
                ++startedAfter;
            if (e.kind == jobs::BackfillEvent::Kind::ItemFinished && e.done >= 10 && !asked) {
                asked = true; // as `nbaops backfill cancel` from another process would
                QVERIFY(jobs::cancelBackfill(other, id, "ben").find("Asked backfill") != std::string::npos);
            }
        };
        const auto res = jobs::runBackfill(*f.session, {id, 10ms, "ana"}, c);
        QCOMPARE(res.state, std::string("cancelled"));
        QVERIFY(res.done < res.total);
        QVERIFY2(startedAfter <= 2, std::to_string(startedAfter).c_str()); // at most one poll's worth
        QCOMPARE(test::count(db, "SELECT count(*) FROM processor_runs WHERE status = 'running'"), int64_t(0));
        QVERIFY(!jobs::backfillInfo(db, id)->active());
        // Its dates are free again.
        QVERIFY(jobs::planBackfill(db, r).holders.empty());
    }

    void pauseLetsInFlightRunsFinishAndResumeRedoesNothing()
    {
        Recorded rec(Date::ymd(2024, 1, 8), Date::ymd(2024, 1, 13), 3);
        auto& f = rec.f;
        auto& db = f.session->db();
        auto r = rec.request;
        const auto& plan = rec.plan;
        const int64_t id = rec.id;
        auto other = store::Database::open(f.dbPath());
        jobs::Control<jobs::BackfillEvent> c;
        bool asked = false;
        c.progress = [&](const jobs::BackfillEvent& e) {
            if (e.kind == jobs::BackfillEvent::Kind::ItemFinished && e.done >= 15 && !asked) {
                asked = true;
                jobs::pauseBackfill(other, id, "ben");
            }
        };
        const auto paused = jobs::runBackfill(*f.session, {id, 10ms, "ana"}, c);
        QCOMPARE(paused.state, std::string("paused"));
        // In-flight runs finished: none was cancelled.
        QCOMPARE(test::count(db, "SELECT count(*) FROM processor_runs WHERE error LIKE 'cancelled%'"), int64_t(0));
        // Reorder the oldest date to the front, then resume to the end.
        jobs::reorderBackfill(db, id, {Date::ymd(2024, 1, 8)}, "ben");
        QCOMPARE(jobs::backfillDates(db, id).front().date, std::string("2024-01-08"));
        const auto done = jobs::runBackfill(*f.session, {id, 10ms, "ana"}, quiet());
        QCOMPARE(done.state, std::string("done"));
        // Each (date, processor) ran once in the backfill.
        QCOMPARE(test::count(db, "SELECT count(*) FROM (SELECT 1 FROM processor_runs WHERE backfill_id = " +
                                     std::to_string(id) + " GROUP BY game_date, processor HAVING count(*) > 1)"),
                 int64_t(0));
        QCOMPARE(test::count(db, "SELECT count(*) FROM processor_runs WHERE backfill_id = " + std::to_string(id)),
                 int64_t(plan.items));

        // With that history, how far is the estimate of the next backfill from its actual time?
        r.from = Date::ymd(2024, 1, 14);
        r.to = Date::ymd(2024, 1, 20);
        const auto next = jobs::planBackfill(db, r);
        QVERIFY(next.estimate.withoutHistory.empty());
        const int64_t id2 = jobs::createBackfill(db, next, {}, "ana");
        const auto ran = jobs::runBackfill(*f.session, {id2, 10ms, "ana"}, quiet());
        QCOMPARE(ran.state, std::string("done"));
        qInfo("estimate %.2f s (P25 %.2f, P90 %.2f) for %zu runs over %zu dates on 3 workers; actual %.2f s "
              "(actual / estimate %.2f)",
              next.estimate.seconds, next.estimate.low, next.estimate.high, next.items, next.dates.size(), ran.seconds,
              ran.seconds / std::max(next.estimate.seconds, 1e-9));
    }

    void orphanedRunsAndBackfillsAreClosed()
    {
        test::SessionFixture f;
        f.start();
        auto& db = f.session->db();
        const auto& self = currentProcess();
        const std::string beat = toIsoUtc(std::chrono::system_clock::now() - 10min);
        const std::string fresh = toIsoUtc(std::chrono::system_clock::now());
        const auto insert = [&](const char* processor, std::optional<int64_t> pid, const std::string& host,
                                const std::string& heartbeat) {
            db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, heartbeat_at, status,"
                       " pid, host) VALUES ('run-x', ?, 3, '2024-01-10', ?, ?, 'running', ?, ?)")
                .bindAll(processor, beat, heartbeat, pid, host)
                .run();
        };
        insert("player_game_summary", deadPid(), self.host, fresh);       // its process is gone
        insert("team_offense_game_summary", self.pid, self.host, beat);    // alive (this process)
        insert("team_defense_game_summary", 1234, "another-host", beat);   // silent for 10 min elsewhere
        insert("ml_feature_store", 1234, "another-host", fresh);           // beating elsewhere
        db.prepare("INSERT INTO backfills(created_at, created_by, source, first_date, last_date, dates, items, workers,"
                   " state, pid, host) VALUES (?, 'ana', 'range', '2024-01-01', '2024-01-02', 2, 40, 1, 'running', ?, ?)")
            .bindAll(fresh, deadPid(), self.host)
            .run();
        db.exec("INSERT INTO backfill_dates(backfill_id, game_date, position) VALUES (1, '2024-01-02', 0),"
                " (1, '2024-01-01', 1)");
        const auto stuck = [&](const char* processor) {
            const auto m = alerts::measure(alerts::loadConfig(f.dbPath()),
                                           {db, registry::Registry::builtin(), pipeline::Runner::implementedProcessors(),
                                            f.dbPath().parent_path(), std::chrono::system_clock::now() + 1h});
            return std::any_of(m.conditions.begin(), m.conditions.end(), [&](const alerts::Signal& s) {
                return s.rule == "stuck_run" && s.labels.at("processor") == processor;
            });
        };
        QVERIFY(stuck("player_game_summary"));
        const auto report = pipeline::closeOrphans(db, std::chrono::system_clock::now());
        QCOMPARE(report.runs.size(), size_t(2));
        QCOMPARE(report.backfills.size(), size_t(1));
        QVERIFY(!stuck("player_game_summary")); // the stuck_run alert resolves
        QCOMPARE(test::count(db, "SELECT count(*) FROM processor_runs WHERE status = 'running'"), int64_t(2));
        QCOMPARE(test::count(db, "SELECT count(*) FROM processor_runs WHERE failure_category = 'error' AND error = '" +
                                     std::string(pipeline::kOrphanError) + "'"),
                 int64_t(2));
        const auto b = jobs::listBackfills(db).front();
        QCOMPARE(b.state, std::string("paused"));
        QVERIFY2(b.reason.find("interrupted") != std::string::npos, b.reason.c_str());
        // An interrupted backfill holds its dates like a paused one.
        jobs::PlanRequest r;
        r.from = Date::ymd(2024, 1, 2);
        r.to = Date::ymd(2024, 1, 3);
        r.today = Date::ymd(2024, 3, 1);
        QCOMPARE(jobs::planBackfill(db, r).holders.size(), size_t(1));
    }

    void failedProcessorsAreRetriedOnScheduleThenAlerted()
    {
        test::SessionFixture f;
        f.start({sim::FaultRule::parse("espn_scoreboard:http500")});
        const Date d = test::gameDay();
        jobs::runRange(*f.session, {d, d, {}}, {});
        auto repairNow = [&] { return jobs::repair(*f.session, {}, {}); };
        const TimePoint t0 = f.clock.now();

        auto res = repairNow();
        QCOMPARE(res.retried.size(), size_t(0));
        QCOMPARE(res.waiting.size(), size_t(1));
        QCOMPARE(res.waiting.front().processor, std::string("espn_scoreboard_scraper"));
        QVERIFY(*res.waiting.front().dueAt - t0 >= 5min && *res.waiting.front().dueAt - t0 < 6min);

        // 5, 15, 60 minutes: three retries, each a new run row with its attempt number.
        for (const auto delay : {5min, 15min, 60min}) {
            f.clock.set(f.clock.now() + delay - 1s);
            QCOMPARE(repairNow().retried.size(), size_t(0)); // not due yet
            f.clock.set(f.clock.now() + 2s);
            res = repairNow();
            QCOMPARE(res.retried.size(), size_t(1));
            QVERIFY(!res.retried.front().recovered());
        }
        auto& db = f.session->db();
        QCOMPARE(test::count(db, "SELECT max(attempt) FROM processor_runs WHERE processor = 'espn_scoreboard_scraper'"),
                 int64_t(4));
        f.clock.set(f.clock.now() + 3h);
        res = repairNow();
        QCOMPARE(res.retried.size(), size_t(0));
        QCOMPARE(res.exhausted.size(), size_t(1));
        // ... and alerted.
        const auto m = alerts::measure(alerts::loadConfig(f.dbPath()),
                                       {db, registry::Registry::builtin(), pipeline::Runner::implementedProcessors(),
                                        f.dbPath().parent_path(), f.clock.now()});
        QVERIFY(std::any_of(m.conditions.begin(), m.conditions.end(),
                            [](const alerts::Signal& s) { return s.rule == "retries_exhausted"; }));
    }

    void aRetryThatRecoversRerunsWhatDependsOnIt()
    {
        test::SessionFixture f;
        f.start({sim::FaultRule::parse("espn_scoreboard:http500")});
        const Date d = test::gameDay();
        jobs::runRange(*f.session, {d, d, {}}, {});
        auto& db0 = f.session->db();
        QCOMPARE(*pipeline::latestCategory(db0, "espn_scoreboard", d), std::string("dependency_missing"));
        f.start(); // the source is back
        f.clock.set(f.clock.now() + 6min);
        const auto res = jobs::repair(*f.session, {}, {});
        QCOMPARE(res.retried.size(), size_t(1));
        QVERIFY(res.retried.front().recovered());
        QVERIFY(res.retried.front().results.size() > 1);
        QCOMPARE(*pipeline::latestCategory(f.session->db(), "espn_scoreboard", d), std::string("success"));
        QVERIFY(health::retryStates(f.session->db(), f.clock.now()).empty());
    }

    // The real program killed with SIGKILL in the middle of a backfill, then resumed: the same
    // rows as a backfill that was never interrupted, no finished (date, processor) redone, no
    // run left `running`; meanwhile its dates are held against a second backfill.
    void killedBackfillResumesToTheSameRows()
    {
        QTemporaryDir dir;
        const QString home = dir.path() + QStringLiteral("/xdg");
        const QString a = dir.path() + QStringLiteral("/a.db"), b = dir.path() + QStringLiteral("/b.db");
        const QStringList range{QStringLiteral("--from"), QStringLiteral("2024-01-08"), QStringLiteral("--to"),
                                QStringLiteral("2024-01-14"), QStringLiteral("--workers"), QStringLiteral("2")};
        const auto whole = cli(home, QStringList{QStringLiteral("--db"), a, QStringLiteral("backfill"),
                                                    QStringLiteral("start")} + range);
        QVERIFY2(whole.code == 0 || whole.code == 1, whole.err.constData());
        QVERIFY(whole.out.contains("Backfill 1 done"));

        QProcess p;
        p.setProcessEnvironment(test::programEnvironment(home));
        p.start(QStringLiteral(NBAOPS_CLI_PATH),
                QStringList{QStringLiteral("--db"), b, QStringLiteral("backfill"), QStringLiteral("start")} + range);
        QVERIFY(p.waitForStarted(10000));
        QByteArray seen;
        QElapsedTimer t;
        t.start();
        while (!seen.contains("[50/") && t.elapsed() < 120000 && p.state() == QProcess::Running) {
            p.waitForReadyRead(200);
            seen += p.readAllStandardOutput();
        }
        QVERIFY2(seen.contains("[50/"), seen.right(400).constData());
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(10000));

        const auto status = cli(home, {QStringLiteral("--db"), b, QStringLiteral("backfill"), QStringLiteral("status"),
                                          QStringLiteral("1"), QStringLiteral("--json")});
        QCOMPARE(status.code, 0);
        const auto st = QJsonDocument::fromJson(status.out).object();
        QCOMPARE(st.value(QStringLiteral("state")).toString(), QStringLiteral("paused"));
        QVERIFY(st.value(QStringLiteral("reason")).toString().contains(QStringLiteral("interrupted")));
        QVERIFY(st.value(QStringLiteral("done")).toInt() >= 50);

        const auto refused = cli(home, {QStringLiteral("--db"), b, QStringLiteral("backfill"), QStringLiteral("start"),
                                           QStringLiteral("--from"), QStringLiteral("2024-01-13"), QStringLiteral("--to"),
                                           QStringLiteral("2024-01-20")});
        QCOMPARE(refused.code, 64);
        QVERIFY2(refused.err.contains("backfill 1 (started by"), refused.err.constData());

        const auto resumed = cli(home, {QStringLiteral("--db"), b, QStringLiteral("backfill"), QStringLiteral("resume")});
        QVERIFY2(resumed.code == whole.code, resumed.err.constData());
        QVERIFY2(resumed.out.contains("Backfill 1 done"), resumed.out.right(400).constData());

        auto dbA = store::Database::open(a.toStdString());
        auto dbB = store::Database::open(b.toStdString());
        QCOMPARE(test::count(dbB, "SELECT count(*) FROM processor_runs WHERE status = 'running'"), int64_t(0));
        QCOMPARE(test::count(dbB, "SELECT count(*) FROM (SELECT 1 FROM processor_runs WHERE backfill_id = 1 AND"
                                  " failure_category IN ('success', 'no_data_available') GROUP BY game_date, processor"
                                  " HAVING count(*) > 1)"),
                 int64_t(0));
        QCOMPARE(test::count(dbB, "SELECT count(*) FROM backfill_items WHERE state <> 'done'"),
                 test::count(dbA, "SELECT count(*) FROM backfill_items WHERE state <> 'done'"));
        QCOMPARE(QString::fromStdString(dataChecksum(dbB)), QString::fromStdString(dataChecksum(dbA)));
    }

    void detachedBackfillRunsInTheBackground()
    {
        QTemporaryDir dir;
        const QString home = dir.path() + QStringLiteral("/xdg");
        const QString db = dir.path() + QStringLiteral("/c.db");
        const auto r = cli(home, {QStringLiteral("--db"), db, QStringLiteral("backfill"), QStringLiteral("start"),
                                     QStringLiteral("--from"), QStringLiteral("2024-01-08"), QStringLiteral("--to"),
                                     QStringLiteral("2024-01-09"), QStringLiteral("--detach")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("runs in the background"));
        QString state;
        QElapsedTimer t;
        t.start();
        while (state != QStringLiteral("done") && t.elapsed() < 120000) {
            QTest::qWait(200);
            const auto s = cli(home, {QStringLiteral("--db"), db, QStringLiteral("backfill"), QStringLiteral("status"),
                                         QStringLiteral("1"), QStringLiteral("--json")});
            state = QJsonDocument::fromJson(s.out).object().value(QStringLiteral("state")).toString();
        }
        QCOMPARE(state, QStringLiteral("done"));
        QVERIFY(QFile::exists(dir.path() + QStringLiteral("/backfill-1.log")));
    }

    // `nbaops schedule install` writes systemd user units that systemd itself accepts, or cron
    // lines; `remove` deletes them.
    void scheduleWritesUnitsSystemdAccepts()
    {
        QTemporaryDir dir;
        const QString home = dir.path();
        const QString db = dir.path() + QStringLiteral("/s.db");
        const auto r = cli(home, {QStringLiteral("--db"), db, QStringLiteral("schedule"), QStringLiteral("install"),
                                  QStringLiteral("--no-enable"), QStringLiteral("--at"), QStringLiteral("03:30")});
        QVERIFY2(r.code == 0, r.err.constData());
        const QString units = home + QStringLiteral("/config/systemd/user/");
        QFile timer(units + QStringLiteral("nbaops-nightly.timer"));
        QVERIFY(timer.open(QIODevice::ReadOnly));
        QVERIFY(timer.readAll().contains("OnCalendar=*-*-* 03:30:00 America/New_York"));
        QFile service(units + QStringLiteral("nbaops-nightly.service"));
        QVERIFY(service.open(QIODevice::ReadOnly));
        const QByteArray exec = service.readAll();
        QVERIFY(exec.contains("run --date yesterday"));
        QVERIFY(exec.contains(db.toUtf8()));
        const QString analyze = QStandardPaths::findExecutable(QStringLiteral("systemd-analyze"));
        if (!analyze.isEmpty()) {
            QProcess v;
            QStringList files;
            for (const char* n : {"nightly", "repair", "digest", "backup"})
                for (const char* ext : {".service", ".timer"})
                    files << units + QStringLiteral("nbaops-") + QLatin1String(n) + QLatin1String(ext);
            v.start(analyze, QStringList{QStringLiteral("verify")} + files);
            QVERIFY(v.waitForFinished(30000));
            QVERIFY2(v.exitCode() == 0, v.readAllStandardError().constData());
        } else {
            qInfo("systemd-analyze is not installed: the units' syntax is not verified here");
        }
        const auto cron = cli(home, {QStringLiteral("--db"), db, QStringLiteral("schedule"), QStringLiteral("install"),
                                     QStringLiteral("--crontab"), QStringLiteral("--at"), QStringLiteral("03:30")});
        QCOMPARE(cron.code, 0);
        QVERIFY(cron.out.contains("CRON_TZ=America/New_York"));
        QVERIFY(cron.out.contains("*/5 * * * *"));
        QVERIFY(cron.out.contains("30 3 * * *"));
        QVERIFY(cron.out.contains("30 5 * * *")); // the backup
        const auto gone = cli(home, {QStringLiteral("--db"), db, QStringLiteral("schedule"), QStringLiteral("remove")});
        QCOMPARE(gone.code, 0);
        QVERIFY(gone.out.contains("8 unit file(s) removed"));
        QVERIFY(!QFile::exists(units + QStringLiteral("nbaops-nightly.timer")));
    }

    void digestGoesToEachReceiverOnce()
    {
        struct Recorder : alerts::Sender
        {
            std::vector<std::pair<std::string, alerts::Message>> sent;
            std::string send(const alerts::Receiver& r, const alerts::Message& m) override
            {
                sent.emplace_back(r.name, m);
                return {};
            }
        } recorder;
        test::SessionFixture f;
        f.start({sim::FaultRule::parse("espn_scoreboard:http500")});
        jobs::runRange(*f.session, {test::gameDay(), test::gameDay(), {}}, {});
        ::setenv("NBAOPS_CHAT_WEBHOOK_URL", "http://127.0.0.1:9/hook", 1);
        jobs::DigestOptions o;
        o.dbPath = f.dbPath();
        o.now = f.clock.now();
        o.send = true;
        o.sender = &recorder;
        const auto d = jobs::morningDigest(f.session->db(), o);
        ::unsetenv("NBAOPS_CHAT_WEBHOOK_URL");
        QCOMPARE(recorder.sent.size(), size_t(1));
        QCOMPARE(recorder.sent.front().first, std::string("chat"));
        QVERIFY2(d.subject.find("nbaops morning digest 2024-01-10") == 0, d.subject.c_str());
        QVERIFY(d.body.find("Retries: 1 waiting") != std::string::npos);
        QVERIFY(d.body.find("espn_scoreboard_scraper") != std::string::npos);
        QCOMPARE(test::count(f.session->db(), "SELECT count(*) FROM audit_log WHERE action = 'digest.send'"),
                 int64_t(1));
    }

    // A manual run of the scheduler's work: an operator-cancelled run is not retried.
    void cancelledRunsAreNotRetried()
    {
        test::SessionFixture f;
        f.start();
        auto& db = f.session->db();
        const std::string at = toIsoUtc(f.clock.now());
        db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, finished_at, status,"
                   " failure_category, error) VALUES ('r', 'nbac_schedule_scraper', 1, '2024-01-10', ?, ?, 'failed',"
                   " 'error', 'cancelled by the operator; nothing was written')")
            .bindAll(at, at)
            .run();
        QVERIFY(health::retryStates(db, f.clock.now() + 1h).empty());
    }
};

QTEST_GUILESS_MAIN(TestBackfill)
#include "tst_backfill.moc"
