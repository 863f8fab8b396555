// The morning health check on run histories written for the purpose.
#include "health/format.h"
#include "health/health.h"
#include "pipeline/runner.h"
#include "registry/registry.h"
#include "store/database.h"
#include "testutil.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace nbaops;
using health::State;

namespace {

const Date kDay = Date::ymd(2024, 1, 10);

struct History
{
    QTemporaryDir dir;
    store::Database db = store::Database::open(dir.path().toStdString() + "/h.db");
    // Adds a finished run; `at` is hours after midnight ET of the morning after the game date.
    void run(const std::string& processor, const std::string& category, double at = 3.0,
             int64_t records = 100, Date date = kDay)
    {
        const auto& spec = registry::Registry::builtin().get(processor);
        const auto start = easternTime(date.addDays(1), 0, 0) + std::chrono::minutes(int(at * 60));
        const std::string status = category == "success" ? "success" : category == "no_data_available" ? "no_data" : "failed";
        db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, finished_at,"
                   " duration_ms, status, failure_category, records_out, error) VALUES ('r',?,?,?,?,?,?,?,?,?,?)")
            .bindAll(processor, int64_t(spec.phase), date.iso(), toIsoUtc(start),
                     toIsoUtc(start + std::chrono::seconds(2)), int64_t(2000), status, category, records,
                     category == "success" ? std::optional<std::string>() : std::optional<std::string>("it broke: " + processor))
            .run();
    }
    void allSucceed(Date date = kDay, double at = 3.0)
    {
        for (const auto& p : pipeline::Runner::implementedProcessors())
            run(p, "success", at, 100, date);
    }
    health::Report check(health::Mode mode = health::Mode::Quick, std::optional<Date> date = {})
    {
        health::Query q;
        q.mode = mode;
        q.date = date;
        return health::check(db, registry::Registry::builtin(), pipeline::Runner::implementedProcessors(), q,
                             easternTime(kDay.addDays(1), 9, 0));
    }
};

} // namespace

class TestHealth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void healthyWhenEverythingSucceededInTime()
    {
        History h;
        h.allSucceed();
        const auto r = h.check();
        QCOMPARE(test::str(r.overall), test::str(State::Healthy));
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QString::fromStdString(r.date), QStringLiteral("2024-01-10"));
        QCOMPARE(test::str(r.phases[0].state), test::str(State::Healthy));
        QCOMPARE(test::str(r.phases[2].state), test::str(State::Healthy));
        QCOMPARE(test::str(r.phases[5].state), test::str(State::Healthy));
        for (const auto& p : r.phases)
            QVERIFY(p.scheduled);
        QVERIFY(r.failures.empty());
    }

    void aNoGameDayIsHealthyAndCollapsed()
    {
        History h;
        for (const auto& p : pipeline::Runner::implementedProcessors())
            h.run(p, "no_data_available", 3.0, 0);
        const auto r = h.check();
        QCOMPARE(test::str(r.overall), test::str(State::Healthy));
        QCOMPARE(r.expectedNoData, int(pipeline::Runner::implementedProcessors().size()));
        QVERIFY(r.failures.empty());
    }

    void lateRunsAreDegraded()
    {
        History h;
        h.allSucceed(kDay, 6.5); // after every SLA of the slice (04:00 to 06:00 ET)
        const auto r = h.check();
        QCOMPARE(test::str(r.overall), test::str(State::Degraded));
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.phases[0].slaMissed > 0);
    }

    void tooFewRecordsIsDegraded()
    {
        History h;
        h.allSucceed();
        h.run("player_game_summary", "success", 3.5, 0); // a silent failure: success, no rows
        const auto r = h.check();
        QCOMPARE(test::str(r.phases[2].state), test::str(State::Degraded));
        QVERIFY2(QString::fromStdString(r.phases[2].reason).contains(QStringLiteral("fewer records")), r.phases[2].reason.c_str());
    }

    void aCriticalFailureFailsThePhaseAndListsTheRootCauseFirst()
    {
        History h;
        h.run("nbac_schedule_scraper", "success");
        h.run("nbac_schedule", "success");
        h.run("nbac_boxscore_scraper", "timeout");
        h.run("nbac_player_boxscores", "dependency_missing");
        h.run("player_game_summary", "dependency_missing");
        const auto r = h.check();
        QCOMPARE(test::str(r.overall), test::str(State::Failed));
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(test::str(r.phases[0].state), test::str(State::Failed));
        QCOMPARE(r.failures.size(), size_t(3));
        QCOMPARE(QString::fromStdString(r.failures.front().processor), QStringLiteral("nbac_boxscore_scraper"));
        QVERIFY(!r.failures.front().resolved);
        QVERIFY(r.failures.front().rootCause);
        QCOMPARE(r.failures.front().blocked, 2);
        QVERIFY(!r.failures[1].rootCause && !r.failures[2].rootCause);
        QVERIFY(!r.nextSteps.empty());
    }

    void aLaterSuccessResolvesAFailure()
    {
        History h;
        h.run("nbac_schedule_scraper", "error", 3.0);
        h.allSucceed(kDay, 3.5);
        const auto r = h.check();
        QCOMPARE(test::str(r.overall), test::str(State::Healthy));
        QCOMPARE(r.failures.size(), size_t(1));
        QVERIFY(r.failures.front().resolved);
    }

    void phasesThisBuildDoesNotRunAreNotCounted()
    {
        History h;
        h.allSucceed();
        health::Query q;
        const std::vector<std::string> firstSlice = {"nbac_schedule_scraper", "nbac_boxscore_scraper", "nbac_schedule",
                                                     "nbac_player_boxscores", "player_game_summary"};
        const auto r = health::check(h.db, registry::Registry::builtin(), firstSlice, q, easternTime(kDay.addDays(1), 9, 0));
        QCOMPARE(test::str(r.phases[3].state), test::str(State::NotRun));
        QVERIFY(!r.phases[3].scheduled);
        QCOMPARE(test::str(r.overall), test::str(State::Healthy));
    }

    void nothingRunIsFailed()
    {
        History h;
        h.allSucceed(kDay.addDays(-1));
        const auto r = h.check(health::Mode::Quick, kDay);
        QCOMPARE(test::str(r.overall), test::str(State::Failed));
        QCOMPARE(test::str(r.phases[0].state), test::str(State::NotRun));
        for (const auto& f : r.freshness)
            QVERIFY(f.state != "fresh");
    }

    void emptyHistorySaysWhatToDo()
    {
        History h;
        const auto r = h.check();
        QVERIFY(r.empty);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(QString::fromStdString(r.nextSteps.front()).contains(QStringLiteral("nbaops demo")));
    }

    void fullModeAddsProcessorsAndRecentDays()
    {
        History h;
        h.allSucceed(kDay.addDays(-2));
        h.run("nbac_schedule_scraper", "error", 3.0, 0, kDay.addDays(-1));
        h.allSucceed();
        const auto r = h.check(health::Mode::Full);
        QCOMPARE(r.windowDays, 7);
        QCOMPARE(r.recentDays.size(), size_t(7));
        QCOMPARE(test::str(r.recentDays[6].overall), test::str(State::Healthy));
        QCOMPARE(test::str(r.recentDays[5].overall), test::str(State::Failed));
        QCOMPARE(test::str(r.recentDays[4].overall), test::str(State::Healthy));
        QCOMPARE(test::str(r.recentDays[0].overall), test::str(State::Failed)); // nothing ran that day
        QVERIFY(!r.phases[0].processors.empty());
    }

    void quickModePointsAtOlderOpenFailures()
    {
        History h;
        h.run("nbac_schedule_scraper", "error", 3.0, 0, kDay.addDays(-3));
        h.run("nbac_schedule_scraper", "error", 3.0, 0, kDay.addDays(-2));
        h.run("nbac_schedule_scraper", "success", 4.0, 10, kDay.addDays(-2)); // fixed
        h.allSucceed();
        const auto r = h.check();
        QCOMPARE(test::str(r.overall), test::str(State::Healthy));
        QCOMPARE(r.openEarlier, 1);
        QVERIFY(QString::fromStdString(r.nextSteps.back()).contains(QStringLiteral("--mode errors")));
    }

    void checksFindIncompleteDatesStuckRunsAndGapsWithTheirCascade()
    {
        History h;
        h.allSucceed();
        // Both box-score sources failed on the day: the summaries and what follows cannot run.
        h.run("nbac_player_boxscores", "validation_failed", 3.5);
        h.run("bdl_player_boxscores", "error", 3.5);
        for (const char* id : {"0022300501", "0022300502"})
            h.db.prepare("INSERT INTO game_schedule VALUES (?, ?, '2023-24', 3, 1610612737, 1610612738, 'ATL', 'BOS', 100,"
                         " 99, 'nba_com', ?, 'r', 'x')")
                .bindAll(std::string(id), kDay.iso(), std::string(id))
                .run();
        // One of the two games has box-score rows.
        h.db.prepare("INSERT INTO player_game_summary(game_id, player_id, game_date, season, player_name, team_id, team_abbr,"
                     " opponent_team_id, opponent_abbr, home, starter, played, minutes, fgm, fga, fg3m, fg3a, ftm, fta,"
                     " oreb, dreb, reb, ast, stl, blk, tov, pf, pts, team_pts, team_fga, team_fta, team_tov, team_minutes,"
                     " opp_pts, opp_fga, opp_fta, opp_tov, source, run_id, processed_at) VALUES ('0022300501', 7, ?,"
                     " '2023-24', 'A B', 1610612737, 'ATL', 1610612738, 'BOS', 1, 1, 1, 30, 5, 10, 1, 3, 2, 2, 1, 4, 5,"
                     " 3, 1, 0, 2, 2, 13, 100, 80, 20, 12, 240, 99, 85, 18, 14, 'nba_com', 'r', 'x')")
            .bindAll(kDay.iso())
            .run();
        // A run that stopped beating an hour before the check.
        h.db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, heartbeat_at, status)"
                     " VALUES ('r2', 'ml_feature_store', 4, ?, ?, ?, 'running')")
            .bindAll(kDay.iso(), toIsoUtc(easternTime(kDay.addDays(1), 7, 0)), toIsoUtc(easternTime(kDay.addDays(1), 8, 0)))
            .run();
        const auto r = h.check(health::Mode::Full);
        const auto check = [&](const std::string& name) {
            const auto it = std::find_if(r.checks.begin(), r.checks.end(), [&](const auto& c) { return c.name == name; });
            return it == r.checks.end() ? health::Check{} : *it;
        };
        QCOMPARE(QString::fromStdString(check("completeness").state), QStringLiteral("failed"));
        QCOMPARE(QString::fromStdString(check("completeness").items.front()),
                 QStringLiteral("2024-01-10: 1 of 2 final games have box scores"));
        QCOMPARE(QString::fromStdString(check("stuck_runs").state), QStringLiteral("failed"));
        QVERIFY(QString::fromStdString(check("stuck_runs").items.front()).contains(QStringLiteral("ml_feature_store")));
        QVERIFY(check("storage").state == "ok" || check("storage").state == "warning");
        QCOMPARE(QString::fromStdString(check("model").state), QStringLiteral("unknown"));
        // The gaps: the two sources (roots), not the summaries they block; together they leave
        // phase 3 and everything after it stale for the date.
        QStringList roots;
        for (const auto& g : r.gaps)
            roots << QString::fromStdString(g.processor + " " + g.status);
        QVERIFY2(roots.contains(QStringLiteral("nbac_player_boxscores validation_failed")), qPrintable(roots.join(u',')));
        QVERIFY(roots.contains(QStringLiteral("bdl_player_boxscores error")));
        QVERIFY(!roots.contains(QStringLiteral("player_game_summary success")));
        const auto& g = *std::find_if(r.gaps.begin(), r.gaps.end(), [](const auto& x) { return x.processor == "nbac_player_boxscores"; });
        QVERIFY(std::find(g.blocked.begin(), g.blocked.end(), "player_game_summary") != g.blocked.end());
        QStringList stale;
        for (const auto& s : g.stale)
            stale << QString::fromStdString(s);
        QVERIFY2(stale.join(u'|').contains(QStringLiteral("2024-01-10")), qPrintable(stale.join(u'|')));
        QVERIFY(std::any_of(g.stale.begin(), g.stale.end(), [](const auto& s) { return s.find("and later") != std::string::npos; }));
        const auto j = health::toJson(r);
        QVERIFY(j["checks"].size() >= 8 && !j["gaps"].empty());
        QVERIFY(QString::fromStdString(health::toText(r, false)).contains(QStringLiteral("Gaps")));
    }

    void phaseAndWorkflowModes()
    {
        int phase = 0;
        QVERIFY(health::modeFromString("phase3", &phase) == health::Mode::Phase);
        QCOMPARE(phase, 3);
        QVERIFY(!health::modeFromString("phase7", &phase));
        History h;
        h.allSucceed();
        health::Query q;
        q.mode = health::Mode::Phase;
        q.phase = 3;
        const auto r = health::check(h.db, registry::Registry::builtin(), pipeline::Runner::implementedProcessors(), q,
                                     easternTime(kDay.addDays(1), 9, 0));
        QCOMPARE(r.phases.size(), size_t(1));
        QCOMPARE(r.phases.front().phase, 3);
        QVERIFY(!r.phases.front().processors.empty());
        const auto w = h.check(health::Mode::Workflows);
        QCOMPARE(w.workflows.size(), size_t(1));
        QCOMPARE(QString::fromStdString(w.workflows.front().runId), QStringLiteral("r"));
        QCOMPARE(w.workflows.front().failures, 0);
        QVERIFY(w.workflows.front().processors >= 15);
    }

    void jsonHasTheDocumentedShape()
    {
        History h;
        h.allSucceed();
        h.run("player_game_summary", "error", 4.0);
        const auto j = health::toJson(h.check(health::Mode::Pipeline));
        for (const char* k : {"date", "mode", "overall", "exit_code", "phases", "failures", "expected_no_data",
                              "freshness", "next_steps", "window_days", "generated_at", "database"})
            QVERIFY2(j.contains(k), k);
        QCOMPARE(j["phases"].size(), size_t(6));
        const auto& p3 = j["phases"][2];
        for (const char* k : {"phase", "name", "state", "last_success", "runs", "by_category", "real_failures", "sla", "processors"})
            QVERIFY2(p3.contains(k), k);
        QCOMPARE(p3["state"].get<std::string>(), std::string("failed"));
        QCOMPARE(j["failures"][0]["error"].get<std::string>(), std::string("it broke: player_game_summary"));
        QCOMPARE(j["exit_code"].get<int>(), 2);
        QVERIFY(!health::toText(h.check(), false).empty());
    }
};

QTEST_GUILESS_MAIN(TestHealth)
#include "tst_health.moc"
