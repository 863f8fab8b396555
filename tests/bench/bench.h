#pragma once

#include "cloud/settings.h"
#include "jobs/cloudsync.h"
#include "registry/registry.h"
#include "sim/cloud.h"
#include "util/date.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nbaops::pipeline {
class Session;
}

namespace nbaops::bench {

// One measured figure. Printed as a line for people, or as one JSON object per line:
// {"bench":"health","figure":"status_quick","value":12.3,"unit":"ms","stat":"median","n":270000}
struct Figure
{
    std::string bench;
    std::string figure;
    double value = 0;
    std::string unit;
    std::string stat;
    long long n = 0;        // size of the input
    std::string note;       // target or context, for people
};

class Reporter
{
public:
    explicit Reporter(bool json) : m_json(json) {}
    void report(const Figure& f)
    {
        if (m_json)
            std::printf("{\"bench\":\"%s\",\"figure\":\"%s\",\"value\":%.3f,\"unit\":\"%s\",\"stat\":\"%s\",\"n\":%lld}\n",
                        f.bench.c_str(), f.figure.c_str(), f.value, f.unit.c_str(), f.stat.c_str(), f.n);
        else
            std::printf("%-8s %-26s %12.3f %-4s (%s, n=%lld)  %s\n", f.bench.c_str(), f.figure.c_str(), f.value,
                        f.unit.c_str(), f.stat.c_str(), f.n, f.note.c_str());
        std::fflush(stdout);
    }
    bool json() const { return m_json; }

private:
    bool m_json;
};

// Milliseconds of each of `reps` calls.
inline std::vector<double> timeRuns(int reps, const std::function<void()>& fn)
{
    std::vector<double> ms;
    for (int i = 0; i < reps; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    return ms;
}

inline double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0 : (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

void runHealth(Reporter& r, long long runs, int reps, long long yearRuns);
// The bench's registry (55 processors over six phases, names filled in) and a run history of
// `runs` runs over `days` days up to 2025-01-31 written into `path`.
registry::Registry bigRegistry(std::vector<std::string>& names);
void writeHistory(Reporter& r, const registry::Registry& reg, const std::vector<std::string>& names,
                  const std::filesystem::path& path, long long runs, int days, const std::string& label);
void runSlice(Reporter& r, int reps);
void runPipeline(Reporter& r, int seasonStartYear, int days);
// `searchSeconds`: the budget of the search figure (0 skips it).
void runModel(Reporter& r, int reps, double searchSeconds);
// Part of runModel. Four seasons imported with their features: time, CPU, peak memory (the
// fourth is 2022-23 again a year earlier: fit for timing, not for judging a model).
void runModelSpeed(Reporter& r, const std::filesystem::path& box);
// Part of runModel, on the real three seasons with their features: the walk-forward over two
// seasons, the search under `searchSeconds` (0 skips it), training beside Python's XGBoost.
void runModelLoop(Reporter& r, pipeline::Session& session, double searchSeconds);
// A backfill of `from`..`to` run to its end on the simulated league (every response `latencyMs`
// late), as the job runs it: its time, its plan's estimate and the requests per source.
struct Backfilled
{
    double seconds = 0;
    double estimate = 0;
    int dates = 0;
    size_t items = 0;
    int failed = 0;
    std::map<std::string, int> requests; // per source
};
Backfilled backfill(const std::filesystem::path& db, Date from, Date to, int workers, int latencyMs,
                    const std::map<std::string, double>& rateLimits = {});
// A season backfilled with 1, 2 and 4 workers, every response `latencyMs` late; two weeks under
// the live rate limits; the plan of ten seasons.
void runBackfillBench(Reporter& r, int seasonStartYear, int days, int latencyMs, int reps);
// Backup, verify, test-restore and restore of three imported seasons plus a simulated season.
void runDrBench(Reporter& r, int seasonDays);
// The sync of `runs` cloud runs over 30 days from the simulated cloud into an empty cache.
void runCloudBench(Reporter& r, long long runs);
// A simulated cloud on loopback serving the registry's processors with 30 days of about `runs`
// runs (to 2025-01-31) in its history, trusting a key written in `base`; its settings and the
// sync options that read those 30 days.
struct BenchCloud
{
    std::unique_ptr<sim::SimCloud> sim;
    std::filesystem::path keyPath;
    cloud::CloudSettings settings;
    jobs::CloudSyncOptions sync;
    long long total = 0; // runs in the history
};
BenchCloud startBenchCloud(const std::filesystem::path& base, long long runs);
// Ten seasons of simulated game dates in `base`/dates.txt, and `base`/plan.db with a run history
// for every other one; returns the dates file.
std::filesystem::path writeTenSeasons(const std::filesystem::path& base, size_t& dateCount); // real data from ../shared/data; skipped with a message when absent

} // namespace nbaops::bench
