// The morning check over the real system's 30-day volume: 270,000 runs over 55 processors.
#include "bench.h"

#include "health/health.h"
#include "registry/registry.h"
#include "store/database.h"
#include "util/rng.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace nbaops::bench {

namespace {

// A registry shaped like the real one: 55 processors over six phases.
registry::Registry bigRegistry(std::vector<std::string>& names)
{
    const int perPhase[6] = {21, 14, 6, 5, 5, 4};
    nlohmann::json procs = nlohmann::json::array();
    std::vector<std::vector<std::string>> byPhase(6);
    const char* crit[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW"};
    for (int ph = 0; ph < 6; ++ph) {
        for (int i = 0; i < perPhase[ph]; ++i) {
            const std::string name = "p" + std::to_string(ph + 1) + "_proc_" + std::to_string(i);
            nlohmann::json deps = nlohmann::json::array();
            if (ph > 0)
                deps.push_back(byPhase[size_t(ph - 1)][size_t(i) % byPhase[size_t(ph - 1)].size()]);
            procs.push_back({{"name", name}, {"phase", ph + 1}, {"criticality", crit[i % 4]}, {"depends_on", deps},
                             {"frequency", "daily"}, {"sla_completion", "06:00"}, {"timeout_s", 600},
                             {"expected_records", {0, 1000}}});
            byPhase[size_t(ph)].push_back(name);
            names.push_back(name);
        }
    }
    return registry::Registry::load(nlohmann::json{{"processors", procs}}.dump(), "bench registry");
}

} // namespace

void runHealth(Reporter& r, long long runs, int reps)
{
    std::vector<std::string> names;
    const registry::Registry reg = bigRegistry(names);
    const auto dir = std::filesystem::temp_directory_path() / ("nbaops-bench-health-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        auto db = store::Database::open(dir / "bench.db");
        const Date last = Date::ymd(2025, 1, 31);
        const int days = 30;
        Rng rng(42);
        const auto t0 = std::chrono::steady_clock::now();
        store::Transaction tx(db);
        auto ins = db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, finished_at,"
                              " heartbeat_at, duration_ms, status, failure_category, records_in, records_out, attempt, error)"
                              " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        for (long long i = 0; i < runs; ++i) {
            const Date d = last.addDays(-int(i % days));
            const size_t p = size_t(rng.below(int(names.size())));
            const auto& spec = reg.get(names[p]);
            const double u = rng.uniform();
            // Mostly expected no-data runs, as in the real phase 2; a few real failures.
            const char* cat = u < 0.55 ? "no_data_available" : u < 0.965 ? "success" : u < 0.98 ? "error"
                            : u < 0.99 ? "dependency_missing" : u < 0.995 ? "validation_failed" : "timeout";
            const std::string status = std::string(cat) == "success" ? "success" : std::string(cat) == "no_data_available" ? "no_data" : "failed";
            const auto start = easternTime(d.addDays(1), 0, 0) + std::chrono::seconds(rng.below(6 * 3600));
            const int dur = 200 + rng.below(60000);
            ins.bindAll("run-bench-" + std::to_string(i / 55), spec.name, int64_t(spec.phase), d.iso(), toIsoUtc(start),
                        toIsoUtc(start + std::chrono::milliseconds(dur)), toIsoUtc(start + std::chrono::milliseconds(dur)),
                        int64_t(dur), status, cat, int64_t(rng.below(500)), int64_t(rng.below(500)), int64_t(1 + i / 2000000),
                        status == "failed" ? std::optional<std::string>("simulated failure " + std::to_string(i)) : std::nullopt);
            ins.run();
            ins.reset();
        }
        tx.commit();
        const double loadMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        r.report({"health", "history_insert_rate", runs / (loadMs / 1000.0), "runs/s", "single", runs,
                  "writing the history, summaries kept by triggers"});
    }
    auto db = store::Database::open(dir / "bench.db", store::Database::Mode::ReadOnly);
    const auto now = easternTime(Date::ymd(2025, 2, 1), 9, 0);
    for (const auto& [mode, target] : {std::pair{health::Mode::Quick, 50.0}, std::pair{health::Mode::Full, 200.0}}) {
        health::Query q;
        q.mode = mode;
        health::Report last;
        health::check(db, reg, names, q, now); // warm the page cache
        const auto ms = timeRuns(reps, [&] { last = health::check(db, reg, names, q, now); });
        const std::string name = std::string("status_") + std::string(health::toString(mode));
        char note[160];
        std::snprintf(note, sizeof note, "target < %.0f ms; %zu failures listed, %d no-data collapsed",
                      target, last.failures.size(), last.expectedNoData);
        r.report({"health", name, median(ms), "ms", "median", runs, note});
        r.report({"health", name + "_max", *std::max_element(ms.begin(), ms.end()), "ms", "max", runs, ""});
    }
    // Baseline in the same process: a naive full scan of the run history by category.
    const auto naive = timeRuns(std::max(3, reps / 3), [&] {
        auto st = db.prepare("SELECT phase, failure_category, count(*) FROM processor_runs GROUP BY phase, failure_category");
        while (st.step()) {
        }
    });
    r.report({"health", "baseline_full_scan", median(naive), "ms", "median", runs,
              "GROUP BY over the whole history, what the summaries avoid"});
    std::filesystem::remove_all(dir);
}

} // namespace nbaops::bench
