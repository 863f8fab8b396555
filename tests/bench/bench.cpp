#include "bench.h"

#include "util/errors.h"
#include "util/log.h"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app{"nbaops-bench: performance figures of the engine"};
    bool json = false;
    long long runs = 270000;
    int reps = 21;
    long long yearRuns = 3000000;
    app.fallthrough(); // global options may follow the subcommand
    app.add_flag("--json", json, "One JSON object per figure, one per line");
    app.add_option("--runs", runs, "Run-history size for the health benchmark (default 270,000, 30 days)");
    app.add_option("--reps", reps, "Repetitions per timed figure (median reported)");
    app.add_option("--year-runs", yearRuns, "Run-history size of the year for the whole-picture figures (default 3,000,000; 0 skips)");
    auto* health = app.add_subcommand("health", "Morning check over a large run history");
    auto* slice = app.add_subcommand("slice", "One simulated game day end to end over loopback HTTP");
    int days = 0;
    auto* pipeline = app.add_subcommand("pipeline", "A simulated season end to end, and phases 2-6 alone, with 1 and 2 workers");
    pipeline->add_option("--days", days, "Only the first N days of the season (default: all of it)");
    auto* model = app.add_subcommand("model", "Real history (../shared/data): import the three seasons, build the features, "
                                              "train (import and features: the median of --reps fresh databases, at most 5); "
                                              "four seasons with their features; the walk-forward; the search; training "
                                              "beside Python's XGBoost");
    double searchSeconds = 300;
    model->add_option("--search-seconds", searchSeconds, "The search figure's budget (default 300; 0 skips it)");
    int latency = 100;
    int backfillDays = 0;
    auto* backfill = app.add_subcommand("backfill", "A season backfilled with 1, 2 and 4 workers (responses 100 ms late), "
                                                    "two weeks under the live rate limits, the plan of ten seasons");
    backfill->add_option("--days", backfillDays, "Only the first N days of the season (default: all of it)");
    backfill->add_option("--latency-ms", latency, "Delay the simulator adds to every response (default 100)");
    int drDays = 0;
    auto* dr = app.add_subcommand("dr", "Backup, verify, test-restore and restore of three imported seasons plus a "
                                        "simulated season of raw payloads");
    dr->add_option("--days", drDays, "Only the first N days of the simulated season (default: all of it)");
    long long cloudRuns = 270000;
    auto* cloudSync = app.add_subcommand("cloud", "Cloud mode: 30 days of cloud run history synced from the simulated "
                                                  "cloud on loopback into an empty cache, then again with nothing new");
    cloudSync->add_option("--cloud-runs", cloudRuns, "Runs in the 30 days (default 270,000)");
    auto* all = app.add_subcommand("all", "Every benchmark");
    app.require_subcommand(1);
    CLI11_PARSE(app, argc, argv);
    nbaops::log::setLevel(nbaops::log::Level::Error);
    nbaops::bench::Reporter r(json);
    try {
        if (*health || *all)
            nbaops::bench::runHealth(r, runs, reps, yearRuns);
        if (*slice || *all)
            nbaops::bench::runSlice(r, std::max(3, reps / 4));
        if (*pipeline || *all)
            nbaops::bench::runPipeline(r, 2024, days);
        if (*backfill || *all)
            nbaops::bench::runBackfillBench(r, 2024, backfillDays, latency, std::max(3, std::min(reps, 7)));
        if (*dr || *all)
            nbaops::bench::runDrBench(r, drDays);
        if (*cloudSync || *all)
            nbaops::bench::runCloudBench(r, cloudRuns);
        if (*model || *all)
            nbaops::bench::runModel(r, std::max(1, std::min(reps, 5)), searchSeconds);
    } catch (const std::exception& e) {
        std::cerr << "nbaops-bench: " << e.what() << "\n";
        return 3;
    }
    return 0;
}
