#include "demo.h"

#include "importer/boxscores.h"
#include "model/registry.h"
#include "model/workbench.h"
#include "session.h"
#include "sim/historycsv.h"
#include "sim/league.h"
#include "sim/server.h"
#include "store/objectstore.h"
#include "util/errors.h"
#include "util/files.h"


#include <algorithm>
#include <mutex>

namespace nbaops::pipeline {

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

} // namespace

Date defaultDemoLastDate(Date today)
{
    const Date yesterday = today.addDays(-1);
    if (sim::League::seasonOf(yesterday))
        return yesterday;
    const int y = yesterday.month() >= 7 ? yesterday.year() - 1 : yesterday.year() - 1;
    return sim::League::lastDay(y);
}

DemoSummary buildDemo(const DemoOptions& options,
                      const std::function<void(const std::string&)>& progress)
{
    if (options.days < 1 || options.days > 400)
        throw UsageError("--days must be from 1 to 400 (got " + std::to_string(options.days) + ").");
    const Date lastDate = options.lastDate.value_or(defaultDemoLastDate(Date::todayEastern()));
    DemoClock clock;
    clock.set(easternTime(lastDate.addDays(2 - options.days), 3, 0));
    SessionOptions so;
    so.dbPath = options.dbPath;
    so.seed = options.seed;
    so.clock = &clock;
    so.nbaStatsUrl = "";
    // Short timeouts and backoff keep the demo quick; the shape of the failures is the same.
    so.http.totalTimeout = std::chrono::milliseconds(1200);
    so.http.connectTimeout = std::chrono::milliseconds(1000);
    so.http.maxAttempts = 3;
    so.http.backoffBase = std::chrono::milliseconds(40);
    Session session(so);
    if (!session.simulated())
        throw UsageError("The demo runs on the simulated league; unset NBAOPS_NBA_STATS_URL.");
    sim::SimServer& server = *session.simulator();
    sim::League league(options.seed);

    DemoSummary sum;
    sum.last = lastDate;
    sum.first = sum.last.addDays(1 - options.days);
    const auto dayAt = [&](int fromEnd) { return sum.last.addDays(-fromEnd); };
    const auto inRange = [&](Date d) { return d >= sum.first && d <= sum.last; };
    const auto firstGame = [&](Date d) {
        const auto games = league.gamesOn(d);
        return games.empty() ? std::string() : games.front().id;
    };

    // The fault plan, by days before the last date.
    const Date emptyDay = dayAt(11), streakDay = dayAt(8), hangDay = dayAt(5),
               malformedDay = dayAt(2);
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
        sum.injected.push_back(streakDay.iso() +
                               ": scoreboard HTTP 500 streak, fixed by a rerun two hours later");
        rerun.push_back(streakDay);
    }
    if (inRange(hangDay) && !firstGame(hangDay).empty()) {
        server.addFault(sim::FaultRule::parse("boxscoretraditionalv2:hang:ms=3000:game=" +
                                              firstGame(hangDay)));
        server.addFault(sim::FaultRule::parse("bdl_stats:http503:date=" + hangDay.iso()));
        sum.injected.push_back(hangDay.iso() + ": box score " + firstGame(hangDay) +
                               " hangs until the client times out, and balldontlie (the fallback) "
                               "answers 503 (left failed)");
    }
    if (inRange(malformedDay) && !firstGame(malformedDay).empty()) {
        server.addFault(sim::FaultRule::parse("boxscoretraditionalv2:malformed:count=1:game=" +
                                              firstGame(malformedDay)));
        sum.injected.push_back(malformedDay.iso() + ": box score " + firstGame(malformedDay) +
                               " malformed (kept for inspection; balldontlie serves the date), fixed by a rerun");
        rerun.push_back(malformedDay);
    }
    sum.injected.push_back(sum.last.iso() + ": the nightly run started late (06:20 ET) and "
                                            "missed its SLAs");

    if (options.withModel) {
        std::vector<Date> history;
        for (Date d = sum.first.addDays(-1); history.size() < 60 && d > sum.first.addDays(-400); d = d.addDays(-1))
            if (!league.gamesOn(d).empty())
                history.push_back(d);
        if (history.size() >= 30) {
            const auto csv = options.dbPath.parent_path() / ".nbaops-demo-history.csv";
            writeFileAtomically(csv, sim::boxscoreHistoryCsv(league, history.back(), history.front()), false);
            const auto rep = importer::importBoxscores(session, csv, std::nullopt);
            std::filesystem::remove(csv);
            if (progress)
                progress("imported " + std::to_string(rep.rows) + " rows of history (" + rep.firstDate + " to " +
                         rep.lastDate + ")");
            model::TrainRequest req;
            req.actor = "demo";
            const auto run = model::trainModel(session, req);
            model::ModelRegistry reg(session.db(), session.context().objects.root());
            std::string promoted = "champion";
            try {
                reg.promote(run.version, "demo");
            } catch (const OpsError& e) {
                promoted = std::string("not champion: ") + e.what(); // --force on a database with one
            }
            char line[400];
            std::snprintf(line, sizeof line, "%s trained on %s..%s: test MAE %.3f vs %.3f for the best baseline; %s",
                          run.version.c_str(), run.split.trainFrom.iso().c_str(), run.split.trainUntil.iso().c_str(),
                          run.test.model.overall.mae, run.test.baselines.at(run.test.bestBaseline).overall.mae,
                          promoted.c_str());
            sum.model = line;
            if (progress)
                progress(line);
        }
    }

    for (Date d = sum.first; d <= sum.last; d = d.addDays(1)) {
        const bool late = d == sum.last;
        clock.set(easternTime(d.addDays(1), late ? 6 : 3, late ? 20 : 5));
        session.runner().setRunId(Runner::newRunId(clock)); // one nightly invocation per date
        const DateResult r = session.runner().runDate(d);
        sum.runs += int(r.results.size());
        sum.realFailures += r.realFailures();
        for (const auto& p : r.results)
            sum.noData += p.outcome.category == Category::NoDataAvailable ? 1 : 0;
        if (progress)
            progress(d.iso() + ": " + std::to_string(r.results.size()) + " runs, " +
                     std::to_string(r.realFailures()) + " real failures");
        if (std::find(rerun.begin(), rerun.end(), d) != rerun.end()) {
            clock.set(easternTime(d.addDays(1), 5, 10));
            session.runner().setRunId(Runner::newRunId(clock));
            const DateResult again = session.runner().runDate(d);
            sum.runs += int(again.results.size());
            sum.realFailures += again.realFailures();
            if (progress)
                progress(d.iso() + ": rerun, " + std::to_string(again.realFailures()) +
                         " real failures");
        }
    }
    return sum;
}

} // namespace nbaops::pipeline
