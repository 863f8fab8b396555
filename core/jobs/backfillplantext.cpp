// The plan for people and programs: its JSON, its text for a terminal, a holder in a sentence.
#include "backfillplan.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <sstream>

namespace nbaops::jobs {

std::string joinDates(const std::vector<Date>& dates, size_t max)
{
    std::string s;
    for (size_t i = 0; i < dates.size() && i < max; ++i)
        s += (i ? ", " : "") + dates[i].iso();
    if (dates.size() > max)
        s += " and " + std::to_string(dates.size() - max) + " more";
    return s;
}

std::string Holder::text() const
{
    return "backfill " + std::to_string(id) + " (started by " + createdBy + " at " + createdAt + ", " + firstDate +
           " to " + lastDate + ", " + state + ") holds " + std::to_string(overlap.size()) +
           " of these dates: " + joinDates(overlap);
}

std::string durationText(double seconds)
{
    char buf[64];
    if (seconds < 10)
        std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    else if (seconds < 90)
        std::snprintf(buf, sizeof buf, "%.0f s", seconds);
    else if (seconds < 5400)
        std::snprintf(buf, sizeof buf, "%.0f min", seconds / 60);
    else
        std::snprintf(buf, sizeof buf, "%.1f h", seconds / 3600);
    return buf;
}

nlohmann::json BackfillPlan::toJson() const
{
    nlohmann::json j;
    j["source"] = source;
    j["workers"] = workers;
    j["force"] = force;
    j["items"] = items;
    j["plan_ms"] = planMs;
    j["complete_dates"] = nlohmann::json::array();
    for (const auto& d : complete)
        j["complete_dates"].push_back(d.iso());
    j["dates"] = nlohmann::json::array();
    for (const auto& pd : dates) {
        nlohmann::json procs = nlohmann::json::array();
        for (const auto& p : pd.processors)
            procs.push_back({{"processor", p.name}, {"phase", p.phase}, {"reason", p.reason}});
        j["dates"].push_back({{"date", pd.date.iso()}, {"band", pd.band}, {"processors", procs}});
    }
    nlohmann::json durations = nlohmann::json::array();
    for (const auto& d : estimate.durations)
        durations.push_back({{"processor", d.processor}, {"runs", d.runs}, {"p25_s", d.p25}, {"p50_s", d.p50},
                             {"p90_s", d.p90}});
    j["estimate"] = {{"workers", estimate.workers},
                     {"seconds", estimate.seconds},
                     {"low_seconds", estimate.low},
                     {"high_seconds", estimate.high},
                     {"processors", durations},
                     {"without_history", estimate.withoutHistory},
                     {"without_history_assumed_s", kNoHistorySeconds}};
    nlohmann::json holdersJson = nlohmann::json::array();
    for (const auto& h : holders) {
        nlohmann::json overlap = nlohmann::json::array();
        for (const auto& d : h.overlap)
            overlap.push_back(d.iso());
        holdersJson.push_back({{"id", h.id}, {"created_by", h.createdBy}, {"created_at", h.createdAt},
                               {"state", h.state}, {"first_date", h.firstDate}, {"last_date", h.lastDate},
                               {"overlap", overlap}});
    }
    j["holders"] = holdersJson;
    j["conflicts"] = conflicts;
    return j;
}

std::string BackfillPlan::text(bool all) const
{
    std::ostringstream out;
    out << "Backfill plan (" << source << "): " << dates.size() << " date(s), " << items
        << " (date, processor) runs, " << workers << " worker(s)" << (force ? ", forced" : "") << "\n";
    if (!complete.empty())
        out << complete.size() << " date(s) asked for are complete and left alone: " << joinDates(complete) << "\n";
    std::string band;
    size_t shown = 0;
    for (const auto& pd : dates) {
        if (!all && shown == 20) {
            out << "  ... " << dates.size() - shown << " more date(s) (--all shows every one)\n";
            break;
        }
        ++shown;
        if (pd.band != band) {
            band = pd.band;
            out << " " << band << ":\n";
        }
        std::map<std::string, int> reasons;
        for (const auto& p : pd.processors)
            ++reasons[p.reason.rfind("needs ", 0) == 0 ? "downstream" : p.reason];
        std::string why;
        for (const auto& [r, n] : reasons)
            why += (why.empty() ? "" : ", ") + std::to_string(n) + " " + r;
        out << "  " << pd.date.iso() << "  " << pd.processors.size() << " processor(s): " << why << "\n";
    }
    out << "Estimate with " << estimate.workers << " worker(s): " << durationText(estimate.seconds) << " (P50), from "
        << durationText(estimate.low) << " (P25) to " << durationText(estimate.high) << " (P90)";
    if (!estimate.withoutHistory.empty()) {
        out << "; no run history for ";
        for (size_t i = 0; i < estimate.withoutHistory.size(); ++i)
            out << (i ? ", " : "") << estimate.withoutHistory[i];
        out << " (counted as " << kNoHistorySeconds << " s each)";
    }
    out << ".\n";
    if (conflicts.empty())
        out << "Conflicts: none.\n";
    for (const auto& c : conflicts)
        out << "Conflict: " << c << "\n";
    return out.str();
}

} // namespace nbaops::jobs
