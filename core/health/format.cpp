#include "format.h"

#include "util/errors.h"

#include <cstdio>
#include <sstream>

namespace nbaops::health {

using nlohmann::json;

namespace {

json processorJson(const ProcessorStatus& s)
{
    return {{"name", s.name},         {"criticality", s.criticality}, {"implemented", s.implemented},
            {"status", s.status},     {"category", s.category},       {"started_at", s.startedAt},
            {"finished_at", s.finishedAt}, {"duration_ms", s.durationMs}, {"records_out", s.recordsOut},
            {"attempt", s.attempt},   {"error", s.error},             {"sla", s.sla},
            {"sla_deadline", s.slaDeadline}, {"below_expected_records", s.belowExpectedRecords}};
}

json phaseJson(const PhaseHealth& p)
{
    json jp = {{"phase", p.phase},
               {"name", p.name},
               {"state", toString(p.state)},
               {"reason", p.reason},
               {"scheduled", p.scheduled},
               {"last_success", p.lastSuccess ? json(*p.lastSuccess) : json(nullptr)},
               {"runs", p.runs},
               {"by_category", p.byCategory},
               {"real_failures", p.realFailures},
               {"sla", {{"met", p.slaMet}, {"missed", p.slaMissed}, {"pending", p.slaPending}}}};
    if (!p.processors.empty()) {
        jp["processors"] = json::array();
        for (const auto& s : p.processors)
            jp["processors"].push_back(processorJson(s));
    }
    return jp;
}

json failureJson(const FailureItem& f)
{
    return {{"processor", f.processor},   {"phase", f.phase},       {"criticality", f.criticality},
            {"game_date", f.gameDate},    {"category", f.category}, {"error", f.error},
            {"finished_at", f.finishedAt}, {"run_id", f.runId},      {"attempt", f.attempt},
            {"failed_runs", f.failedRuns},
            {"resolved", f.resolved},     {"root_cause", f.rootCause}, {"blocked_downstream", f.blocked},
            {"blocked_jointly_with", f.jointWith}};
}

json freshnessJson(const Freshness& f)
{
    return {{"table", f.table},
            {"producer", f.producer},
            {"latest_game_date", f.latestGameDate ? json(*f.latestGameDate) : json(nullptr)},
            {"last_write_at", f.lastWriteAt ? json(*f.lastWriteAt) : json(nullptr)},
            {"state", f.state},
            {"lag_days", f.lagDays}};
}

// The report's lists beyond the phases: recent days, checks, gaps, workflows.
void addLists(json& j, const Report& r)
{
    if (!r.recentDays.empty()) {
        j["recent_days"] = json::array();
        for (const auto& d : r.recentDays) {
            json phases = json::array();
            for (State s : d.phases)
                phases.push_back(toString(s));
            j["recent_days"].push_back({{"date", d.date}, {"overall", toString(d.overall)}, {"phases", phases}});
        }
    }
    j["checks"] = json::array();
    for (const auto& c : r.checks)
        j["checks"].push_back({{"name", c.name}, {"state", c.state}, {"summary", c.summary}, {"items", c.items}});
    j["gaps"] = json::array();
    for (const auto& g : r.gaps)
        j["gaps"].push_back({{"processor", g.processor}, {"phase", g.phase}, {"date", g.date}, {"status", g.status},
                             {"blocked", g.blocked}, {"stale", g.stale}});
    if (r.mode == Mode::Workflows) {
        j["workflows"] = json::array();
        for (const auto& w : r.workflows)
            j["workflows"].push_back({{"run_id", w.runId}, {"started_at", w.startedAt}, {"finished_at", w.finishedAt},
                                      {"first_date", w.firstDate}, {"last_date", w.lastDate}, {"dates", w.dates},
                                      {"runs", w.runs}, {"failures", w.failures}, {"processors", w.processors}});
    }
}

} // namespace

json toJson(const Report& r)
{
    json j;
    j["date"] = r.date;
    j["mode"] = toString(r.mode);
    j["window_days"] = r.windowDays;
    j["overall"] = toString(r.overall);
    j["exit_code"] = r.exitCode;
    j["generated_at"] = r.generatedAt;
    j["database"] = r.database;
    j["elapsed_ms"] = r.elapsedMs;
    j["phases"] = json::array();
    for (const auto& p : r.phases)
        j["phases"].push_back(phaseJson(p));
    j["failures"] = json::array();
    for (const auto& f : r.failures)
        j["failures"].push_back(failureJson(f));
    j["expected_no_data"] = r.expectedNoData;
    j["open_failures_earlier"] = r.openEarlier;
    j["freshness"] = json::array();
    for (const auto& f : r.freshness)
        j["freshness"].push_back(freshnessJson(f));
    addLists(j, r);
    j["next_steps"] = r.nextSteps;
    return j;
}

std::string_view toString(State s)
{
    switch (s) {
    case State::Healthy: return "healthy";
    case State::Degraded: return "degraded";
    case State::Failed: return "failed";
    case State::NotRun: return "not_run";
    }
    return "?";
}

int exitCodeFor(State s)
{
    switch (s) {
    case State::Healthy: return 0;
    case State::Degraded: return 1;
    default: return 2;
    }
}

bool isRealFailureCategory(std::string_view c)
{
    return c == "dependency_missing" || c == "validation_failed" || c == "timeout" || c == "error";
}

std::optional<Mode> modeFromString(std::string_view s, int* phase)
{
    if (s == "quick") return Mode::Quick;
    if (s == "full") return Mode::Full;
    if (s == "pipeline") return Mode::Pipeline;
    if (s == "errors") return Mode::Errors;
    if (s == "workflows") return Mode::Workflows;
    if (s.size() == 6 && s.substr(0, 5) == "phase" && s[5] >= '1' && s[5] <= '6') {
        if (phase)
            *phase = s[5] - '0';
        return Mode::Phase;
    }
    return std::nullopt;
}

std::string_view toString(Mode m)
{
    switch (m) {
    case Mode::Quick: return "quick";
    case Mode::Full: return "full";
    case Mode::Pipeline: return "pipeline";
    case Mode::Errors: return "errors";
    case Mode::Workflows: return "workflows";
    case Mode::Phase: return "phase";
    }
    return "?";
}

namespace {

std::string filled(std::string out, const std::string& date, const std::string& processor)
{
    for (const auto& [key, value] : {std::pair<std::string, std::string>{"{date}", date}, {"{processor}", processor}}) {
        for (auto at = out.find(key); at != std::string::npos; at = out.find(key, at + value.size()))
            out.replace(at, key.size(), value);
    }
    return out;
}

} // namespace

std::string Commands::rerunOf(const std::string& date, const std::string& processor) const
{
    return filled(rerun, date, processor);
}

std::string Commands::retryOf(const std::string& date, const std::string& processor) const
{
    return filled(retry.empty() ? rerun : retry, date, processor);
}

// What to do next, in order of urgency.
std::vector<NextStep> nextSteps(const Report& rep, const Commands& commands)
{
    using A = NextStep::Action;
    std::vector<NextStep> out;
    int unresolved = 0;
    for (const auto& f : rep.failures)
        unresolved += f.resolved ? 0 : 1;
    if (rep.empty)
        out.push_back({"The run history is empty: " + commands.firstRun + ".", A::None, "", "", "", ""});
    if (unresolved > 0) {
        const auto& f = rep.failures.front();
        NextStep s{"Fix the first unresolved failure above, then rerun its date: '" + commands.rerunOf(f.gameDate, f.processor) +
                       "'.",
                   A::Retry, f.gameDate, f.processor, "", commands.retryOf(f.gameDate, f.processor)};
        out.push_back(std::move(s));
    }
    if (rep.openEarlier > 0)
        out.push_back({std::to_string(rep.openEarlier) + " earlier processor-date(s) of the last "
                       "seven days are still failed: 'nbaops status --mode errors' lists them.",
                       A::OpenAlerts, "", "", "run_failed", "nbaops status --mode errors"});
    for (const auto& c : rep.checks) {
        if (c.state == "failed")
            out.push_back({"Check " + c.name + " failed: " + c.summary +
                               (c.items.empty() ? "." : " (first: " + c.items.front() + ")."),
                           A::None, "", "", "", ""});
    }
    if (!rep.gaps.empty()) {
        const auto& g = rep.gaps.front();
        const std::string cmd = commands.rerunOf(g.date, g.processor);
        out.push_back({std::to_string(rep.gaps.size()) + " gap(s): " + g.processor + " has no successful run for " +
                           g.date + " (" + g.status + ")" +
                           (g.stale.empty() ? "" : ", leaving " + std::to_string(g.stale.size()) + " table(s) stale") +
                           "; '" + cmd + "' fills it.",
                       rep.gaps.size() > 1 ? A::FillGaps : A::Rerun, g.date, g.processor, "", cmd});
    }
    for (const auto& p : rep.phases) {
        if (p.scheduled && p.slaMissed > 0) {
            out.push_back({"Phase " + std::to_string(p.phase) + " missed " + std::to_string(p.slaMissed) +
                               " SLA(s): check when the nightly run started.",
                           A::OpenAlerts, "", "", "sla", "nbaops sla"});
            break;
        }
    }
    return out;
}

} // namespace nbaops::health
