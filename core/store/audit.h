#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace nbaops::store {

class Database;

// Who runs this process, for the audit log: $USER, else $LOGNAME, else the account, else
// "operator".
std::string currentActor();

// One audit_log row: who, when (now, UTC), what. Operator actions that change data (a backfill,
// a restore, a drill, a model promotion) write one; part of the caller's transaction if any.
void writeAudit(Database& db, const std::string& actor, const std::string& action,
                const std::string& detail);

// The full row: with the arguments the operator gave and how it ended ("ok", "failed: why").
// An action that takes long writes its row first with result "started" and sets the result at
// the end (setAuditResult), so a process killed midway still leaves its trace.
struct AuditEntry
{
    std::string actor; // "" = currentActor()
    std::string action;
    std::string detail;
    std::string args;
    std::string result;
};
int64_t writeAudit(Database& db, const AuditEntry& entry);
void setAuditResult(Database& db, int64_t id, const std::string& result);
// Writes `entry` into the database at `path` when there is one (an action that does not need
// a database, as setting a secret, is still audited where the operator works). "" when written
// or when there is no database; else why it could not be, for a warning.
std::string auditIfPresent(const std::filesystem::path& path, const AuditEntry& entry);

} // namespace nbaops::store
