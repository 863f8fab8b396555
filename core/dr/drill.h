#pragma once

#include "runbook.h"
#include "util/control.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

// DR drills: a scenario injected for real, its runbook walked step by step (each command and
// check run as the runbook writes it, through the nbaops program), every step timed, RTO and
// RPO measured against the runbook's targets. In a sandbox copy by default (the live state is
// proven untouched by checksums), live only when asked. Each drill is a row of `drills` and a
// folder <data>/drills/<id>-<scenario>/ with state.json (to resume it) and report.md.
namespace nbaops::dr {

struct DrillStep
{
    std::string id;
    std::string title;
    std::string state = "pending"; // pending | running | done | failed | deviation | skipped
    std::string startedAt;
    double seconds = 0;
    std::string command;   // as run (<date>, <backup>, <backups> filled in; --db added)
    std::string output;    // its last lines
    std::string checkText; // the check as run and what it said
    std::string note;      // a deviation's note, the operator's remark
};

// What the operator says about a step a person does (no command, no check).
struct StepOutcome
{
    bool deviation = false;
    std::string note;
    bool stop = false; // end the drill here (it can be resumed)
};

struct DrillOptions
{
    std::filesystem::path database; // the live database
    std::filesystem::path backups;  // the live backups; empty: defaultBackupDir(database)
    std::string scenario;
    bool live = false;            // inject into the live state (asked for explicitly)
    std::filesystem::path nbaops; // the program the runbook's commands run (absolute)
    std::string actor;            // "" = the OS user
    int64_t resume = 0;           // continue this drill from its first unfinished step
    // A step a person does. Empty: acknowledged by the automated drill (noted as such).
    std::function<StepOutcome(const RunbookStep&, size_t index)> manualStep;
    int commandTimeoutSeconds = 600;
};

struct DrillEvent
{
    enum class Kind {
        Prepared,
        Injected,
        StepStarted,
        StepFinished,
        Verified,
        Finished
    } kind = Kind::Prepared;
    size_t step = 0;
    std::string text;
    DrillStep state; // StepStarted, StepFinished
};

struct DrillResult
{
    int64_t id = 0;
    std::string scenario;
    std::string mode;  // sandbox | live
    std::string state; // passed | failed | interrupted | ended
    std::filesystem::path folder;
    std::filesystem::path report;
    std::string backupId;
    std::string testDate;
    std::string startedAt, injectedAt, recoveredAt;
    std::string injection; // what was broken
    double rtoSeconds = -1, rtoTarget = 0;
    int64_t rpoRows = -1;
    double rpoSeconds = -1, rpoTarget = 0;
    bool rtoMet = false, rpoMet = false;
    int deviations = 0;
    std::vector<DrillStep> steps;
    std::vector<std::string> lostRows;     // "table: N rows" the recovery did not bring back
    std::vector<std::string> verification; // the final check's problems (empty: recovered)
    std::string liveProof;                 // sandbox: the live state's checksums before and after
    std::vector<std::string> notes;        // what the drill itself noted (deviations from the plan)
};

// Runs (or resumes) a drill. Throws UsageError (unknown scenario, live without a backup) or
// OpsError before anything is injected; afterwards every failure is recorded in the result.
DrillResult runDrill(const DrillOptions& options, const Control<DrillEvent>& control);

// Ends an interrupted drill where it stands (state "ended", its sandbox removed).
DrillResult endDrill(const std::filesystem::path& database, int64_t id);

// The drills recorded in the database, newest first.
struct DrillSummary
{
    int64_t id = 0;
    std::string scenario, mode, state, startedAt, folder, summary;
    double rtoSeconds = -1, rtoTarget = 0, rpoSeconds = -1, rpoTarget = 0;
    int64_t rpoRows = -1;
    int deviations = 0;
};
std::vector<DrillSummary> drillHistory(store::Database& db, const std::string& scenario = "");
// One drill's steps, as recorded.
std::vector<DrillStep> drillSteps(store::Database& db, int64_t id);

std::string durationText(double seconds); // "2 min 05 s", "0.8 s"

} // namespace nbaops::dr
