#include "runbook.h"

#include "embedded_resources.h"
#include "util/errors.h"

#include <sstream>

namespace nbaops::dr {

namespace {

std::string trim(std::string_view s)
{
    const auto a = s.find_first_not_of(" \t\r");
    if (a == std::string_view::npos)
        return {};
    const auto b = s.find_last_not_of(" \t\r");
    return std::string(s.substr(a, b - a + 1));
}

// `text` -> text; anything else as it is.
std::string code(std::string_view s)
{
    std::string t = trim(s);
    if (t.size() >= 2 && t.front() == '`' && t.back() == '`')
        return t.substr(1, t.size() - 2);
    return t;
}

} // namespace

double parseTarget(std::string_view text)
{
    std::istringstream in{std::string(text)};
    double v = -1;
    std::string unit;
    in >> v >> unit;
    if (v < 0)
        throw OpsError("'" + std::string(text) + "' is not a duration (15 min, 24 h).");
    if (unit == "s")
        return v;
    if (unit == "min")
        return v * 60;
    if (unit == "h")
        return v * 3600;
    throw OpsError("'" + std::string(text) + "' has an unknown unit: s, min or h.");
}

Runbook parseRunbook(std::string_view name, std::string_view markdown)
{
    Runbook rb;
    rb.name = std::string(name);
    rb.markdown = std::string(markdown);
    std::istringstream in(rb.markdown);
    std::string line;
    int n = 0;
    bool inSteps = false;
    auto fail = [&](const std::string& why) {
        throw OpsError("Runbook " + rb.name + ", line " + std::to_string(n) + ": " + why + ".");
    };
    while (std::getline(in, line)) {
        ++n;
        if (line.starts_with("# ") && rb.title.empty()) {
            rb.title = trim(line.substr(2));
        } else if (line.starts_with("|") && !inSteps) {
            const auto cells = line.substr(1);
            const auto bar = cells.find('|');
            if (bar == std::string::npos)
                continue;
            const std::string key = trim(cells.substr(0, bar));
            const std::string rest = cells.substr(bar + 1);
            const std::string value = trim(rest.substr(0, rest.find('|')));
            if (key == "Scenario")
                rb.scenario = code(value);
            else if (key == "Severity")
                rb.severity = value;
            else if (key == "RTO target")
                rb.rtoText = value, rb.rtoSeconds = parseTarget(value);
            else if (key == "RPO target")
                rb.rpoText = value, rb.rpoSeconds = parseTarget(value);
            else if (key == "The drill injects")
                rb.injects = value;
        } else if (line.starts_with("## ")) {
            inSteps = trim(line.substr(3)) == "Steps";
        } else if (inSteps && line.starts_with("### ")) {
            const std::string head = trim(line.substr(4));
            const auto dot = head.find(". ");
            if (dot == std::string::npos || head.find_first_not_of("0123456789") != dot)
                fail("a step's heading is '### N. Title'");
            RunbookStep s;
            s.id = head.substr(0, dot);
            s.title = trim(head.substr(dot + 2));
            if (s.id != std::to_string(rb.steps.size() + 1))
                fail("steps are numbered 1, 2, 3... (found " + s.id + ")");
            rb.steps.push_back(std::move(s));
        } else if (inSteps && line.starts_with("- **")) {
            if (rb.steps.empty())
                fail("a field before the first step");
            const auto end = line.find(":**");
            if (end == std::string::npos)
                fail("a field is '- **Name:** value'");
            const std::string key = line.substr(4, end - 4);
            const std::string value = trim(line.substr(end + 3));
            auto& s = rb.steps.back();
            if (key == "Action")
                s.action = value;
            else if (key == "Command")
                s.command = code(value);
            else if (key == "Expect")
                s.expect = value;
            else if (key == "Check")
                s.check = code(value);
            else if (key == "Confirms damage")
                s.check = code(value), s.checkFails = true;
            else
                fail("unknown field '" + key +
                     "' (Action, Command, Expect, Check, Confirms damage)");
            if ((key == "Command" || key == "Check" || key == "Confirms damage") &&
                !code(value).starts_with("nbaops "))
                fail("a " + key + " is an nbaops command in backquotes");
        }
    }
    if (rb.title.empty())
        fail("no '# Title'");
    if (rb.scenario.empty())
        fail("no Scenario in the table");
    return rb;
}

const std::vector<Runbook>& builtinRunbooks()
{
    static const std::vector<Runbook> all = [] {
        std::vector<Runbook> out;
        for (const auto& r : resources::runbooks())
            out.push_back(parseRunbook(r.name, r.markdown));
        return out;
    }();
    return all;
}

std::vector<std::string> drillScenarios()
{
    return {"database_loss", "object_store_corruption", "run_state_loss", "complete_outage",
            "processor_failure"};
}

const Runbook& runbook(std::string_view name)
{
    for (const auto& r : builtinRunbooks()) {
        if (r.name == name)
            return r;
    }
    std::string names;
    for (const auto& r : builtinRunbooks())
        names += (names.empty() ? "" : ", ") + r.name;
    throw UsageError("There is no runbook '" + std::string(name) + "': " + names + ".");
}

} // namespace nbaops::dr
