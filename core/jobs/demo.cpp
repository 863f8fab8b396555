#include "demo.h"

#include "alertcycle.h"
#include "backfill.h"
#include "dr/backup.h"
#include "dr/records.h"
#include "dr/restore.h"
#include "import.h"
#include "repair.h"
#include "train.h"
#include "pipeline/session.h"
#include "store/database.h"
#include "util/process.h"
#include "sim/historycsv.h"
#include "sim/server.h"
#include "store/objectstore.h"
#include "util/errors.h"
#include "util/files.h"

#include <algorithm>
#include <mutex>
#include <sys/wait.h>
#include <unistd.h>

namespace nbaops::jobs {

namespace {

// Simulated wall clock: a set instant that then runs with real time.
class DemoClock final : public Clock
{
public:
    void set(TimePoint t)
    {
        std::lock_guard lock(m_mutex);
        m_base = t;
        m_since = std::chrono::steady_clock::now();
    }
    TimePoint now() const override
    {
        std::lock_guard lock(m_mutex);
        return m_base + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                            std::chrono::steady_clock::now() - m_since);
    }

private:
    mutable std::mutex m_mutex;
    TimePoint m_base{};
    std::chrono::steady_clock::time_point m_since{};
};

constexpr int kHistoryDates = 60;    // game dates of history imported before the first night
constexpr int kMinHistoryDates = 30; // fewer (at the very start of the simulated seasons): no model
constexpr int kHistoryLookBack = 400; // days searched back for those dates

// The faults injected on purpose, by days before the last date; the dates to run again.
std::vector<Date> injectFaults(sim::SimServer& server, const sim::League& league, DemoSummary& sum)
{
    const auto dayAt = [&](int fromEnd) { return sum.last.addDays(-fromEnd); };
    const auto inRange = [&](Date d) { return d >= sum.first && d <= sum.last; };
    const auto firstGame = [&](Date d) {
        const auto games = league.gamesOn(d);
        return games.empty() ? std::string() : games.front().id;
    };
    const Date emptyDay = dayAt(11), streakDay = dayAt(8), hangDay = dayAt(5), malformedDay = dayAt(2);
    std::vector<Date> rerun;
    if (inRange(emptyDay)) {
        // Every source agrees, so the pipeline takes it for a day off (one source alone saying
        // so would be passed over for the next).
        for (const char* endpoint : {"scoreboardv2", "espn_scoreboard", "bdl_games"})
            server.addFault(sim::FaultRule::parse(std::string(endpoint) + ":empty_day:date=" + emptyDay.iso()));
        sum.injected.push_back(emptyDay.iso() + ": every source lists no games (a day off)");
    }
    if (inRange(streakDay)) {
        server.addFault(sim::FaultRule::parse("scoreboardv2:http500:count=3:date=" + streakDay.iso()));
        sum.injected.push_back(streakDay.iso() + ": scoreboard HTTP 500 streak, fixed by the automatic retry 5 "
                               "minutes later ('nbaops repair')");
    }
    if (inRange(hangDay) && !firstGame(hangDay).empty()) {
        server.addFault(sim::FaultRule::parse("boxscoretraditionalv2:hang:ms=3000:game=" + firstGame(hangDay)));
        server.addFault(sim::FaultRule::parse("bdl_stats:http503:date=" + hangDay.iso()));
        sum.injected.push_back(hangDay.iso() + ": box score " + firstGame(hangDay) +
                               " hangs until the client times out, and balldontlie (the fallback) "
                               "answers 503: retried after 5 min, 15 min and 1 h, then left failed and alerted");
    }
    if (inRange(malformedDay) && !firstGame(malformedDay).empty()) {
        server.addFault(sim::FaultRule::parse("boxscoretraditionalv2:malformed:count=1:game=" + firstGame(malformedDay)));
        sum.injected.push_back(malformedDay.iso() + ": box score " + firstGame(malformedDay) +
                               " malformed (kept for inspection; balldontlie serves the date), fixed by a rerun");
        rerun.push_back(malformedDay);
    }
    sum.injected.push_back(sum.last.iso() + ": the nightly run started late (06:20 ET) and missed its SLAs");
    return rerun;
}

// Imports the history before the first night, trains on it and makes the version champion.
// Returns the line that describes it ("" when there is too little history).
std::string trainChampion(pipeline::Session& session, const sim::League& league, const DemoOptions& options,
                          Date first, const TextControl& control)
{
    std::vector<Date> history;
    for (Date d = first.addDays(-1); int(history.size()) < kHistoryDates && d > first.addDays(-kHistoryLookBack);
         d = d.addDays(-1))
        if (!league.gamesOn(d).empty())
            history.push_back(d);
    if (int(history.size()) < kMinHistoryDates)
        return {};
    const auto csv = options.dbPath.parent_path() / ".nbaops-demo-history.csv";
    writeFileAtomically(csv, sim::boxscoreHistoryCsv(league, history.back(), history.front()), false);
    const auto rep = importHistory(session, {csv, std::nullopt}, {});
    std::filesystem::remove(csv);
    control.report("imported " + std::to_string(rep.rows) + " rows of history (" + rep.firstDate + " to " +
                   rep.lastDate + ")");
    TrainOptions req;
    req.actor = "demo";
    const auto run = train(session, req, {});
    model::ModelVersions versions(session.db(), session.context().objects.root());
    std::string promoted = "champion";
    try {
        versions.promote(run.version, "demo");
    } catch (const OpsError& e) {
        promoted = std::string("not champion: ") + e.what(); // --force on a database with one
    }
    char line[400];
    std::snprintf(line, sizeof line, "%s trained on %s..%s: test MAE %.3f vs %.3f for the best baseline; %s",
                  run.version.c_str(), run.split.trainFrom.iso().c_str(), run.split.trainUntil.iso().c_str(),
                  run.test.model.overall.mae, run.test.baselines.at(run.test.bestBaseline).overall.mae,
                  promoted.c_str());
    control.report(line);
    return line;
}

// One nightly invocation of the date at the given Eastern time.
pipeline::DateResult runNight(pipeline::Session& session, DemoClock& clock, Date d, int hour, int minute,
                              DemoSummary& sum)
{
    clock.set(easternTime(d.addDays(1), hour, minute));
    session.runner().setRunId(pipeline::Runner::newRunId(clock));
    pipeline::DateResult r = session.runner().runDate(d);
    sum.runs += int(r.results.size());
    sum.realFailures += r.realFailures();
    return r;
}

// What the scheduler does after a night: the alert rules right away, then `nbaops repair` at
// the retry schedule's times (5, 20 and 80 minutes after), each followed by the alert rules.
void afterNight(pipeline::Session& session, DemoClock& clock, const DemoOptions& options, DemoSummary& sum,
                const TextControl& control)
{
    const auto cycle = [&] {
        const auto c = runAlertCycle(session.db(), {options.dbPath, clock.now(), false, nullptr});
        sum.alertsFired += c.evaluation.newlyFiring;
        sum.alertsResolved += c.evaluation.resolved;
    };
    cycle();
    const TimePoint night = clock.now();
    // Each a little after the retry it is for falls due (5, then 15, then 60 minutes after the
    // previous attempt ended).
    for (const auto after : {std::chrono::minutes(6), std::chrono::minutes(23), std::chrono::minutes(85)}) {
        clock.set(night + after);
        const auto r = repair(session, {}, {});
        for (const auto& run : r.retried) {
            sum.runs += int(run.results.size());
            control.report("  repair: " + run.before.processor + " " + run.before.gameDate + " retried, " +
                           (run.recovered() ? "recovered" : "still failing"));
        }
        if (!r.orphans.runs.empty())
            control.report("  repair: " + std::to_string(r.orphans.runs.size()) + " orphaned run(s) of a killed "
                           "process closed");
        cycle();
    }
}

// A nightly run killed (kill -9) while player_game_summary ran: phases 1 and 2 and the
// schedule are in, and a `running` row of a process that is gone is left behind, as a crash
// leaves it. Repair closes it as an error, and its retry finishes the date.
void crashNight(pipeline::Session& session, DemoClock& clock, Date d, DemoSummary& sum)
{
    clock.set(easternTime(d.addDays(1), 3, 5));
    session.runner().setRunId(pipeline::Runner::newRunId(clock));
    const auto r = session.runner().runDate(d, {1, 2});
    sum.runs += int(r.results.size()) + 1;
    session.runner().runOne("game_schedule", d);
    const pid_t child = ::fork(); // a process id that is gone by the time anyone looks
    if (child == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    const std::string at = toIsoUtc(clock.now());
    session.db()
        .prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, heartbeat_at, status,"
                 " attempt, pid, host) VALUES (?, 'player_game_summary', 3, ?, ?, ?, 'running', 1, ?, ?)")
        .bindAll(session.runner().runId(), d.iso(), at, at, int64_t(child), currentProcess().host)
        .run();
}

// An engineer backfills the gaps the retries gave up on, with two workers, before the source is
// fixed: the backfill ends with the date still failed (and says so), as it would.
void backfillGaps(pipeline::Session& session, DemoSummary& sum, const DemoOptions& options, DemoClock& clock,
                  const TextControl& control)
{
    PlanRequest req;
    req.from = sum.first;
    req.to = sum.last;
    req.gaps = true;
    req.workers = 2;
    req.today = sum.last.addDays(1);
    const auto plan = planBackfill(session.db(), req);
    if (plan.dates.empty())
        return;
    const int64_t id = createBackfill(session.db(), plan, {}, "demo");
    const auto res = runBackfill(session, {id, std::chrono::milliseconds(50), "demo"}, {});
    sum.runs += res.ranNow;
    std::string dates;
    for (const auto& pd : plan.dates)
        dates += (dates.empty() ? "" : ", ") + pd.date.iso();
    sum.injected.push_back("then backfill " + std::to_string(id) + " retried the gaps (" + dates + ") with 2 workers "
                           "while the source was still down: " + std::to_string(res.done) + " run(s) done, " +
                           std::to_string(res.failed) + " failed");
    control.report("backfill " + std::to_string(id) + " of " + dates + ": " + res.state);
    const auto c = runAlertCycle(session.db(), {options.dbPath, clock.now(), false, nullptr});
    sum.alertsFired += c.evaluation.newlyFiring;
    sum.alertsResolved += c.evaluation.resolved;
}

} // namespace

Date defaultDemoLastDate(Date today)
{
    const Date yesterday = today.addDays(-1);
    if (sim::League::seasonOf(yesterday))
        return yesterday;
    // Out of season (mid-April to October): the season that ended started the year before.
    return sim::League::lastDay(yesterday.year() - 1);
}

namespace {

// As the schedule does after a night: a backup, proven by restoring it into a scratch folder,
// so the Recovery page opens on a backup that restores.
void backUp(pipeline::Session& session, DemoSummary& sum, const TextControl& control)
{
    session.flushPublished();
    dr::BackupOptions o;
    o.database = session.db().path();
    o.kind = "scheduled";
    o.actor = "demo";
    const auto made = dr::createBackup(o, {});
    const auto entry = dr::findBackup(made.folder.parent_path(), made.manifest.id);
    const auto proof = dr::testRestore(entry, made.folder.parent_path(), {});
    dr::recordProof(&session.db(), entry, proof.proof);
    sum.injected.push_back("then backup " + made.manifest.id + " was made and " +
                           (proof.proof.ok ? "proven restorable: " : "did NOT restore: ") + proof.proof.detail);
    control.report("backup " + made.manifest.id + (proof.proof.ok ? " proven restorable" : " did not restore"));
}

} // namespace

DemoSummary buildDemo(const DemoOptions& options, const TextControl& control)
{
    if (options.days < 1 || options.days > kMaxDemoDays)
        throw UsageError("--days must be from 1 to " + std::to_string(kMaxDemoDays) + " (got " +
                         std::to_string(options.days) + ").");
    const Date lastDate = options.lastDate.value_or(defaultDemoLastDate(Date::todayEastern()));
    DemoClock clock;
    clock.set(easternTime(lastDate.addDays(2 - options.days), 3, 0));
    pipeline::SessionOptions so;
    so.dbPath = options.dbPath;
    so.seed = options.seed;
    so.clock = &clock;
    so.nbaStatsUrl = "";
    // Short timeouts and backoff keep the demo quick; the shape of the failures is the same.
    so.http.totalTimeout = std::chrono::milliseconds(1200);
    so.http.connectTimeout = std::chrono::milliseconds(1000);
    so.http.maxAttempts = 3;
    so.http.backoffBase = std::chrono::milliseconds(40);
    so.cancel = control.cancel;
    pipeline::Session session(so);
    if (!session.simulated())
        throw UsageError("The demo runs on the simulated league; unset NBAOPS_NBA_STATS_URL.");
    sim::League league(options.seed);

    DemoSummary sum;
    sum.last = lastDate;
    sum.first = sum.last.addDays(1 - options.days);
    const std::vector<Date> rerun = injectFaults(*session.simulator(), league, sum);
    if (options.withModel)
        sum.model = trainChampion(session, league, options, sum.first, control);

    // A game day away from the other faults' days.
    Date crashDay;
    for (int back : {3, 4, 6, 7, 9}) {
        const Date d = sum.last.addDays(-back);
        if (d >= sum.first && !league.gamesOn(d).empty()) {
            crashDay = d;
            break;
        }
    }
    const bool crash = crashDay != Date();
    if (crash)
        sum.injected.push_back(crashDay.iso() + ": the nightly run was killed while player_game_summary ran; "
                               "'nbaops repair' closed the orphaned run and its retry finished the date");
    for (Date d = sum.first; d <= sum.last; d = d.addDays(1)) {
        if (control.cancelled()) {
            sum.cancelled = true;
            break;
        }
        if (crash && d == crashDay) {
            crashNight(session, clock, d, sum);
            control.report(d.iso() + ": killed while player_game_summary ran");
            afterNight(session, clock, options, sum, control);
            continue;
        }
        const bool late = d == sum.last;
        const auto r = runNight(session, clock, d, late ? 6 : 3, late ? 20 : 5, sum);
        for (const auto& p : r.results)
            sum.noData += p.outcome.category == pipeline::Category::NoDataAvailable ? 1 : 0;
        control.report(d.iso() + ": " + std::to_string(r.results.size()) + " runs, " +
                       std::to_string(r.realFailures()) + " real failures");
        afterNight(session, clock, options, sum, control);
        if (std::find(rerun.begin(), rerun.end(), d) != rerun.end()) {
            const auto again = runNight(session, clock, d, 5, 10, sum);
            control.report(d.iso() + ": rerun, " + std::to_string(again.realFailures()) + " real failures");
            afterNight(session, clock, options, sum, control);
        }
    }
    if (!sum.cancelled) {
        backfillGaps(session, sum, options, clock, control);
        backUp(session, sum, control);
    }
    return sum;
}

} // namespace nbaops::jobs
