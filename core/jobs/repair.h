#pragma once

#include "health/retries.h"
#include "job.h"
#include "pipeline/orphans.h"
#include "pipeline/runner.h"

#include <vector>

namespace nbaops::pipeline {
class Session;
}

namespace nbaops::jobs {

struct RepairOptions
{
    bool retries = true; // run the due retries (false: only close orphans and report)
};

struct RetryRun
{
    health::RetryState before;                      // why it was due
    std::vector<pipeline::ProcessorResult> results; // the retry, then what it reran downstream
    bool recovered() const;
    std::string heldBy;                             // "backfill 4": not retried, a backfill holds the date
};

struct RepairResult
{
    pipeline::OrphanReport orphans;
    std::vector<RetryRun> retried;           // due now: run (or held)
    std::vector<health::RetryState> waiting; // failed, retry not due yet
    std::vector<health::RetryState> exhausted;
    bool cancelled = false;
};

// What the scheduler runs every 5 minutes (`nbaops repair`): closes the runs and backfills a
// killed process left open, then retries each failed processor whose retry is due (see
// health::retryStates) and, when it recovers, reruns what depends on it for that date
// (processors whose inputs did not change are skipped). A date held by an active backfill is
// left to it. Time is the session's clock, so tests drive the schedule.
RepairResult repair(pipeline::Session& session, const RepairOptions& options, const TextControl& control);

} // namespace nbaops::jobs
