#pragma once

#include "backup.h"

#include <chrono>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::dr {

// How many backups to keep: the newest of each of the last `daily` days that have one, the
// newest of each of the last `weekly` ISO weeks, pre-restore backups for `safetyDays` days.
// The newest good backup (verified or proven, else the newest complete one) is never deleted.
struct RetentionPolicy
{
    int daily = 7;
    int weekly = 4;
    int safetyDays = 7;
};

struct PruneDecision
{
    std::string id;
    std::filesystem::path folder;
    bool keep = true;
    std::string reason;
};

// Pure: what the policy keeps and deletes among `entries` at `now`.
std::vector<PruneDecision> planRetention(const std::vector<BackupEntry>& entries,
                                         const RetentionPolicy& policy,
                                         std::chrono::system_clock::time_point now);

// Applies the plan to the folder (dry run: only says). Interrupted backups older than an hour
// go too. Marks the rows in `db` when given; audits each deletion.
std::vector<PruneDecision> prune(const std::filesystem::path& dir, const RetentionPolicy& policy,
                                 bool dryRun, store::Database* db);

} // namespace nbaops::dr
