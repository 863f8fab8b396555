// The model workbench's figures on real data (../shared/data): importing the three seasons of
// box scores, building the point-in-time features for every imported date, and training on
// 2022-23 + 2023-24, validating on the first part of 2024-25 and testing on the rest, with the
// model's MAE against the best baseline on the same test rows. While training runs on its own
// thread (as in the console), a 10 ms ticker on this thread measures how late it gets woken.
#include "bench.h"

#include "importer/boxscores.h"
#include "model/workbench.h"
#include "pipeline/session.h"
#include "store/database.h"

#include <atomic>
#include <cstdlib>
#include <thread>
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
    try {
        model::ensureFeatures(session, dates.front(), dates.back()); // what nbaops train does first
    } catch (const std::exception& e) {
        std::cerr << "nbaops-bench model: " << e.what() << "\n";
        failures = 1;
    }
    const double featureMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
    auto st = session.db().prepare("SELECT count(*) FROM ml_feature_store");
    st.step();
    std::snprintf(note, sizeof note, "%lld feature rows of %zu dates, %d failed; target < 2000 ms",
                  static_cast<long long>(st.getInt(0)), dates.size(), failures);
    r.report({"model", "feature_build_three_seasons", featureMs, "ms", "single", st.getInt(0), note});

    // Training with the default split and parameters, on a worker thread; this thread ticks.
    model::TrainRun run;
    std::string error;
    std::atomic<bool> done{false};
    std::thread worker([&] {
        try {
            run = model::trainModel(session, model::TrainRequest{});
        } catch (const std::exception& e) {
            error = e.what();
        }
        done = true;
    });
    std::vector<double> lateMs;
    while (!done) {
        const auto t = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        lateMs.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count() - 10.0);
    }
    worker.join();
    if (!error.empty()) {
        std::cerr << "nbaops-bench model: training failed: " << error << "\n";
        std::filesystem::remove_all(base);
        return;
    }
    const auto& rep2 = run.report;
    std::snprintf(note, sizeof note, "%lld train / %lld valid rows, %d trees (best of %d); target < 10000 ms",
                  static_cast<long long>(rep2["rows"]["train"].get<int64_t>()),
                  static_cast<long long>(rep2["rows"]["valid"].get<int64_t>()), rep2["trees"].get<int>(),
                  rep2["rounds"].get<int>());
    r.report({"model", "train", run.fit.seconds * 1000, "ms", "single", rep2["rows"]["train"].get<int64_t>(), note});
    const double best = rep2["baselines"][rep2["best_baseline"].get<std::string>()]["mae"].get<double>();
    std::snprintf(note, sizeof note, "test %s..%s; best baseline %s %.3f; %.2f%% lower, 95%% CI of the difference "
                  "[%.3f, %.3f]; target >= 2.5%% with the CI below 0",
                  rep2["split"]["test_from"].get<std::string>().c_str(), rep2["split"]["test_until"].get<std::string>().c_str(),
                  rep2["best_baseline"].get<std::string>().c_str(), best, rep2["improvement_pct"].get<double>(),
                  rep2["mae_diff_ci95"][0].get<double>(), rep2["mae_diff_ci95"][1].get<double>());
    r.report({"model", "test_mae", rep2["model"]["mae"].get<double>(), "pts", "single",
              rep2["population"]["test_rows"].get<int64_t>(), note});
    for (const auto& [name, m] : rep2["baselines"].items())
        r.report({"model", "baseline_" + name, m["mae"].get<double>(), "pts", "single",
                  rep2["population"]["test_rows"].get<int64_t>(), "same test rows"});
    std::sort(lateMs.begin(), lateMs.end());
    const double p99 = lateMs.empty() ? 0 : lateMs[std::min(lateMs.size() - 1, size_t(double(lateMs.size()) * 0.99))];
    std::snprintf(note, sizeof note, "a 10 ms ticker on another thread while training: p99 lateness; max %.1f ms",
                  lateMs.empty() ? 0.0 : lateMs.back());
    r.report({"model", "ui_thread_lateness_p99", p99, "ms", "p99", static_cast<long long>(lateMs.size()), note});
    std::filesystem::remove_all(base);
}

} // namespace nbaops::bench
