#pragma once

#include <string>

namespace nbaops::store {

class Database;

// Who runs this process, for the audit log: $USER, else $LOGNAME, else the account, else "operator".
std::string currentActor();

// One audit_log row: who, when (now, UTC), what. Operator actions that change data (a backfill,
// a restore, a drill, a model promotion) write one; part of the caller's transaction if any.
void writeAudit(Database& db, const std::string& actor, const std::string& action, const std::string& detail);

} // namespace nbaops::store
