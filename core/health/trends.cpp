#include "trends.h"
#include "util/text.h"

#include "anomaly.h"
#include "health.h"
#include "registry/registry.h"
#include "store/database.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>

namespace nbaops::health {

namespace {


constexpr int kBuckets = 1000; // digits (1..9) x 100 + two leading digits

// A day (or a window) of a phase or processor: counts, and the durations' histogram, sparse
// while buckets arrive in order (a processor's rows come sorted by bucket), dense otherwise.
struct Acc
{
    TrendDay day;
    std::vector<std::pair<int, int64_t>> sparse;
    std::vector<int64_t> dense;
    void addBucket(int b, int64_t n)
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

const char* const kWeekdays[] = {"Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"};

} // namespace

double TrendDay::successRate() const
{
    const int counted = runs - noData;
    return counted > 0 ? double(success) / double(counted) : 1.0;
}

int bucketOf(int64_t durationMs)
{
    const std::string s = std::to_string(std::max<int64_t>(durationMs, 0));
    return int(s.size()) * 100 + std::stoi((s + "0").substr(0, 2));
}

double bucketMidpointMs(int bucket)
{
    const int digits = bucket / 100, lead = bucket % 100;
    if (digits <= 1)
        return lead / 10.0 + 0.5; // 0..9 ms: the exact millisecond, +0.5
    const double scale = std::pow(10.0, digits - 2);
    return (lead + 0.5) * scale;
}

TrendsReport trends(store::Database& db, const registry::Registry& registry, const TrendsQuery& q)
{
    const auto t0 = std::chrono::steady_clock::now();
    TrendsReport r;
    r.days = std::clamp(q.days, 1, 3660);
    Date until;
    if (q.until) {
        until = *q.until;
    } else {
        auto st = db.prepare("SELECT max(day) FROM run_day_stats");
        st.step();
        if (st.isNull(0)) {
            r.elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            return r;
        }
        until = Date::parse(st.getText(0)).value_or(Date::todayEastern());
    }
    if (q.clampToHistory) {
        auto st = db.prepare("SELECT min(day) FROM run_day_stats");
        if (st.step() && !st.isNull(0)) {
            if (const auto first = Date::parse(st.getText(0)); first && *first <= until)
                r.days = std::clamp(first->daysUntil(until) + 1, std::min(7, r.days), r.days);
        }
    }
    const Date from = until.addDays(-(r.days - 1));
    const Date loadFrom = from.addDays(-std::max(q.baselineDays, 28));
    r.from = from.iso();
    r.until = until.iso();
    std::map<std::string, int> phaseOf;
    for (const auto& p : registry.processors())
        phaseOf[p.name] = p.phase;

    // Every day of the window and the baseline before it, by index; processors by index.
    const int nDays = loadFrom.daysUntil(until) + 1;
    std::vector<std::string> allDays;
    for (Date d = loadFrom; d <= until; d = d.addDays(1))
        allDays.push_back(d.iso());
    std::string lastDayText;
    int lastDay = -1;
    const auto dayIndex = [&](std::string_view iso) {
        if (iso != lastDayText) {
            lastDayText = iso;
            const auto d = Date::parse(lastDayText);
            lastDay = d ? loadFrom.daysUntil(*d) : -1;
            if (lastDay >= nDays)
                lastDay = -1;
        }
        return lastDay;
    };
    std::vector<std::string> procNames;
    std::vector<int> procPhase;
    std::map<std::string, int> procIndexOf;
    std::string lastProcText;
    int lastProc = -1;
    std::vector<std::vector<Acc>> procCells;                                  // [processor][day]
    std::vector<std::vector<Acc>> phaseCells(7, std::vector<Acc>(size_t(nDays))); // [phase][day]
    const auto procIndex = [&](std::string_view name) {
        if (name == lastProcText && lastProc >= 0)
            return lastProc;
        lastProcText = name;
        auto it = procIndexOf.find(lastProcText);
        if (it == procIndexOf.end()) {
            it = procIndexOf.emplace(lastProcText, int(procNames.size())).first;
            procNames.push_back(lastProcText);
            const auto ph = phaseOf.find(lastProcText);
            procPhase.push_back(ph == phaseOf.end() ? 0 : ph->second);
            procCells.emplace_back(size_t(q.withProcessors ? nDays : 0));
        }
        lastProc = it->second;
        return lastProc;
    };
    if (q.withProcessors) {
        auto st = db.prepare("SELECT day, processor, category, phase, runs, zero_records, records_out FROM run_day_stats"
                             " WHERE day >= ? AND day <= ?");
        st.bindAll(loadFrom.iso(), until.iso());
        while (st.step()) {
            const int d = dayIndex(st.getView(0));
            if (d < 0)
                continue;
            const int p = procIndex(st.getView(1));
            const std::string cat = st.getText(2);
            const int phase = std::clamp(int(st.getInt(3)), 0, 6), runs = int(st.getInt(4)), zero = int(st.getInt(5));
            const int64_t records = st.getInt(6);
            add(phaseCells[size_t(phase)][size_t(d)], cat, runs, zero, records);
            add(procCells[size_t(p)][size_t(d)], cat, runs, zero, records);
        }
    } else {
        // The phases alone, from their own statistics.
        auto st = db.prepare("SELECT day, phase, category, runs, zero_records, records_out FROM run_day_phase_stats"
                             " WHERE day >= ? AND day <= ?");
        st.bindAll(loadFrom.iso(), until.iso());
        while (st.step()) {
            const int d = dayIndex(st.getView(0));
            if (d >= 0)
                add(phaseCells[size_t(std::clamp(int(st.getInt(1)), 0, 6))][size_t(d)], st.getText(2), int(st.getInt(3)),
                    int(st.getInt(4)), st.getInt(5));
        }
    }
    {
        // The phases' durations from their own histogram (about a quarter of the processors' rows), in
        // key order (day, phase, bucket): each phase-day's buckets arrive sorted.
        auto st = db.prepare("SELECT day, phase, bucket, runs FROM run_duration_phase_hist WHERE day >= ? AND day <= ?");
        st.bindAll(loadFrom.iso(), until.iso());
        while (st.step()) {
            const int d = dayIndex(st.getView(0));
            if (d >= 0)
                phaseCells[size_t(std::clamp(int(st.getInt(1)), 0, 6))][size_t(d)].addBucket(int(st.getInt(2)), st.getInt(3));
        }
    }
    if (q.withProcessors) {
        // In key order (day, processor, bucket): each processor-day's buckets arrive sorted.
        auto st = db.prepare("SELECT day, processor, bucket, runs FROM run_duration_hist WHERE day >= ? AND day <= ?");
        st.bindAll(loadFrom.iso(), until.iso());
        while (st.step()) {
            const int d = dayIndex(st.getView(0));
            if (d >= 0)
                procCells[size_t(procIndex(st.getView(1)))][size_t(d)].addBucket(int(st.getInt(2)), st.getInt(3));
        }
    }

    const DeviationRule durationRule{q.baselineDays, 3.5, 0.20, 500, 7};
    const DeviationRule failureRule{q.baselineDays, 3.5, 1.0, 3, 7};
    // The window's days that stand out against their own trailing baseline.
    const auto marked = [&](const std::vector<DayValue>& values, const DeviationRule& rule) {
        std::vector<std::string> days;
        for (size_t k = 0; k < values.size(); ++k) {
            if (values[k].day < from)
                continue;
            // One value a day, ascending: the baseline lies within the last baselineDays values.
            const size_t first = k > size_t(rule.baselineDays) ? k - size_t(rule.baselineDays) : 0;
            const auto dv = deviation(std::span<const DayValue>(values.data() + first, k + 1 - first), rule);
            if (dv && dv->anomalous)
                days.push_back(values[k].day.iso());
        }
        return days;
    };
    const auto build = [&](const std::string& name, int phase, std::vector<Acc>& cells, std::vector<DayValue>* p95,
                           std::vector<DayValue>* failures) {
        TrendSeries s;
        s.name = name;
        s.phase = phase;
        Acc total;
        total.day.day = from.iso() + ".." + until.iso();
        for (int i = 0; i < nDays; ++i) {
            Acc& use = cells[size_t(i)];
            use.day.day = allDays[size_t(i)];
            finish(use);
            const Date d = loadFrom.addDays(i);
            if (p95 && use.day.p95Ms)
                p95->push_back({d, *use.day.p95Ms});
            if (failures)
                failures->push_back({d, double(use.day.failures)});
            if (d < from)
                continue;
            for (const auto& [c, n] : use.day.byCategory)
                add(total, c, n, 0, 0);
            total.day.zeroRecords += use.day.zeroRecords;
            total.day.recordsOut += use.day.recordsOut;
            use.forEachBucket([&](int b, int64_t n) {
                if (total.dense.empty())
                    total.dense.assign(kBuckets, 0);
                total.dense[size_t(b)] += n;
            });
            s.days.push_back(use.day);
        }
        finish(total);
        s.total = total.day;
        if (p95)
            s.slowDays = marked(*p95, durationRule);
        if (failures)
            s.failureDays = marked(*failures, failureRule);
        return s;
    };

    // "Phase 3 is taking 24% longer than its 30-day median ...", when the last day's P95 is.
    const auto slower = [&](const std::vector<DayValue>& p95, const std::string& who, const std::string& series) {
        if (p95.empty() || p95.back().day != until)
            return;
        const auto dv = deviation(p95, durationRule);
        if (!dv || !dv->anomalous)
            return;
        char buf[300];
        std::snprintf(buf, sizeof buf, "%s is taking %.0f%% longer than its %d-day median%s: P95 %s on %s vs %s.",
                      who.c_str(), (dv->ratio - 1) * 100, q.baselineDays, dv->weekdayAware ? " for that weekday" : "",
                      durationText(dv->value).c_str(), until.iso().c_str(), durationText(dv->baseline).c_str());
        r.anomalies.push_back({series, "duration_p95", until.iso(), dv->value, dv->baseline, dv->z, buf});
    };
    for (int phase = 1; phase <= 6; ++phase) {
        std::vector<DayValue> p95, failures;
        auto s = build("phase " + std::to_string(phase), phase, phaseCells[size_t(phase)], &p95, &failures);
        r.runs += s.total.runs;
        slower(p95, "Phase " + std::to_string(phase), s.name);
        if (!failures.empty()) {
            if (const auto dv = deviation(failures, failureRule); dv && dv->anomalous) {
                char buf[300];
                std::snprintf(buf, sizeof buf, "Phase %d had %.0f real failures on %s, against a median of %.0f%s.", phase,
                              dv->value, until.iso().c_str(), dv->baseline, dv->weekdayAware ? " on that weekday" : "");
                r.anomalies.push_back({s.name, "failures", until.iso(), dv->value, dv->baseline, dv->z, buf});
            }
        }
        // Failure rate trend: the last 7 days against the 7 before.
        int last = 0, lastRuns = 0, prev = 0, prevRuns = 0;
        for (const auto& dv : s.days) {
            const int age = Date::parse(dv.day)->daysUntil(until);
            const int counted = dv.runs - dv.noData;
            if (age < 7) {
                last += dv.failures;
                lastRuns += counted;
            } else if (age < 14) {
                prev += dv.failures;
                prevRuns += counted;
            }
        }
        if (lastRuns >= 20 && prevRuns >= 20) {
            const double r1 = double(last) / lastRuns, r0 = double(prev) / prevRuns;
            if (r1 >= 0.05 && r1 >= 2 * r0 && last - prev >= 3) {
                r.anomalies.push_back({s.name, "failure_rate", until.iso(), r1, r0, 0,
                                       "Phase " + std::to_string(phase) + " failure rate is trending " + percentText(r0) + " -> " +
                                           percentText(r1) + " (the last 7 days against the 7 before)."});
            }
        }
        r.phases.push_back(std::move(s));
    }
    r.empty = r.runs == 0;

    if (q.withProcessors) {
        const auto applied = appliedTimeouts(db);
        for (const auto& [proc, index] : procIndexOf) {
            std::vector<DayValue> p95, failures;
            const auto ph = phaseOf.find(proc);
            auto s = build(proc, procPhase[size_t(index)], procCells[size_t(index)], &p95, &failures);
            slower(p95, proc, proc);
            if (s.total.success >= 20 && s.total.p95Ms) {
                TimeoutSuggestion t;
                t.processor = proc;
                t.phase = s.phase;
                t.p95Ms = *s.total.p95Ms;
                t.runs = s.total.success;
                const double raw = 3.0 * t.p95Ms / 1000.0;
                t.suggestedS = std::clamp(int(std::ceil(raw / 10.0) * 10), 60, 7200);
                const auto a = applied.find(proc);
                t.currentApplied = a != applied.end();
                if (t.currentApplied)
                    t.currentS = a->second;
                else if (ph != phaseOf.end())
                    t.currentS = registry.get(proc).timeoutSeconds;
                t.basis = "P95 " + durationText(t.p95Ms) + " over " + std::to_string(r.days) + " day(s) (" +
                          std::to_string(t.runs) + " successful runs) x 3";
                r.timeouts.push_back(t);
            }
            r.processors.push_back(std::move(s));
        }
    }

    // Real failures by US Eastern weekday and 3-hour block: the window, and the 4 weeks
    // before its last 4 for the "failures on Mondays 00-03 h tripled" warning.
    {
        std::array<std::array<int, 8>, 7> recent{}, before{};
        auto st = db.prepare("SELECT day, hour, sum(runs) FROM run_hour_failures WHERE day >= ? AND day <= ? GROUP BY 1, 2");
        st.bindAll(until.addDays(-55).iso() < loadFrom.iso() ? until.addDays(-55).iso() : loadFrom.iso(), until.iso());
        while (st.step()) {
            const auto d = Date::parse(st.getText(0));
            if (!d)
                continue;
            const TimePoint utc = TimePoint(d->days()) + std::chrono::hours(st.getInt(1));
            const auto local = utc + easternOffset(utc);
            const auto localDay = std::chrono::floor<std::chrono::days>(local);
            const int wd = int(std::chrono::weekday(localDay).c_encoding());
            const int block = int(std::chrono::duration_cast<std::chrono::hours>(local - localDay).count()) / 3;
            const int n = int(st.getInt(2));
            const int age = d->daysUntil(until);
            if (*d >= from)
                r.weekdayBlocks[size_t(wd)][size_t(block)] += n;
            if (age < 28)
                recent[size_t(wd)][size_t(block)] += n;
            else if (age < 56)
                before[size_t(wd)][size_t(block)] += n;
        }
        // Only with a history to compare with: runs on at least 14 of the 4 weeks before.
        auto hist = db.prepare("SELECT count(DISTINCT day) FROM run_day_stats WHERE day >= ? AND day < ?");
        hist.bindAll(until.addDays(-55).iso(), until.addDays(-27).iso());
        hist.step();
        const bool comparable = hist.getInt(0) >= 14;
        for (int wd = 0; wd < 7 && comparable; ++wd) {
            for (int b = 0; b < 8; ++b) {
                const int now = recent[size_t(wd)][size_t(b)], was = before[size_t(wd)][size_t(b)];
                if (now >= 6 && now >= 3 * std::max(was, 1)) {
                    char buf[240];
                    const double times = double(now) / std::max(was, 1);
                    std::snprintf(buf, sizeof buf, "Failures on %s %02d-%02d h ET %s: %d in the last 4 weeks vs %d in the 4 before.",
                                  kWeekdays[wd], b * 3, b * 3 + 3,
                                  times >= 3 && times < 4 ? "tripled" : ("rose " + std::to_string(int(times)) + "-fold").c_str(),
                                  now, was);
                    r.anomalies.push_back({"weekday " + std::to_string(wd) + " block " + std::to_string(b), "weekday_hours",
                                           until.iso(), double(now), double(was), 0, buf});
                }
            }
        }
    }
    r.elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

std::map<std::string, int> appliedTimeouts(store::Database& db)
{
    std::map<std::string, int> out;
    auto st = db.prepare("SELECT processor, timeout_s FROM processor_timeouts");
    while (st.step())
        out[st.getText(0)] = int(st.getInt(1));
    return out;
}

int applyTimeouts(store::Database& db, const std::vector<TimeoutSuggestion>& suggestions, const std::string& who,
                  TimePoint now)
{
    store::Transaction tx(db);
    const std::string at = toIsoUtc(now);
    int n = 0;
    for (const auto& s : suggestions) {
        db.prepare("INSERT INTO processor_timeouts(processor, timeout_s, basis, applied_at, applied_by) VALUES (?,?,?,?,?)"
                   " ON CONFLICT(processor) DO UPDATE SET timeout_s = excluded.timeout_s, basis = excluded.basis,"
                   " applied_at = excluded.applied_at, applied_by = excluded.applied_by")
            .bindAll(s.processor, int64_t(s.suggestedS), s.basis, at, who)
            .run();
        db.prepare("INSERT INTO audit_log(at, actor, action, detail) VALUES (?,?,'timeout',?)")
            .bindAll(at, who, s.processor + ": " + std::to_string(s.currentS) + " s -> " + std::to_string(s.suggestedS) +
                                  " s (" + s.basis + ")")
            .run();
        ++n;
    }
    tx.commit();
    return n;
}

std::string durationText(double ms)
{
    char buf[32];
    if (ms >= 60000)
        std::snprintf(buf, sizeof buf, "%.1f min", ms / 60000);
    else if (ms >= 1000)
        std::snprintf(buf, sizeof buf, "%.1f s", ms / 1000);
    else
        std::snprintf(buf, sizeof buf, "%.0f ms", ms);
    return buf;
}


} // namespace nbaops::health
