#pragma once

#include "util/date.h"

#include <chrono>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::pipeline {

// The runner's heartbeat: a running row is rewritten this often.
inline constexpr std::chrono::seconds kHeartbeatInterval{15};

inline constexpr const char* kOrphanError = "the process ended without finishing (killed or crashed)";

struct ClosedRun
{
    int64_t id = 0;
    std::string processor;
    std::string gameDate;
    std::string runId;
};

struct OrphanReport
{
    std::vector<ClosedRun> runs;           // closed as `error`
    std::vector<int64_t> backfills;        // paused: their executor is gone
};

// Closes what a killed or crashed process left open, so alerts and checks see the truth:
// - a `running` processor run whose process is gone (same host: its pid is free or reused),
//   or, when that cannot be checked (another host, a row from before process ids were kept),
//   whose heartbeat is older than twice the heartbeat interval, is closed as `error` with
//   kOrphanError; its date is left for repair (a backfill or a rerun);
// - a `running` backfill whose executor is gone is paused, holding its dates until it is
//   resumed or cancelled.
// Called by every command that opens the database for writing; cheap (a partial index).
OrphanReport closeOrphans(store::Database& db, TimePoint now,
                          std::chrono::seconds heartbeat = kHeartbeatInterval);

} // namespace nbaops::pipeline
