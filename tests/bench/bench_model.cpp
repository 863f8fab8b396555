// The model workbench's figures on real data (../shared/data): importing the three seasons of
// box scores, and building the point-in-time features for every imported date. Training comes
// with the model issue.
#include "bench.h"

#include "importer/boxscores.h"
#include "pipeline/session.h"
#include "store/database.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace nbaops::bench {

void runModel(Reporter& r)
{
    std::filesystem::path data = NBAOPS_BENCH_SHARED_DATA;
    if (const char* env = std::getenv("NBAOPS_SHARED_DATA"); env && *env)
        data = env;
    const auto box = data / "nba_player_boxscores_2022-23_to_2024-25.csv.gz";
    if (!std::filesystem::exists(box)) {
        std::cerr << "nbaops-bench model: skipped, the real box scores are not at " << box.string()
                  << " (set NBAOPS_SHARED_DATA).\n";
        return;
    }
    const auto base = std::filesystem::temp_directory_path() / ("nbaops-bench-model-" + std::to_string(::getpid()));
    std::filesystem::remove_all(base);
    pipeline::SessionOptions so;
    so.dbPath = base / "history.db";
    so.workers = 1;
    so.force = true;
    pipeline::Session session(so);
    const auto t0 = std::chrono::steady_clock::now();
    const auto rep = importer::importBoxscores(session, box, std::nullopt);
    const double importMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    char note[240];
    std::snprintf(note, sizeof note, "%lld rows, %lld games, %lld dates: read %.2f s, load %.2f s, phase-3 tables %.2f s; "
                  "target < 3000 ms", static_cast<long long>(rep.rows), static_cast<long long>(rep.games),
                  static_cast<long long>(rep.dates), rep.readSeconds, rep.loadSeconds, rep.analyticsSeconds);
    r.report({"model", "import_three_seasons", importMs, "ms", "single", rep.rows, note});

    // The feature store (phase 4) for every imported date, oldest first, as a backfill runs it.
    std::vector<Date> dates;
    {
        auto st = session.db().prepare("SELECT DISTINCT game_date FROM game_schedule ORDER BY 1");
        while (st.step())
            dates.push_back(*Date::parse(st.getText(0)));
    }
    const auto t1 = std::chrono::steady_clock::now();
    int failures = 0;
    for (const Date d : dates) {
        const auto res = session.runner().runOne("ml_feature_store", d);
        failures += pipeline::isRealFailure(res.outcome.category);
    }
    const double featureMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
    auto st = session.db().prepare("SELECT count(*) FROM ml_feature_store");
    st.step();
    std::snprintf(note, sizeof note, "%lld feature rows of %zu dates, %d failed; target < 2000 ms",
                  static_cast<long long>(st.getInt(0)), dates.size(), failures);
    r.report({"model", "feature_build_three_seasons", featureMs, "ms", "single", st.getInt(0), note});
    std::filesystem::remove_all(base);
}

} // namespace nbaops::bench
