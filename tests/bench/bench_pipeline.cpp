// The pipeline at season scale: a full simulated season end to end through loopback HTTP,
// phases 2-6 alone from the stored payloads, and the busiest day — each with 1 and 2 workers.
#include "bench.h"

#include "pipeline/session.h"
#include "sim/league.h"
#include "store/database.h"

#include <filesystem>

namespace nbaops::bench {

namespace {

struct SeasonRun
{
    double ms = 0;
    int failures = 0;
    int64_t rows = 0;
    int published = 0; // files written at the end of the run
    std::string costliest; // the processors that took longest, summed over the dates
};

SeasonRun runSeason(const std::filesystem::path& db, Date from, Date to, int workers, const std::set<int>& phases)
{
    pipeline::SessionOptions so;
    so.dbPath = db;
    so.workers = workers;
    so.force = true; // measure the work, not the skipping
    so.deferPublishing = true; // as `nbaops run --to` does: each page written once per run
    pipeline::Session session(so);
    SeasonRun r;
    const auto t0 = std::chrono::steady_clock::now();
    for (Date d = from; d <= to; d = d.addDays(1))
        r.failures += session.runner().runDate(d, phases).realFailures();
    r.published = session.flushPublished();
    r.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    auto st = session.db().prepare("SELECT count(*) FROM player_game_summary");
    st.step();
    r.rows = st.getInt(0);
    auto top = session.db().prepare("SELECT processor, sum(duration_ms) FROM processor_runs WHERE run_id = ?"
                                    " GROUP BY processor ORDER BY 2 DESC LIMIT 4");
    top.bindAll(session.runner().runId());
    while (top.step())
        r.costliest += (r.costliest.empty() ? "" : ", ") + top.getText(0) + " " +
                       std::to_string(top.getInt(1) / 1000.0).substr(0, 4) + " s";
    return r;
}

} // namespace

void runPipeline(Reporter& r, int seasonStartYear, int days)
{
    sim::League league;
    const Date from = sim::League::openingDay(seasonStartYear);
    Date to = sim::League::lastDay(seasonStartYear).addDays(7);
    if (days > 0)
        to = from.addDays(days - 1);
    long long games = 0;
    for (Date d = from; d <= to; d = d.addDays(1))
        games += static_cast<long long>(league.gamesOn(d).size());
    const auto base = std::filesystem::temp_directory_path() / ("nbaops-bench-pipeline-" + std::to_string(::getpid()));
    std::filesystem::remove_all(base);
    double e2e[3] = {0, 0, 0}, p26[3] = {0, 0, 0};
    for (int workers : {1, 2}) {
        const auto db = base / ("w" + std::to_string(workers)) / "season.db";
        const SeasonRun all = runSeason(db, from, to, workers, {});
        if (all.failures > 0)
            throw std::runtime_error("the season run had " + std::to_string(all.failures) + " real failures");
        e2e[workers] = all.ms;
        char note[240];
        std::snprintf(note, sizeof note, "%s to %s, %lld games, %lld player-game rows, 6 phases, %d files published; "
                      "target < 60000 ms", from.iso().c_str(), to.iso().c_str(), games, static_cast<long long>(all.rows),
                      all.published);
        r.report({"pipeline", "season_end_to_end_workers" + std::to_string(workers), all.ms, "ms", "single", games,
                  note + std::string("; costliest: ") + all.costliest});
        // Phases 2-6 from the stored payloads alone: every table they write emptied and the
        // published files removed first, so nothing is skipped as unchanged.
        {
            auto d = store::Database::open(db);
            for (const char* t : {"raw_nbac_schedule", "raw_nbac_player_boxscores", "raw_espn_scoreboard", "raw_bdl_games",
                                  "raw_bdl_player_boxscores", "raw_odds_player_points", "game_schedule", "player_id_map",
                                  "player_game_summary", "team_offense_game_summary", "team_defense_game_summary",
                                  "player_composite_factors", "ml_feature_store", "feature_quality",
                                  "player_prop_predictions", "prediction_grades", "published_documents", "publish_queue"})
                d.exec(std::string("DELETE FROM ") + t);
            std::filesystem::remove_all(db.parent_path() / "publish");
        }
        const SeasonRun later = runSeason(db, from, to, workers, {2, 3, 4, 5, 6});
        p26[workers] = later.ms;
        std::snprintf(note, sizeof note, "from the stored payloads into emptied tables, %lld player-game rows, %d files "
                      "published; target < 15000 ms", static_cast<long long>(later.rows), later.published);
        r.report({"pipeline", "season_phases2to6_workers" + std::to_string(workers), later.ms, "ms", "single", games,
                  note + std::string("; costliest: ") + later.costliest});
    }
    r.report({"pipeline", "season_end_to_end_speedup", e2e[1] / e2e[2], "x", "ratio", games, "workers 1 / workers 2"});
    r.report({"pipeline", "season_phases2to6_speedup", p26[1] / p26[2], "x", "ratio", games, "workers 1 / workers 2"});
    std::filesystem::remove_all(base);
}

} // namespace nbaops::bench
