#pragma once

#include "trends.h"

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nbaops::store {
class Database;
}

// The trends' accumulators and the statistics tables they are read from (internal to health).
namespace nbaops::health::cells {

inline constexpr int kBuckets = 1000; // digits (1..9) x 100 + two leading digits

// A day (or a window) of a phase or processor: counts, and the durations' histogram, sparse
// while buckets arrive in order (a processor's rows come sorted by bucket), dense otherwise.
struct Acc
{
    TrendDay day;
    std::vector<std::pair<int, int64_t>> sparse;
    std::vector<int64_t> dense;

    void addBucket(int b, int64_t n);
    template <typename F>
    void forEachBucket(F&& f) const
    {
        if (!dense.empty()) {
            for (int b = 0; b < kBuckets; ++b) {
                if (dense[size_t(b)])
                    f(b, dense[size_t(b)]);
            }
        } else {
            for (const auto& [b, c] : sparse)
                f(b, c);
        }
    }
};

// Counts `runs` of `category` (zero-record runs and records written with them).
void add(Acc& a, const std::string& category, int runs, int zero, int64_t records);
// Sets the day's P50, P95 and P99 from its histogram.
void finish(Acc& a);

// Every day of [loadFrom, until], for each phase and (when asked) each processor met in the
// statistics, read from run_day_stats / run_day_phase_stats and the duration histograms.
class Grid
{
public:
    Grid(Date loadFrom, Date until, std::map<std::string, int> phaseOf, bool withProcessors);
    void load(store::Database& db);

    Date loadFrom() const { return m_loadFrom; }
    int days() const { return m_days; }
    const std::string& dayText(int i) const { return m_dayText[size_t(i)]; }
    std::vector<Acc>& phase(int p) { return m_phases[size_t(p)]; }
    // Processors by name, with their phase (0 when the registry does not know them).
    const std::map<std::string, int>& processors() const { return m_procIndex; }
    int processorPhase(int index) const { return m_procPhase[size_t(index)]; }
    std::vector<Acc>& processor(int index) { return m_procs[size_t(index)]; }

private:
    Date m_loadFrom, m_until;
    int m_days;
    std::map<std::string, int> m_phaseOf;
    bool m_withProcessors;
    std::vector<std::string> m_dayText;
    std::vector<std::vector<Acc>> m_phases; // [phase 0..6][day]
    std::vector<std::vector<Acc>> m_procs;  // [processor][day]
    std::vector<int> m_procPhase;
    std::map<std::string, int> m_procIndex;
    // The last day and processor looked up: the rows come sorted, so most lookups repeat.
    std::string m_lastDayText, m_lastProcText;
    int m_lastDay = -1, m_lastProc = -1;

    int dayIndex(std::string_view iso);
    int procIndex(std::string_view name);
    void loadCounts(store::Database& db);
    void loadDurations(store::Database& db);
};

} // namespace nbaops::health::cells
