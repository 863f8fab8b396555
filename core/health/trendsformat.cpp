// The trends report as JSON (nbaops trends --json) and as text for a terminal.
#include "trends.h"

#include "util/text.h"

#include <cmath>
#include <cstdio>

namespace nbaops::health {

namespace {

nlohmann::json dayJson(const TrendDay& d)
{
    nlohmann::json j = {{"day", d.day},
                        {"runs", d.runs},
                        {"success", d.success},
                        {"no_data", d.noData},
                        {"failures", d.failures},
                        {"success_rate", d.successRate()},
                        {"by_category", d.byCategory},
                        {"zero_record_runs", d.zeroRecords},
                        {"records_out", d.recordsOut}};
    const auto opt = [](const std::optional<double>& v) { return v ? nlohmann::json(std::round(*v)) : nlohmann::json(); };
    j["duration_ms"] = {{"p50", opt(d.p50Ms)}, {"p95", opt(d.p95Ms)}, {"p99", opt(d.p99Ms)}};
    return j;
}

nlohmann::json seriesJson(const TrendSeries& s)
{
    nlohmann::json days = nlohmann::json::array();
    for (const auto& d : s.days)
        days.push_back(dayJson(d));
    return {{"name", s.name},         {"phase", s.phase},       {"total", dayJson(s.total)},
            {"days", days},           {"slow_days", s.slowDays}, {"failure_days", s.failureDays}};
}

} // namespace

nlohmann::json toJson(const TrendsReport& r)
{
    nlohmann::json phases = nlohmann::json::array(), procs = nlohmann::json::array(), anomalies = nlohmann::json::array(),
                   timeouts = nlohmann::json::array();
    for (const auto& s : r.phases)
        phases.push_back(seriesJson(s));
    for (const auto& s : r.processors)
        procs.push_back(seriesJson(s));
    for (const auto& a : r.anomalies)
        anomalies.push_back({{"series", a.series}, {"metric", a.metric}, {"day", a.day}, {"value", a.value},
                             {"baseline", a.baseline}, {"z", a.z}, {"sentence", a.sentence}});
    for (const auto& t : r.timeouts)
        timeouts.push_back({{"processor", t.processor}, {"phase", t.phase}, {"current_s", t.currentS},
                            {"current_applied", t.currentApplied}, {"suggested_s", t.suggestedS},
                            {"p95_ms", std::round(t.p95Ms)}, {"runs", t.runs}, {"basis", t.basis}});
    nlohmann::json blocks = nlohmann::json::array();
    for (const auto& wd : r.weekdayBlocks)
        blocks.push_back(wd);
    return {{"from", r.from},
            {"until", r.until},
            {"days", r.days},
            {"day_basis", "UTC day of each run's start; durations of successful runs, within 5%"},
            {"runs", r.runs},
            {"phases", phases},
            {"processors", procs},
            {"anomalies", anomalies},
            {"timeouts", timeouts},
            {"failures_by_weekday_block_et", blocks},
            {"elapsed_ms", r.elapsedMs}};
}

std::string toText(const TrendsReport& r)
{
    if (r.empty)
        return "No runs to show" + (r.from.empty() ? std::string() : " from " + r.from + " to " + r.until) +
               ". Run the pipeline (nbaops run or nbaops demo) first.\n";
    std::string out = "nbaops trends " + r.from + " .. " + r.until + " (" + std::to_string(r.days) + " days, " +
                      std::to_string(r.runs) + " runs; UTC days, durations of successful runs)\n\n";
    char buf[300];
    std::snprintf(buf, sizeof buf, "%-8s %8s %8s %8s %9s %9s %9s %8s %8s\n", "PHASE", "RUNS", "SUCCESS", "FAILED",
                  "P50", "P95", "P99", "ZERO-REC", "NO-DATA");
    out += buf;
    for (const auto& s : r.phases) {
        const auto& t = s.total;
        const auto d = [](const std::optional<double>& v) { return v ? durationText(*v) : std::string("-"); };
        std::snprintf(buf, sizeof buf, "%-8s %8d %8s %8d %9s %9s %9s %8d %8d\n", s.name.c_str(), t.runs,
                      percentText(t.successRate()).c_str(), t.failures, d(t.p50Ms).c_str(), d(t.p95Ms).c_str(),
                      d(t.p99Ms).c_str(), t.zeroRecords, t.noData);
        out += buf;
    }
    out += "\nEarly warnings:\n";
    if (r.anomalies.empty())
        out += "  none: durations and failures are within their usual range.\n";
    for (const auto& a : r.anomalies)
        out += "  - " + a.sentence + "\n";
    int changes = 0;
    for (const auto& t : r.timeouts)
        changes += t.suggestedS != t.currentS;
    out += "\nTimeouts from each processor's P95 (x 3, at least 60 s): " + std::to_string(changes) +
           " differ from the ones in effect";
    out += changes ? "; 'nbaops trends --apply-timeouts' applies them.\n" : ".\n";
    for (const auto& t : r.timeouts) {
        if (t.suggestedS == t.currentS)
            continue;
        std::snprintf(buf, sizeof buf, "  %-28s %5d s -> %5d s  (%s)\n", t.processor.c_str(), t.currentS, t.suggestedS,
                      t.basis.c_str());
        out += buf;
    }
    return out;
}

} // namespace nbaops::health
