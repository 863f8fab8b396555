#include "format.h"

#include "util/errors.h"

#include <cstdio>
#include <sstream>

namespace nbaops::health {

using nlohmann::json;

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
    for (const auto& p : r.phases) {
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
            for (const auto& s : p.processors) {
                jp["processors"].push_back({{"name", s.name},
                                            {"criticality", s.criticality},
                                            {"implemented", s.implemented},
                                            {"status", s.status},
                                            {"category", s.category},
                                            {"started_at", s.startedAt},
                                            {"finished_at", s.finishedAt},
                                            {"duration_ms", s.durationMs},
                                            {"records_out", s.recordsOut},
                                            {"attempt", s.attempt},
                                            {"error", s.error},
                                            {"sla", s.sla},
                                            {"sla_deadline", s.slaDeadline},
                                            {"below_expected_records", s.belowExpectedRecords}});
            }
        }
        j["phases"].push_back(jp);
    }
    j["failures"] = json::array();
    for (const auto& f : r.failures) {
        j["failures"].push_back({{"processor", f.processor},
                                 {"phase", f.phase},
                                 {"criticality", f.criticality},
                                 {"game_date", f.gameDate},
                                 {"category", f.category},
                                 {"error", f.error},
                                 {"finished_at", f.finishedAt},
                                 {"run_id", f.runId},
                                 {"attempt", f.attempt},
                                 {"resolved", f.resolved},
                                 {"root_cause", f.rootCause},
                                 {"blocked_downstream", f.blocked}, {"blocked_jointly_with", f.jointWith}});
    }
    j["expected_no_data"] = r.expectedNoData;
    j["open_failures_earlier"] = r.openEarlier;
    j["freshness"] = json::array();
    for (const auto& f : r.freshness) {
        j["freshness"].push_back({{"table", f.table},
                                  {"producer", f.producer},
                                  {"latest_game_date", f.latestGameDate ? json(*f.latestGameDate) : json(nullptr)},
                                  {"last_write_at", f.lastWriteAt ? json(*f.lastWriteAt) : json(nullptr)},
                                  {"state", f.state},
                                  {"lag_days", f.lagDays}});
    }
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
    j["next_steps"] = r.nextSteps;
    return j;
}

namespace {

const char* colourOf(State s)
{
    switch (s) {
    case State::Healthy: return "\033[32m";
    case State::Degraded: return "\033[33m";
    case State::Failed: return "\033[31m";
    case State::NotRun: return "\033[90m";
    }
    return "";
}

std::string shortTime(const std::string& iso)
{
    const auto t = parseIsoUtc(iso);
    return t ? formatEastern(*t) : std::string("-");
}

std::string upper(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

std::string toText(const Report& r, bool colour)
{
    std::ostringstream o;
    const auto paint = [&](State s, const std::string& text) {
        return colour ? std::string(colourOf(s)) + text + "\033[0m" : text;
    };
    char line[512];
    const std::string modeText = r.mode == Mode::Phase && !r.phases.empty() ? "phase " + std::to_string(r.phases.front().phase)
                                                                              : std::string(toString(r.mode));
    o << "nbaops morning check for " << r.date << " (" << modeText << ", "
      << r.windowDays << (r.windowDays == 1 ? " day" : " days") << ")   overall: "
      << paint(r.overall, upper(toString(r.overall))) << "\n";
    o << "database: " << r.database << "\n\n";
    if (!r.phases.empty()) {
        std::snprintf(line, sizeof line, "%-22s %-9s %-20s %5s %5s %6s %5s  %s\n", "PHASE", "STATE",
                      "LAST SUCCESS", "RUNS", "OK", "NODATA", "FAIL", "SLA met/missed/pending");
        o << line;
        for (const auto& p : r.phases) {
            const auto cat = [&](const char* k) {
                const auto it = p.byCategory.find(k);
                return it == p.byCategory.end() ? 0 : it->second;
            };
            const int fails = p.runs - cat("success") - cat("no_data_available");
            const std::string name = std::to_string(p.phase) + " " + p.name;
            std::snprintf(line, sizeof line, "%-22s ", name.c_str());
            o << line;
            char state[16];
            std::snprintf(state, sizeof state, "%-9s", std::string(toString(p.state)).c_str());
            o << paint(p.state, state);
            if (!p.scheduled) {
                o << " " << p.reason << "\n";
                continue;
            }
            std::snprintf(line, sizeof line, " %-20s %5d %5d %6d %5d  %d/%d/%d  %s\n",
                          p.lastSuccess ? shortTime(*p.lastSuccess).c_str() : "never", p.runs,
                          cat("success"), cat("no_data_available"), fails, p.slaMet,
                          p.slaMissed, p.slaPending, p.reason.c_str());
            o << line;
            for (const auto& s : p.processors) {
                if (!s.implemented)
                    continue;
                std::snprintf(line, sizeof line, "    %-28s %-18s %6lld rec %7lld ms  SLA %-7s %s\n",
                              s.name.c_str(), s.category.empty() ? s.status.c_str() : s.category.c_str(),
                              static_cast<long long>(s.recordsOut), static_cast<long long>(s.durationMs),
                              s.sla.c_str(), s.slaDeadline.c_str());
                o << line;
            }
        }
        o << "\n";
    }
    int unresolved = 0, roots = 0;
    for (const auto& f : r.failures) {
        unresolved += f.resolved ? 0 : 1;
        roots += f.rootCause ? 1 : 0;
    }
    o << "Real failures: " << unresolved << " unresolved, " << (r.failures.size() - size_t(unresolved))
      << " resolved by a later run; " << roots << " root cause(s) shown, the runs they blocked counted\n";
    size_t shown = 0;
    for (const auto& f : r.failures) {
        if (!f.rootCause)
            continue;
        if (++shown > 20) {
            o << "  ... more (use --json for all)\n";
            break;
        }
        o << "  " << (f.resolved ? "[resolved] " : "") << f.gameDate << "  " << f.processor << " ("
          << f.criticality << ")  " << f.category;
        if (f.blocked > 0) {
            o << "  blocked " << f.blocked << " downstream run(s)";
            for (size_t i = 0; i < f.jointWith.size(); ++i)
                o << (i ? ", " : " together with ") << f.jointWith[i];
        }
        o << "\n      " << f.error << "\n";
    }
    o << "Expected no-data runs (no games scheduled): " << r.expectedNoData << " (collapsed)\n\n";
    if (!r.freshness.empty()) {
        o << "Data freshness\n";
        for (const auto& f : r.freshness) {
            std::snprintf(line, sizeof line, "  %-28s %-6s latest game date %-10s  written %s\n",
                          f.table.c_str(), f.state.c_str(),
                          f.latestGameDate ? f.latestGameDate->c_str() : "-",
                          f.lastWriteAt ? shortTime(*f.lastWriteAt).c_str() : "-");
            o << line;
        }
        o << "\n";
    }
    if (!r.recentDays.empty()) {
        o << "Recent days (phases 1-6)\n";
        for (const auto& d : r.recentDays) {
            o << "  " << d.date << "  " << paint(d.overall, upper(toString(d.overall))) << "  ";
            for (State s : d.phases)
                o << paint(s, std::string(toString(s)).substr(0, 4)) << " ";
            o << "\n";
        }
        o << "\n";
    }
    if (!r.checks.empty()) {
        o << "Checks\n";
        for (const auto& c : r.checks) {
            const State st = c.state == "ok" ? State::Healthy : c.state == "failed" ? State::Failed
                           : c.state == "warning" ? State::Degraded : State::NotRun;
            std::snprintf(line, sizeof line, "  %-17s ", c.name.c_str());
            o << line << paint(st, c.state) << std::string(c.state.size() < 8 ? 8 - c.state.size() : 0, ' ') << " "
              << c.summary << "\n";
            for (size_t i = 0; i < c.items.size() && i < 5; ++i)
                o << "      " << c.items[i] << "\n";
            if (c.items.size() > 5)
                o << "      ... and " << c.items.size() - 5 << " more\n";
        }
        o << "\n";
    }
    if (!r.gaps.empty()) {
        o << "Gaps (dates with final games a processor has not served, and what they leave stale)\n";
        for (const auto& g : r.gaps) {
            o << "  " << g.date << "  " << g.processor << " (phase " << g.phase << ", " << g.status << ")";
            if (g.stale.empty())
                o << ": nothing downstream is blocked (a fallback serves)\n";
            else
                o << " -> stale: " << g.stale.front() << (g.stale.size() > 1 ? " and " + std::to_string(g.stale.size() - 1) + " more" : "")
                  << "\n";
        }
        o << "\n";
    }
    if (r.mode == Mode::Workflows) {
        o << "Workflows (orchestrator runs touching the window, newest first)\n";
        if (r.workflows.empty())
            o << "  none\n";
        for (const auto& w : r.workflows) {
            std::snprintf(line, sizeof line, "  %-28s %s .. %s  dates %s..%s  %4d runs %3d failed %2d processors\n",
                          w.runId.c_str(), shortTime(w.startedAt).c_str(), shortTime(w.finishedAt).c_str(),
                          w.firstDate.c_str(), w.lastDate.c_str(), w.runs, w.failures, w.processors);
            o << line;
        }
        o << "\n";
    }
    for (const auto& s : r.nextSteps)
        o << "Next: " << s << "\n";
    return o.str();
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

// What to do next, in order of urgency.
std::vector<std::string> nextSteps(const Report& rep)
{
    std::vector<std::string> out;
    int unresolved = 0;
    for (const auto& f : rep.failures)
        unresolved += f.resolved ? 0 : 1;
    if (rep.empty)
        out.push_back("The run history is empty: run 'nbaops run --date YYYY-MM-DD' or "
                      "build the demo with 'nbaops demo'.");
    if (unresolved > 0)
        out.push_back("Fix the first unresolved failure above, then rerun its date: "
                      "'nbaops run --date " + rep.failures.front().gameDate + "'.");
    if (rep.openEarlier > 0)
        out.push_back(std::to_string(rep.openEarlier) + " earlier processor-date(s) of the last "
                      "seven days are still failed: 'nbaops status --mode errors' lists them.");
    for (const auto& c : rep.checks) {
        if (c.state == "failed")
            out.push_back("Check " + c.name + " failed: " + c.summary +
                          (c.items.empty() ? "." : " (first: " + c.items.front() + ")."));
    }
    if (!rep.gaps.empty()) {
        const auto& g = rep.gaps.front();
        out.push_back(std::to_string(rep.gaps.size()) + " gap(s): " + g.processor + " has no successful run for " +
                      g.date + " (" + g.status + ")" +
                      (g.stale.empty() ? "" : ", leaving " + std::to_string(g.stale.size()) + " table(s) stale") +
                      "; 'nbaops run --date " + g.date + "' fills it.");
    }
    for (const auto& p : rep.phases) {
        if (p.scheduled && p.slaMissed > 0) {
            out.push_back("Phase " + std::to_string(p.phase) + " missed " + std::to_string(p.slaMissed) +
                          " SLA(s): check when the nightly run started.");
            break;
        }
    }
    return out;
}


} // namespace nbaops::health
