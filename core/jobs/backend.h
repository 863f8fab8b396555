#pragma once

#include "backfill.h"
#include "cloudsync.h"
#include "health/health.h"
#include "runrange.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

namespace nbaops::cloud {
struct CloudSettings;
}

namespace nbaops::jobs {

enum class BackendKind { Local, Cloud };

// Where the pipeline runs, behind what the pages and the CLI need from it. The pages read
// `database()` (the embedded SQLite file, or the cloud project's cache synced from BigQuery) and
// act through `runDates`; they do not know which backend it is. The status bar shows `label()`
// and `freshness()`.
class Backend
{
public:
    virtual ~Backend() = default;
    virtual BackendKind kind() const = 0;
    virtual const std::filesystem::path& database() const = 0;
    // "local (embedded SQLite)" or "cloud · PROJECT".
    virtual std::string label() const = 0;
    // How old what the pages show is: "" for the local database (it is the truth), else
    // "synced 4 min ago (5600 runs)", "never synced", plus the last sync's failure.
    virtual std::string freshness() const = 0;
    // Whether changes to `database()` itself (the timeouts table) are the pipeline's: false for
    // a cache, which the next sync overwrites. `whyReadOnly()` says so. (A backfill's rows are
    // this console's plan and progress, which a sync leaves alone: a backfill runs on both.)
    virtual bool ownsDatabase() const = 0;
    virtual std::string whyReadOnly() const = 0;
    // The commands the health check's "Next:" lines name.
    virtual health::Commands commands() const = 0;
    // The health check's query for this backend: its commands, and for a cache, the checks
    // of what it does not hold marked as such.
    health::Query healthQuery() const
    {
        health::Query q;
        q.commands = commands();
        q.runHistoryOnly = !ownsDatabase();
        return q;
    }
    // Runs the dates where the pipeline runs: in this process on the local database, or on the
    // Cloud Run services (each processor of phases 2-4 on its service's /process-date, phase 5
    // through the coordinator's /start; phases 1 and 6 run on Cloud Scheduler's timetable only).
    // The same events either way; audited. `workers` applies to the local run.
    virtual RunRangeResult runDates(const RunRangeOptions& options, int workers,
                                    const Control<RunRangeEvent>& control) = 0;
    // Brings `database()` up to where the pipeline runs: a cloud cache syncs from BigQuery (by
    // its high-water mark, page by page, the dry run and cap first); the local database already
    // is ("" then). A line for the operator; throws what the sync throws, the cache staying as
    // it was and the failure recorded for freshness().
    virtual std::string catchUp(const Control<CloudSyncEvent>& control) = 0;
    // The phases runDates and a backfill run on request: 1 to 6 here; 2 to 5 on the cloud's
    // services (phases 1 and 6 run on Cloud Scheduler's timetable). A backfill's plan keeps to
    // them (PlanRequest::firstPhase, lastPhase).
    virtual std::pair<int, int> phasesOnRequest() const = 0;
    // Shares one of this console's changes (an acknowledgement, a silence) with the pipeline's
    // other operators, after it was made in database(): the local database's audit log already
    // is that place; on the cloud, a row of the audit table (tabledata.insertAll with an
    // insertId, so a retry adds nothing). "" or why it could not (the change stays made).
    virtual std::string share(const std::string& action, const std::string& detail) = 0;
    // Executes (or resumes) backfill `options.id`, recorded in database(), `workers` runs at a
    // time: on this process's workers, or each (date, processor) on its Cloud Run service (phase
    // 5 through one coordinator /start per date), each run audited in the cloud's audit table.
    // The same plan, checkpoints, pause, cancel and events either way; on the cloud the check
    // after a date reads the runs' ends only (the phase tables are in BigQuery).
    virtual BackfillResult runBackfill(const RunBackfillOptions& options, int workers,
                                       const Control<BackfillEvent>& control) = 0;
};

std::unique_ptr<Backend> localBackend(const std::filesystem::path& db);
// The cloud project's backend over its cache (cloudCachePath); credentials from
// cloud::defaultTokenSource when it first needs them.
std::unique_ptr<Backend> cloudBackend(const cloud::CloudSettings& settings,
                                      const std::filesystem::path& cache);

} // namespace nbaops::jobs
