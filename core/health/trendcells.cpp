#include "trendcells.h"

#include "health.h"
#include "store/database.h"

#include <algorithm>
#include <cmath>

namespace nbaops::health::cells {

void Acc::addBucket(int b, int64_t n)
{
    if (b < 0 || b >= kBuckets)
        return;
    if (dense.empty()) {
        if (sparse.empty() || sparse.back().first < b) {
            sparse.emplace_back(b, n);
            return;
        }
        if (sparse.back().first == b) {
            sparse.back().second += n;
            return;
        }
        dense.assign(kBuckets, 0);
        for (const auto& [k, c] : sparse)
            dense[size_t(k)] += c;
        sparse.clear();
    }
    dense[size_t(b)] += n;
}

void add(Acc& a, const std::string& category, int runs, int zero, int64_t records)
{
    a.day.runs += runs;
    a.day.byCategory[category] += runs;
    if (category == "success") {
        a.day.success += runs;
        a.day.zeroRecords += zero;
    } else if (category == "no_data_available") {
        a.day.noData += runs;
    } else if (isRealFailureCategory(category)) {
        a.day.failures += runs;
    }
    a.day.recordsOut += records;
}

void finish(Acc& a)
{
    int64_t n = 0;
    a.forEachBucket([&](int, int64_t c) { n += c; });
    if (n == 0)
        return;
    const int64_t r50 = std::max<int64_t>(1, int64_t(std::ceil(0.50 * double(n))));
    const int64_t r95 = std::max<int64_t>(1, int64_t(std::ceil(0.95 * double(n))));
    const int64_t r99 = std::max<int64_t>(1, int64_t(std::ceil(0.99 * double(n))));
    int64_t seen = 0;
    a.forEachBucket([&](int b, int64_t c) {
        const int64_t before = seen;
        seen += c;
        if (before < r50 && seen >= r50)
            a.day.p50Ms = bucketMidpointMs(b);
        if (before < r95 && seen >= r95)
            a.day.p95Ms = bucketMidpointMs(b);
        if (before < r99 && seen >= r99)
            a.day.p99Ms = bucketMidpointMs(b);
    });
}

Grid::Grid(Date loadFrom, Date until, std::map<std::string, int> phaseOf, bool withProcessors)
    : m_loadFrom(loadFrom), m_until(until), m_days(loadFrom.daysUntil(until) + 1), m_phaseOf(std::move(phaseOf)),
      m_withProcessors(withProcessors), m_phases(7, std::vector<Acc>(size_t(m_days)))
{
    for (Date d = loadFrom; d <= until; d = d.addDays(1))
        m_dayText.push_back(d.iso());
}

void Grid::load(store::Database& db)
{
    loadCounts(db);
    loadDurations(db);
}

int Grid::dayIndex(std::string_view iso)
{
    if (iso != m_lastDayText) {
        m_lastDayText = iso;
        const auto d = Date::parse(m_lastDayText);
        m_lastDay = d ? m_loadFrom.daysUntil(*d) : -1;
        if (m_lastDay >= m_days)
            m_lastDay = -1;
    }
    return m_lastDay;
}

int Grid::procIndex(std::string_view name)
{
    if (name == m_lastProcText && m_lastProc >= 0)
        return m_lastProc;
    m_lastProcText = name;
    auto it = m_procIndex.find(m_lastProcText);
    if (it == m_procIndex.end()) {
        it = m_procIndex.emplace(m_lastProcText, int(m_procs.size())).first;
        const auto ph = m_phaseOf.find(m_lastProcText);
        m_procPhase.push_back(ph == m_phaseOf.end() ? 0 : ph->second);
        m_procs.emplace_back(size_t(m_withProcessors ? m_days : 0));
    }
    m_lastProc = it->second;
    return m_lastProc;
}

void Grid::loadCounts(store::Database& db)
{
    if (m_withProcessors) {
        auto st = db.prepare("SELECT day, processor, category, phase, runs, zero_records, records_out FROM run_day_stats"
                             " WHERE day >= ? AND day <= ?");
        st.bindAll(m_loadFrom.iso(), m_until.iso());
        while (st.step()) {
            const int d = dayIndex(st.getView(0));
            if (d < 0)
                continue;
            const int p = procIndex(st.getView(1));
            const std::string cat = st.getText(2);
            const int phase = std::clamp(int(st.getInt(3)), 0, 6), runs = int(st.getInt(4)), zero = int(st.getInt(5));
            const int64_t records = st.getInt(6);
            add(m_phases[size_t(phase)][size_t(d)], cat, runs, zero, records);
            add(m_procs[size_t(p)][size_t(d)], cat, runs, zero, records);
        }
        return;
    }
    // The phases alone, from their own statistics.
    auto st = db.prepare("SELECT day, phase, category, runs, zero_records, records_out FROM run_day_phase_stats"
                         " WHERE day >= ? AND day <= ?");
    st.bindAll(m_loadFrom.iso(), m_until.iso());
    while (st.step()) {
        const int d = dayIndex(st.getView(0));
        if (d >= 0)
            add(m_phases[size_t(std::clamp(int(st.getInt(1)), 0, 6))][size_t(d)], st.getText(2), int(st.getInt(3)),
                int(st.getInt(4)), st.getInt(5));
    }
}

void Grid::loadDurations(store::Database& db)
{
    {
        // The phases' durations from their own histogram (about a quarter of the processors'
        // rows), in key order (day, phase, bucket): each phase-day's buckets arrive sorted.
        auto st = db.prepare("SELECT day, phase, bucket, runs FROM run_duration_phase_hist WHERE day >= ? AND day <= ?");
        st.bindAll(m_loadFrom.iso(), m_until.iso());
        while (st.step()) {
            const int d = dayIndex(st.getView(0));
            if (d >= 0)
                m_phases[size_t(std::clamp(int(st.getInt(1)), 0, 6))][size_t(d)].addBucket(int(st.getInt(2)), st.getInt(3));
        }
    }
    if (!m_withProcessors)
        return;
    // In key order (day, processor, bucket): each processor-day's buckets arrive sorted.
    auto st = db.prepare("SELECT day, processor, bucket, runs FROM run_duration_hist WHERE day >= ? AND day <= ?");
    st.bindAll(m_loadFrom.iso(), m_until.iso());
    while (st.step()) {
        const int d = dayIndex(st.getView(0));
        if (d >= 0)
            m_procs[size_t(procIndex(st.getView(1)))][size_t(d)].addBucket(int(st.getInt(2)), st.getInt(3));
    }
}

} // namespace nbaops::health::cells
