// One simulated game day end to end: loopback HTTP, object store, raw tables, analytics.
#include "bench.h"

#include "pipeline/session.h"
#include "sim/league.h"

#include <filesystem>

namespace nbaops::bench {

void runSlice(Reporter& r, int reps)
{
    // The busiest day of the 2024-25 simulated season.
    sim::League league;
    Date busiest;
    size_t most = 0;
    for (Date d = sim::League::openingDay(2024); d <= sim::League::lastDay(2024); d = d.addDays(1)) {
        const size_t n = league.gamesOn(d).size();
        if (n > most) {
            most = n;
            busiest = d;
        }
    }
    std::vector<double> ms;
    long long rows = 0;
    for (int i = 0; i < reps; ++i) {
        const auto dir = std::filesystem::temp_directory_path() /
                         ("nbaops-bench-slice-" + std::to_string(::getpid()) + "-" + std::to_string(i));
        std::filesystem::remove_all(dir);
        pipeline::SessionOptions so;
        so.dbPath = dir / "slice.db";
        pipeline::Session session(so);
        const auto t0 = std::chrono::steady_clock::now();
        const auto res = session.runner().runDate(busiest);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        if (res.realFailures() > 0)
            throw std::runtime_error("the benchmark day failed: " + res.results.back().outcome.error);
        for (const auto& p : res.results) {
            if (p.processor == "player_game_summary")
                rows = p.outcome.recordsOut;
        }
        std::filesystem::remove_all(dir);
    }
    char note[128];
    std::snprintf(note, sizeof note, "%s, %zu games, %lld player-game rows, all phases, fresh database; target < 1000 ms",
                  busiest.iso().c_str(), most, rows);
    r.report({"slice", "one_day_end_to_end", median(ms), "ms", "median", static_cast<long long>(most), note});
}

} // namespace nbaops::bench
