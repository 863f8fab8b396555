#pragma once

#include "drill.h"

#include <map>

// The parts of a drill (drill.cpp walks them): its durable state, the sandbox, the injections,
// the measurements, the report. Internal to dr.
namespace nbaops::dr::detail {

// Everything a drill must remember to be resumed (state.json) and reported.
struct DrillState
{
    DrillResult result;
    std::filesystem::path liveDb;
    std::filesystem::path targetDb;   // the sandbox's database, or the live one
    std::filesystem::path backupsDir; // where the runbook's <backups> points
    std::string backupCreatedAt;
    std::map<std::string, int64_t> rowsBefore; // per table, just before the injection
    std::vector<std::string> problemsBefore;   // what the final verification found before it
    std::string liveSums;                      // sandbox: the live state's checksum before
    size_t nextStep = 0;
};

std::filesystem::path drillFolder(const std::filesystem::path& liveDb, int64_t id,
                                  const std::string& scenario);
void saveState(const DrillState& s);
DrillState loadState(const std::filesystem::path& folder); // throws OpsError
// The drill's row and steps in the live database (when it is there).
void recordDrill(const std::filesystem::path& liveDb, const DrillState& s);
int64_t newDrillRow(store::Database& db, const DrillOptions& o, const Runbook& rb,
                    const std::filesystem::path& folder);
std::filesystem::path writeReport(const DrillState& s, const Runbook& rb);

// The sandbox: a copy of the live database (online backup API) and files, and the newest
// backup linked in. Returns notes (a backup had to be made).
std::vector<std::string> makeSandbox(DrillState& s, const std::filesystem::path& liveBackups);
// A checksum of the live state the sandbox must not change (tables but the drill's own
// bookkeeping, and every data file).
std::string liveChecksum(const std::filesystem::path& liveDb);

// The newest date whose phase 3 ran and which checks clean; throws OpsError when none.
std::string pickTestDate(const std::filesystem::path& db);
std::map<std::string, int64_t> rowCounts(const std::filesystem::path& db);
// What the recovery must clear: integrity, every payload, the test date.
std::vector<std::string> verifyTarget(const std::filesystem::path& db, const std::string& testDate);

// Breaks the target for real. Returns a sentence of what it did.
std::string inject(DrillState& s, const DrillOptions& o);

} // namespace nbaops::dr::detail
