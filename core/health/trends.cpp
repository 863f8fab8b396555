#include "trends.h"
#include "util/text.h"

#include "anomaly.h"
#include "trendcells.h"
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

namespace {

using cells::Acc;

// The window's days and the days before it the baselines need.
struct Window
{
    Date from, until, loadFrom;
};

// The window of the query, or nullopt when there are no runs at all.
std::optional<Window> resolveWindow(store::Database& db, const TrendsQuery& q, TrendsReport& r)
{
    r.days = std::clamp(q.days, 1, kMaxRangeDays);
    Date until;
    if (q.until) {
        until = *q.until;
    } else {
        auto st = db.prepare("SELECT max(day) FROM run_day_stats");
        st.step();
        if (st.isNull(0))
            return std::nullopt;
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
    r.from = from.iso();
    r.until = until.iso();
    return Window{from, until, from.addDays(-std::max(q.baselineDays, 28))};
}

// Turns a grid's rows into series with the days that stand out, and the early warnings.
class SeriesBuilder
{
public:
    SeriesBuilder(const Window& w, const TrendsQuery& q, cells::Grid& grid, TrendsReport& r)
        : m_w(w), m_q(q), m_grid(grid), m_r(r), m_durationRule{q.baselineDays, 3.5, 0.20, 500, 7},
          m_failureRule{q.baselineDays, 3.5, 1.0, 3, 7}
    {
    }

    TrendSeries build(const std::string& name, int phase, std::vector<Acc>& days, std::vector<DayValue>& p95,
                      std::vector<DayValue>& failures);
    void warnIfSlower(const std::vector<DayValue>& p95, const std::string& who, const std::string& series);
    void warnAboutPhase(int phase, const TrendSeries& s, const std::vector<DayValue>& failures);
    std::optional<TimeoutSuggestion> timeoutFor(const TrendSeries& s, const std::map<std::string, int>& applied,
                                                const registry::Registry& registry) const;

private:
    const Window& m_w;
    const TrendsQuery& m_q;
    cells::Grid& m_grid;
    TrendsReport& m_r;
    const DeviationRule m_durationRule, m_failureRule;

    std::vector<std::string> marked(const std::vector<DayValue>& values, const DeviationRule& rule) const;
};

// The window's days that stand out against their own trailing baseline.
std::vector<std::string> SeriesBuilder::marked(const std::vector<DayValue>& values, const DeviationRule& rule) const
{
    std::vector<std::string> days;
    for (size_t k = 0; k < values.size(); ++k) {
        if (values[k].day < m_w.from)
            continue;
        // One value a day, ascending: the baseline lies within the last baselineDays values.
        const size_t first = k > size_t(rule.baselineDays) ? k - size_t(rule.baselineDays) : 0;
        const auto dv = deviation(std::span<const DayValue>(values.data() + first, k + 1 - first), rule);
        if (dv && dv->anomalous)
            days.push_back(values[k].day.iso());
    }
    return days;
}

TrendSeries SeriesBuilder::build(const std::string& name, int phase, std::vector<Acc>& days,
                                 std::vector<DayValue>& p95, std::vector<DayValue>& failures)
{
    TrendSeries s;
    s.name = name;
    s.phase = phase;
    Acc total;
    total.day.day = m_w.from.iso() + ".." + m_w.until.iso();
    for (int i = 0; i < m_grid.days(); ++i) {
        Acc& use = days[size_t(i)];
        use.day.day = m_grid.dayText(i);
        cells::finish(use);
        const Date d = m_w.loadFrom.addDays(i);
        if (use.day.p95Ms)
            p95.push_back({d, *use.day.p95Ms});
        failures.push_back({d, double(use.day.failures)});
        if (d < m_w.from)
            continue;
        for (const auto& [c, n] : use.day.byCategory)
            cells::add(total, c, n, 0, 0);
        total.day.zeroRecords += use.day.zeroRecords;
        total.day.recordsOut += use.day.recordsOut;
        use.forEachBucket([&](int b, int64_t n) {
            if (total.dense.empty())
                total.dense.assign(cells::kBuckets, 0);
            total.dense[size_t(b)] += n;
        });
        s.days.push_back(use.day);
    }
    cells::finish(total);
    s.total = total.day;
    s.slowDays = marked(p95, m_durationRule);
    s.failureDays = marked(failures, m_failureRule);
    return s;
}

// "Phase 3 is taking 24% longer than its 30-day median ...", when the last day's P95 is.
void SeriesBuilder::warnIfSlower(const std::vector<DayValue>& p95, const std::string& who, const std::string& series)
{
    if (p95.empty() || p95.back().day != m_w.until)
        return;
    const auto dv = deviation(p95, m_durationRule);
    if (!dv || !dv->anomalous)
        return;
    char buf[300];
    std::snprintf(buf, sizeof buf, "%s is taking %.0f%% longer than its %d-day median%s: P95 %s on %s vs %s.",
                  who.c_str(), (dv->ratio - 1) * 100, m_q.baselineDays, dv->weekdayAware ? " for that weekday" : "",
                  durationText(dv->value).c_str(), m_w.until.iso().c_str(), durationText(dv->baseline).c_str());
    m_r.anomalies.push_back({series, "duration_p95", m_w.until.iso(), dv->value, dv->baseline, dv->z, buf});
}

// A phase's real failures on the last day against its median, and its failure rate over the
// last 7 days against the 7 before.
void SeriesBuilder::warnAboutPhase(int phase, const TrendSeries& s, const std::vector<DayValue>& failures)
{
    const std::string until = m_w.until.iso();
    if (!failures.empty()) {
        if (const auto dv = deviation(failures, m_failureRule); dv && dv->anomalous) {
            char buf[300];
            std::snprintf(buf, sizeof buf, "Phase %d had %.0f real failures on %s, against a median of %.0f%s.", phase,
                          dv->value, until.c_str(), dv->baseline, dv->weekdayAware ? " on that weekday" : "");
            m_r.anomalies.push_back({s.name, "failures", until, dv->value, dv->baseline, dv->z, buf});
        }
    }
    int last = 0, lastRuns = 0, prev = 0, prevRuns = 0;
    for (const auto& dv : s.days) {
        const int age = Date::parse(dv.day)->daysUntil(m_w.until);
        const int counted = dv.runs - dv.noData;
        if (age < 7) {
            last += dv.failures;
            lastRuns += counted;
        } else if (age < 14) {
            prev += dv.failures;
            prevRuns += counted;
        }
    }
    if (lastRuns < 20 || prevRuns < 20)
        return;
    const double r1 = double(last) / lastRuns, r0 = double(prev) / prevRuns;
    if (r1 >= 0.05 && r1 >= 2 * r0 && last - prev >= 3)
        m_r.anomalies.push_back({s.name, "failure_rate", until, r1, r0, 0,
                                 "Phase " + std::to_string(phase) + " failure rate is trending " + percentText(r0) +
                                     " -> " + percentText(r1) + " (the last 7 days against the 7 before)."});
}

// A processor's suggested timeout: three times its P95 over the window, from 20 successes on.
std::optional<TimeoutSuggestion> SeriesBuilder::timeoutFor(const TrendSeries& s,
                                                           const std::map<std::string, int>& applied,
                                                           const registry::Registry& registry) const
{
    if (s.total.success < 20 || !s.total.p95Ms)
        return std::nullopt;
    TimeoutSuggestion t;
    t.processor = s.name;
    t.phase = s.phase;
    t.p95Ms = *s.total.p95Ms;
    t.runs = s.total.success;
    const double raw = 3.0 * t.p95Ms / 1000.0;
    t.suggestedS = std::clamp(int(std::ceil(raw / 10.0) * 10), 60, 7200);
    const auto a = applied.find(s.name);
    t.currentApplied = a != applied.end();
    if (t.currentApplied)
        t.currentS = a->second;
    else if (registry.find(s.name))
        t.currentS = registry.get(s.name).timeoutSeconds;
    t.basis = "P95 " + durationText(t.p95Ms) + " over " + std::to_string(m_r.days) + " day(s) (" +
              std::to_string(t.runs) + " successful runs) x 3";
    return t;
}

// Real failures by US Eastern weekday and 3-hour block: the window's, and the "failures on
// Mondays 00-03 h tripled" warning (the last 4 weeks against the 4 before).
void weekdayBlocks(store::Database& db, const Window& w, TrendsReport& r)
{
    std::array<std::array<int, 8>, 7> recent{}, before{};
    const Date since = std::min(w.until.addDays(-55), w.loadFrom);
    auto st = db.prepare("SELECT day, hour, sum(runs) FROM run_hour_failures WHERE day >= ? AND day <= ? GROUP BY 1, 2");
    st.bindAll(since.iso(), w.until.iso());
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
        const int age = d->daysUntil(w.until);
        if (*d >= w.from)
            r.weekdayBlocks[size_t(wd)][size_t(block)] += n;
        if (age < 28)
            recent[size_t(wd)][size_t(block)] += n;
        else if (age < 56)
            before[size_t(wd)][size_t(block)] += n;
    }
    // Only with a history to compare with: runs on at least 14 of the 4 weeks before.
    auto hist = db.prepare("SELECT count(DISTINCT day) FROM run_day_stats WHERE day >= ? AND day < ?");
    hist.bindAll(w.until.addDays(-55).iso(), w.until.addDays(-27).iso());
    hist.step();
    if (hist.getInt(0) < 14)
        return;
    for (int wd = 0; wd < 7; ++wd) {
        for (int b = 0; b < 8; ++b) {
            const int now = recent[size_t(wd)][size_t(b)], was = before[size_t(wd)][size_t(b)];
            if (now < 6 || now < 3 * std::max(was, 1))
                continue;
            char buf[240];
            const double times = double(now) / std::max(was, 1);
            std::snprintf(buf, sizeof buf, "Failures on %s %02d-%02d h ET %s: %d in the last 4 weeks vs %d in the 4 before.",
                          kWeekdays[wd], b * 3, b * 3 + 3,
                          times >= 3 && times < 4 ? "tripled" : ("rose " + std::to_string(int(times)) + "-fold").c_str(),
                          now, was);
            r.anomalies.push_back({"weekday " + std::to_string(wd) + " block " + std::to_string(b), "weekday_hours",
                                   w.until.iso(), double(now), double(was), 0, buf});
        }
    }
}

} // namespace

TrendsReport trends(store::Database& db, const registry::Registry& registry, const TrendsQuery& q)
{
    const auto t0 = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    };
    TrendsReport r;
    const auto w = resolveWindow(db, q, r);
    if (!w) {
        r.elapsedMs = elapsed();
        return r;
    }
    std::map<std::string, int> phaseOf;
    for (const auto& p : registry.processors())
        phaseOf[p.name] = p.phase;
    cells::Grid grid(w->loadFrom, w->until, phaseOf, q.withProcessors);
    grid.load(db);
    SeriesBuilder series(*w, q, grid, r);
    for (int phase = 1; phase <= 6; ++phase) {
        std::vector<DayValue> p95, failures;
        auto s = series.build("phase " + std::to_string(phase), phase, grid.phase(phase), p95, failures);
        r.runs += s.total.runs;
        series.warnIfSlower(p95, "Phase " + std::to_string(phase), s.name);
        series.warnAboutPhase(phase, s, failures);
        r.phases.push_back(std::move(s));
    }
    r.empty = r.runs == 0;
    if (q.withProcessors) {
        const auto applied = appliedTimeouts(db);
        for (const auto& [proc, index] : grid.processors()) {
            std::vector<DayValue> p95, failures;
            auto s = series.build(proc, grid.processorPhase(index), grid.processor(index), p95, failures);
            series.warnIfSlower(p95, proc, proc);
            if (auto t = series.timeoutFor(s, applied, registry))
                r.timeouts.push_back(std::move(*t));
            r.processors.push_back(std::move(s));
        }
    }
    weekdayBlocks(db, *w, r);
    r.elapsedMs = elapsed();
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
