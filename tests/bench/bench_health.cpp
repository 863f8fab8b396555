// The morning check over the real system's 30-day volume: 270,000 runs over 55 processors; the
// whole picture (full health, trends, alert evaluation) over that and over a year (3,000,000 runs).
#include "bench.h"

#include "alerts/engine.h"
#include "alerts/rules.h"
#include "alerts/signals.h"
#include "embedded_resources.h"
#include "health/health.h"
#include "health/trends.h"
#include "registry/registry.h"
#include "store/database.h"
#include "util/rng.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <thread>
#include <time.h>

namespace nbaops::bench {

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

// A run history of `runs` runs spread over `days` days up to 2025-01-31, as the real system
// writes it: mostly expected no-data runs, a few real failures.
void writeHistory(Reporter& r, const registry::Registry& reg, const std::vector<std::string>& names,
                  const std::filesystem::path& path, long long runs, int days, const std::string& label)
{
    auto db = store::Database::open(path);
    const Date last = Date::ymd(2025, 1, 31);
    Rng rng(42);
    const auto t0 = std::chrono::steady_clock::now();
    store::BulkWrite tx(db);
    auto ins = db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, finished_at,"
                          " heartbeat_at, duration_ms, status, failure_category, records_in, records_out, attempt, error)"
                          " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (long long i = 0; i < runs; ++i) {
        const Date d = last.addDays(-int(i % days));
        const size_t p = size_t(rng.below(int(names.size())));
        const auto& spec = reg.get(names[p]);
        const double u = rng.uniform();
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
    r.report({"health", "history_insert_rate" + label, runs / (loadMs / 1000.0), "runs/s", "single", runs,
              "writing the history, summaries and trend statistics kept by triggers"});
}

namespace {

// The full health check's and the trends' queries over the bench's history, as of the morning
// after its last day.
struct PictureQueries
{
    TimePoint now;
    health::Query health;
    health::TrendsQuery trends;
};

PictureQueries pictureQueries(int days)
{
    PictureQueries p{easternTime(Date::ymd(2025, 2, 1), 9, 0), {}, {}};
    p.health.mode = health::Mode::Full;
    p.trends.days = days;
    p.trends.until = Date::ymd(2025, 2, 1);
    return p;
}

// The operator's whole picture over a history: full health, trends (the window and the 30
// days before it for the anomalies, per phase and processor), and one alert evaluation.
void timeWholePicture(Reporter& r, const registry::Registry& reg, const std::vector<std::string>& names,
                      const std::filesystem::path& path, long long runs, int days, int reps, double targetMs,
                      const std::string& label)
{
    auto db = store::Database::open(path);
    const auto pq = pictureQueries(days);
    const auto& now = pq.now;
    const auto& q = pq.health;
    const auto& tq = pq.trends;
    const auto cfg = alerts::parseConfig(resources::alertRulesJson(), "built-in rules");
    const alerts::SignalContext ctx{db, reg, names, path.parent_path(), now};
    health::Report hr;
    health::TrendsReport tr;
    alerts::Evaluation ev;
    const auto once = [&](std::vector<double>* h, std::vector<double>* t, std::vector<double>* a) {
        auto t0 = std::chrono::steady_clock::now();
        hr = health::check(db, reg, names, q, now);
        auto t1 = std::chrono::steady_clock::now();
        tr = health::trends(db, reg, tq);
        auto t2 = std::chrono::steady_clock::now();
        alerts::Engine engine(db, cfg);
        ev = engine.apply(alerts::measure(cfg, ctx), now);
        auto t3 = std::chrono::steady_clock::now();
        if (h) {
            h->push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            t->push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
            a->push_back(std::chrono::duration<double, std::milli>(t3 - t2).count());
        }
    };
    once(nullptr, nullptr, nullptr); // warm the page cache
    std::vector<double> h, t, a, sum;
    for (int i = 0; i < reps; ++i) {
        once(&h, &t, &a);
        sum.push_back(h.back() + t.back() + a.back());
    }
    char note[240];
    std::snprintf(note, sizeof note, "full health + %d-day trends (%zu processors, %zu warnings) + alert evaluation "
                  "(%d firing); target < %.0f ms", days, tr.processors.size(), tr.anomalies.size(), ev.firing, targetMs);
    r.report({"health", "whole_picture" + label, median(sum), "ms", "median", runs, note});
    r.report({"health", "full_health" + label, median(h), "ms", "median", runs, ""});
    r.report({"health", "trends" + label, median(t), "ms", "median", runs, std::to_string(tr.runs) + " runs in the window"});
    r.report({"health", "alert_evaluation" + label, median(a), "ms", "median", runs,
              std::to_string(cfg.rules.size()) + " built-in rules measured and applied"});
}

// The health check and the trends over a history while a backfill writes to the same database:
// readers in WAL mode never wait for the writer, and the writer never waits beyond its busy
// timeout for them. Two backfills of fifty dates each, one alone and one under the readers, and
// the readers' figures idle and under that load, in the same process.
void timeUnderLoad(Reporter& r, const registry::Registry& reg, const std::vector<std::string>& names,
                   const std::filesystem::path& path, long long runs, int days)
{
    auto db = store::Database::open(path, store::Database::Mode::ReadOnly);
    const auto pq = pictureQueries(days);
    const auto& now = pq.now;
    const auto& q = pq.health;
    const auto& tq = pq.trends;
    std::vector<double> h, t;
    double wall = 0, cpu = 0; // of the health checks, to tell work from waiting
    const auto threadCpuMs = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
    };
    const auto once = [&] {
        const double c0 = threadCpuMs();
        const auto t0 = std::chrono::steady_clock::now();
        health::check(db, reg, names, q, now);
        const auto t1 = std::chrono::steady_clock::now();
        const double c1 = threadCpuMs();
        health::trends(db, reg, tq);
        h.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count());
        wall += h.back();
        cpu += c1 - c0;
    };
    // The idle figures, five checks on the database as it stands.
    const auto idle = [&] {
        once(); // warm the page cache
        h.clear();
        t.clear();
        for (int i = 0; i < 5; ++i)
            once();
        return std::pair{median(h), median(t)};
    };
    // One worker: on a machine of two cores the readers keep one of their own, so what is measured
    // is what the database makes them wait, not a share of the processors. Fifty dates each: long
    // enough, in a release build, for a dozen checks or more under the writer.
    const auto alone = backfill(path, Date::ymd(2023, 11, 1), Date::ymd(2023, 12, 20), 1, 0);
    // What the checks cost grows with the dates the backfills add (their schedules, their gaps),
    // so idle is measured on the database as the loaded backfill finds it and as it leaves it,
    // and the figures under load are set beside the mean of the two.
    const auto [healthBefore, trendsBefore] = idle();
    h.clear();
    t.clear();
    wall = cpu = 0;
    std::atomic<bool> done{false};
    Backfilled loaded;
    std::string error;
    std::thread writer([&] {
        try {
            loaded = backfill(path, Date::ymd(2023, 12, 21), Date::ymd(2024, 2, 8), 1, 0);
        } catch (const std::exception& e) {
            error = e.what();
        }
        done = true;
    });
    while (!done.load())
        once();
    writer.join();
    if (!error.empty())
        throw std::runtime_error("the backfill under load failed: " + error);
    const double loadHealth = median(h), loadTrends = median(t), slowest = *std::max_element(h.begin(), h.end());
    const double slowestTrends = *std::max_element(t.begin(), t.end()), waited = 1.0 - cpu / wall;
    const size_t checks = h.size();
    const auto [healthAfter, trendsAfter] = idle();
    const double idleHealth = (healthBefore + healthAfter) / 2, idleTrends = (trendsBefore + trendsAfter) / 2;
    char note[240];
    std::snprintf(note, sizeof note, "%zu checks while the backfill wrote; idle %.1f-%.1f ms; %.2fx idle (target < 2x); "
                  "slowest %.1f ms; %.0f%% of their time off the processor", checks, healthBefore, healthAfter,
                  loadHealth / idleHealth, slowest, 100.0 * std::max(0.0, waited));
    r.report({"health", "full_health_under_backfill", loadHealth, "ms", "median", runs, note});
    std::snprintf(note, sizeof note, "idle %.0f-%.0f ms; %.2fx idle (target < 2x); slowest %.0f ms", trendsBefore,
                  trendsAfter, loadTrends / idleTrends, slowestTrends);
    r.report({"health", "trends_under_backfill", loadTrends, "ms", "median", runs, note});
    std::snprintf(note, sizeof note, "%d dates, %d failed item(s) (a busy timeout would fail one); alone: %.1f s, "
                  "%.2fx", loaded.dates, loaded.failed, alone.seconds, loaded.seconds / alone.seconds);
    r.report({"health", "backfill_under_readers", loaded.seconds, "s", "single", runs, note});
}

} // namespace

void runHealth(Reporter& r, long long runs, int reps, long long yearRuns)
{
    std::vector<std::string> names;
    const registry::Registry reg = bigRegistry(names);
    const auto dir = std::filesystem::temp_directory_path() / ("nbaops-bench-health-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    writeHistory(r, reg, names, dir / "bench.db", runs, 30, "");
    {
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
    }
    timeWholePicture(r, reg, names, dir / "bench.db", runs, 30, std::max(3, reps / 3), 200, "_30d");
    if (yearRuns > 0) {
        writeHistory(r, reg, names, dir / "year.db", yearRuns, 365, "_year");
        timeWholePicture(r, reg, names, dir / "year.db", yearRuns, 365, std::max(3, reps / 5), 1000, "_year");
        timeUnderLoad(r, reg, names, dir / "year.db", yearRuns, 365);
    }
    std::filesystem::remove_all(dir);
}

} // namespace nbaops::bench
