#pragma once

#include "util/date.h"

#include <nlohmann/json.hpp>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}
namespace nbaops::registry {
class Registry;
}

namespace nbaops::health {

// One UTC day (of the runs' start) of a phase or a processor.
struct TrendDay
{
    std::string day;
    int runs = 0, success = 0, noData = 0, failures = 0; // failures: the four real categories
    std::map<std::string, int> byCategory;
    int zeroRecords = 0;       // successful runs that wrote no records
    int64_t recordsOut = 0;
    // Durations of successful runs, from the histogram (each bucket at most 10% wide: the
    // midpoint is within 5% of the true value).
    std::optional<double> p50Ms, p95Ms, p99Ms;
    double successRate() const; // success / (runs - no-data), 1 when nothing ran
};

struct TrendSeries
{
    std::string name;  // "phase 3" or a processor
    int phase = 0;
    std::vector<TrendDay> days; // ascending, every day of the window (empty days included)
    TrendDay total;             // the whole window
    // Days of the window whose P95 duration / real failures stand out against their own
    // trailing baseline (the anomaly rules below), for marking on a chart.
    std::vector<std::string> slowDays, failureDays;
};

// An early warning an operator can act on.
struct Anomaly
{
    std::string series; // "phase 3", a processor
    std::string metric; // duration_p95 | failures | failure_rate | weekday_hours
    std::string day;
    double value = 0, baseline = 0, z = 0;
    std::string sentence;
};

// A per-processor timeout from its own P95 (DOMAIN: timeouts derived from P95 durations).
struct TimeoutSuggestion
{
    std::string processor;
    int phase = 0;
    int currentS = 0;       // in effect now (an applied one, else the registry's)
    bool currentApplied = false;
    int suggestedS = 0;     // 3 x P95, rounded up to 10 s, at least 60 s, at most 2 h
    double p95Ms = 0;
    int runs = 0;           // successful runs it rests on (at least 20)
    std::string basis;
};

struct TrendsQuery
{
    int days = 30;
    std::optional<Date> until;   // default: the latest day with runs
    bool withProcessors = true;
    int baselineDays = 30;       // history before the window the anomaly detection compares with
    // Start the window no earlier than the first day with runs (keeping at least 7 days), so a
    // young history fills the charts instead of leaving most of the window empty.
    bool clampToHistory = false;
};

struct TrendsReport
{
    std::string from, until;
    int days = 0;
    std::vector<TrendSeries> phases;      // 1..6
    std::vector<TrendSeries> processors;  // by name
    std::vector<Anomaly> anomalies;
    std::vector<TimeoutSuggestion> timeouts;
    // Real failures in the window by US Eastern weekday (0 = Sunday) and 3-hour block.
    std::array<std::array<int, 8>, 7> weekdayBlocks{};
    int64_t runs = 0;
    double elapsedMs = 0;
    bool empty = true;
};

TrendsReport trends(store::Database& db, const registry::Registry& registry, const TrendsQuery& query);

// Stores suggestions as the processors' timeouts (the runner uses them instead of the
// registry's), with who applied them and the basis.
int applyTimeouts(store::Database& db, const std::vector<TimeoutSuggestion>& suggestions, const std::string& who,
                  TimePoint now);
std::map<std::string, int> appliedTimeouts(store::Database& db);

nlohmann::json toJson(const TrendsReport& r);
std::string toText(const TrendsReport& r);

// "850 ms", "12.3 s", "4.2 min".
std::string durationText(double ms);

// A duration bucket's midpoint in ms (see run_duration_hist).
double bucketMidpointMs(int bucket);
int bucketOf(int64_t durationMs);

} // namespace nbaops::health
