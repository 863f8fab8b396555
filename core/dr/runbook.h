#pragma once

#include <string>
#include <string_view>
#include <vector>

// The DR runbooks (resources/runbooks/*.md): markdown a person reads without nbaops, with a
// structure the drills walk. A runbook is
//   # Title
//   | Field | Value |          Scenario, Severity, RTO target, RPO target, The drill injects
//   ## Steps
//   ### 1. Step title
//   - **Action:** what to do          - **Command:** `nbaops ...` that does it
//   - **Expect:** the expected result - **Check:** `nbaops ...` whose exit 0 proves it
//   - **Confirms damage:** `nbaops ...` a check that must fail while the damage is there
// Commands name `<date>`, `<backup>` and `<backups>`; a drill fills them in and adds --db.
namespace nbaops::dr {

struct RunbookStep
{
    std::string id; // "1", "2", ...
    std::string title;
    std::string action;
    std::string command;
    std::string expect;
    std::string check;
    bool checkFails = false; // "Confirms damage": the check must fail
    bool manual() const { return command.empty() && check.empty(); }
};

struct Runbook
{
    std::string name; // the file's name: the scenario
    std::string title;
    std::string scenario;
    std::string severity;
    double rtoSeconds = 0;
    double rpoSeconds = 0;
    std::string rtoText, rpoText;
    std::string injects;
    std::vector<RunbookStep> steps;
    std::string markdown;
};

// Throws OpsError naming the line that is wrong.
Runbook parseRunbook(std::string_view name, std::string_view markdown);
// The runbooks of this build, parsed once (the quick reference included, without steps).
const std::vector<Runbook>& builtinRunbooks();
// The five scenarios a drill runs, in the runbooks' order.
std::vector<std::string> drillScenarios();
// The runbook of a scenario (or the quick reference). Throws UsageError listing the names.
const Runbook& runbook(std::string_view name);
// "15 min", "24 h", "90 s" in seconds; throws OpsError.
double parseTarget(std::string_view text);

} // namespace nbaops::dr
