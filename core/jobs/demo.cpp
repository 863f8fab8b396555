#include "demo.h"

#include "import.h"
#include "train.h"
#include "pipeline/session.h"
#include "sim/historycsv.h"
#include "sim/server.h"
#include "store/objectstore.h"
#include "util/errors.h"
#include "util/files.h"

#include <algorithm>
#include <mutex>

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
        sum.injected.push_back(streakDay.iso() + ": scoreboard HTTP 500 streak, fixed by a rerun two hours later");
        rerun.push_back(streakDay);
    }
    if (inRange(hangDay) && !firstGame(hangDay).empty()) {
        server.addFault(sim::FaultRule::parse("boxscoretraditionalv2:hang:ms=3000:game=" + firstGame(hangDay)));
        server.addFault(sim::FaultRule::parse("bdl_stats:http503:date=" + hangDay.iso()));
        sum.injected.push_back(hangDay.iso() + ": box score " + firstGame(hangDay) +
                               " hangs until the client times out, and balldontlie (the fallback) "
                               "answers 503 (left failed)");
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

} // namespace

Date defaultDemoLastDate(Date today)
{
    const Date yesterday = today.addDays(-1);
    if (sim::League::seasonOf(yesterday))
        return yesterday;
    // Out of season (mid-April to October): the season that ended started the year before.
    return sim::League::lastDay(yesterday.year() - 1);
}

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

    for (Date d = sum.first; d <= sum.last; d = d.addDays(1)) {
        if (control.cancelled()) {
            sum.cancelled = true;
            break;
        }
        const bool late = d == sum.last;
        const auto r = runNight(session, clock, d, late ? 6 : 3, late ? 20 : 5, sum);
        for (const auto& p : r.results)
            sum.noData += p.outcome.category == pipeline::Category::NoDataAvailable ? 1 : 0;
        control.report(d.iso() + ": " + std::to_string(r.results.size()) + " runs, " +
                       std::to_string(r.realFailures()) + " real failures");
        if (std::find(rerun.begin(), rerun.end(), d) != rerun.end()) {
            const auto again = runNight(session, clock, d, 5, 10, sum);
            control.report(d.iso() + ": rerun, " + std::to_string(again.realFailures()) + " real failures");
        }
    }
    return sum;
}

} // namespace nbaops::jobs
