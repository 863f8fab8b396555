#pragma once

#include <cstdint>
#include <string>

namespace nbaops::store {
class Database;
}

namespace nbaops::jobs {

// Takes backfill `id` for this process: it must be paused (a crashed executor's one is paused by
// closeOrphans first). Throws UsageError when another live process executes it or it ended.
// Returns whether it had started before. Audited.
bool claim(store::Database& db, int64_t id, const std::string& actor);

// After a crash: a run that committed before its checkpoint was written is the checkpoint; then
// what failed or was skipped is tried again (a resume comes after the cause was fixed).
void reconcile(store::Database& db, int64_t id);

} // namespace nbaops::jobs
