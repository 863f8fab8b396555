// Backfills at scale: a simulated season backfilled with 1, 2 and 4 workers while the simulator
// answers every request 100 ms late (the real APIs are not on loopback); two weeks with the live
// sources' rate limits against the floor those limits set; and the plan of ten seasons of game
// dates over a run history.
#include "bench.h"

#include "jobs/backfill.h"
#include "pipeline/session.h"
#include "sim/league.h"
#include "sim/server.h"
#include "store/database.h"

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace nbaops::bench {

namespace {

const char* const kEndpoints[] = {"scoreboardv2", "boxscoretraditionalv2", "espn_scoreboard", "bdl_games",
                                  "bdl_stats",    "odds_events",           "odds_player_points"};

} // namespace

Backfilled backfill(const std::filesystem::path& db, Date from, Date to, int workers, int latencyMs,
                    const std::map<std::string, double>& rateLimits)
{
    pipeline::SessionOptions so;
    so.dbPath = db;
    so.workers = workers;
    so.rateLimits = rateLimits;
    for (const char* e : kEndpoints)
        so.faults.push_back(sim::FaultRule::parse(std::string(e) + ":latency:ms=" + std::to_string(latencyMs)));
    pipeline::Session session(so);
    jobs::PlanRequest req;
    req.from = from;
    req.to = to;
    req.workers = workers;
    req.today = to.addDays(1);
    const auto plan = jobs::planBackfill(session.db(), req);
    const int64_t id = jobs::createBackfill(session.db(), plan, {20, 0.9}, "bench");
    const auto res = jobs::runBackfill(session, {id, std::chrono::milliseconds(100), "bench"}, {});
    if (res.state != "done")
        throw std::runtime_error("the backfill ended " + res.state + ": " + res.reason);
    Backfilled out{res.seconds, plan.estimate.seconds, int(plan.dates.size()), plan.items, res.failed, {}};
    const auto count = [&](const char* e) { return session.simulator()->requestCount(e); };
    out.requests["nba_com"] = count("scoreboardv2") + count("boxscoretraditionalv2");
    out.requests["espn"] = count("espn_scoreboard");
    out.requests["balldontlie"] = count("bdl_games") + count("bdl_stats");
    out.requests["the_odds_api"] = count("odds_events") + count("odds_player_points");
    return out;
}

std::filesystem::path writeTenSeasons(const std::filesystem::path& base, size_t& dateCount)
{
    sim::League league;
    std::vector<Date> dates;
    for (int year = 2015; year < 2025; ++year) {
        for (Date d = sim::League::openingDay(year); d <= sim::League::lastDay(year); d = d.addDays(1)) {
            if (!league.gamesOn(d).empty())
                dates.push_back(d);
        }
    }
    const auto dbPath = base / "plan.db";
    {
        auto db = store::Database::open(dbPath);
        store::Transaction tx(db);
        auto ins = db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, finished_at,"
                              " duration_ms, status, failure_category, records_out) VALUES ('bench', ?, ?, ?,"
                              " '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:01.000Z', ?, 'success', 'success', 50)");
        for (size_t i = 0; i < dates.size(); i += 2) {
            for (const auto& p : jobs::backfillProcessors()) {
                ins.reset();
                ins.bindAll(p.name, int64_t(p.phase), dates[i].iso(), int64_t(200 + 37 * p.phase));
                ins.run();
            }
        }
        tx.commit();
    }
    const auto file = base / "dates.txt";
    {
        std::ofstream out(file);
        for (const Date& d : dates)
            out << d.iso() << "\n";
    }
    dateCount = dates.size();
    return file;
}

namespace {

// Ten seasons of game dates, with a run history for every other one: the plan takes the rest.
void planScale(Reporter& r, const std::filesystem::path& base, int reps)
{
    size_t dateCount = 0;
    const auto file = writeTenSeasons(base, dateCount);
    auto db = store::Database::open(base / "plan.db");
    jobs::PlanRequest req;
    req.datesFile = file;
    req.workers = 4;
    req.today = Date::ymd(2025, 7, 1);
    size_t items = 0;
    const auto ms = timeRuns(reps, [&] { items = jobs::planBackfill(db, req).items; });
    char note[200];
    std::snprintf(note, sizeof note, "%zu game dates of ten seasons, half with a run history; %zu (date, processor) "
                  "pairs planned, estimate simulated 3 times; target < 300 ms", dateCount, items);
    r.report({"backfill", "plan_ten_seasons", median(ms), "ms", "median", static_cast<long long>(dateCount), note});
}

} // namespace

void runBackfillBench(Reporter& r, int seasonStartYear, int days, int latencyMs, int reps)
{
    const auto base = std::filesystem::temp_directory_path() / ("nbaops-bench-backfill-" + std::to_string(::getpid()));
    std::filesystem::remove_all(base);
    std::filesystem::create_directories(base);
    planScale(r, base, reps);

    const Date from = sim::League::openingDay(seasonStartYear);
    Date to = sim::League::lastDay(seasonStartYear);
    if (days > 0)
        to = from.addDays(days - 1);
    std::map<int, Backfilled> by;
    for (int workers : {1, 2, 4}) {
        const auto b = backfill(base / ("w" + std::to_string(workers) + ".db"), from, to, workers, latencyMs, {});
        by[workers] = b;
        char note[240];
        std::snprintf(note, sizeof note, "%s to %s, %d dates, %zu runs, %d failed, every response %d ms late; %.1f "
                      "dates/min; estimate %.0f s (no history: 1 s a run)", from.iso().c_str(), to.iso().c_str(),
                      b.dates, b.items, b.failed, latencyMs, b.dates / (b.seconds / 60), b.estimate);
        r.report({"backfill", "season_workers" + std::to_string(workers), b.seconds, "s", "single", b.dates,
                  note + std::string(workers == 4 ? "; target < 180 s" : "")});
    }
    r.report({"backfill", "speedup_2_workers", by[1].seconds / by[2].seconds, "x", "ratio", by[1].dates,
              "1 worker / 2 workers"});
    r.report({"backfill", "speedup_4_workers", by[1].seconds / by[4].seconds, "x", "ratio", by[1].dates,
              "1 worker / 4 workers; target >= 2.5"});
    // The estimate of 2 and 4 workers from the 1-worker run's history, against their actual times.
    for (int workers : {2, 4}) {
        auto db = store::Database::open(base / "w1.db");
        jobs::PlanRequest req;
        req.from = from;
        req.to = to;
        req.workers = workers;
        req.force = true;
        req.today = to.addDays(1);
        const auto plan = jobs::planBackfill(db, req);
        char note[200];
        std::snprintf(note, sizeof note, "estimate %.0f s (P25 %.0f, P90 %.0f) from the 1-worker history; actual %.0f s",
                      plan.estimate.seconds, plan.estimate.low, plan.estimate.high, by[workers].seconds);
        r.report({"backfill", "actual_over_estimate_w" + std::to_string(workers),
                  by[workers].seconds / plan.estimate.seconds, "x", "ratio", by[workers].dates, note});
    }

    // Two weeks with the live rate limits: the floor is the slowest source's requests / its rate.
    const std::map<std::string, double> live{{"nba_com", 2.0}, {"the_odds_api", 1.0}, {"espn", 2.0}, {"balldontlie", 0.5}};
    const Date twoFrom = from.addDays(20);
    const auto b = backfill(base / "limits.db", twoFrom, twoFrom.addDays(13), 4, latencyMs, live);
    double floor = 0;
    std::string slowest;
    for (const auto& [source, n] : b.requests) {
        const double s = n / live.at(source);
        if (s > floor) {
            floor = s;
            slowest = source;
        }
    }
    char note[240];
    std::snprintf(note, sizeof note, "14 dates, 4 workers, %.0f s against a floor of %.0f s (%s: %d requests at %.1f/s); "
                  "target <= 1.2", b.seconds, floor, slowest.c_str(), b.requests.at(slowest), live.at(slowest));
    r.report({"backfill", "rate_limited_over_floor", b.seconds / floor, "x", "ratio", 14, note});
    std::filesystem::remove_all(base);
}

} // namespace nbaops::bench
