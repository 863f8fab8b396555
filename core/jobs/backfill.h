#pragma once

#include "backfillplan.h"
#include "job.h"
#include "pipeline/runner.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::pipeline {
class Session;
}
namespace nbaops::store {
class Database;
}

// A backfill is rows in SQLite: the backfill (what was asked, by whom, its state and the process
// executing it), its dates in work order with the checks before and after each, and a
// checkpoint per (date, processor). Any process may read them, ask the executor to pause or
// cancel (it obeys at its next poll), or reorder the dates; after a crash `resume` finishes the
// rest without redoing a finished pair.
namespace nbaops::jobs {

struct BackfillSettings
{
    int errorWindow = 20;        // the last N processor runs of the backfill ...
    double errorThreshold = 0.3; // ... of which more than this share failed for real: pause by itself
};

struct PhaseProgress
{
    int done = 0;  // ended: done, failed or skipped
    int total = 0;
};

struct BackfillInfo
{
    int64_t id = 0;
    std::string createdAt, createdBy, source, firstDate, lastDate, state, request, reason, startedAt, finishedAt;
    int dates = 0, items = 0, workers = 1;
    bool force = false;
    int errorWindow = 20;
    double errorThreshold = 0.3;
    double estimateS = 0, estimateLowS = 0, estimateHighS = 0, runSeconds = 0;
    int done = 0, failed = 0, skipped = 0, pending = 0;
    int datesDone = 0, datesFailed = 0;
    std::array<PhaseProgress, 6> phases{};
    double errorRate = 0;          // of the last errorWindow runs
    std::optional<double> etaS;    // from the pace so far (else the estimate)
    std::string executor;          // "pid 123 on host" while running
    bool active() const { return state == "running" || state == "paused"; }
    nlohmann::json toJson() const;
    std::string text() const;
};

struct BackfillDateRow
{
    std::string date, state, preCheck, postCheck;
    int position = 0, done = 0, failed = 0, total = 0;
};

// A run that counts as failed in the error rate: a real failure (not success, not "no data"),
// except a run the operator cancelled or a killed process left open (those are redone).
bool countsAsFailure(const std::string& category, const std::string& error);

// Records the plan as a new backfill, paused until an executor claims it. Refuses (UsageError)
// a plan with nothing to do or whose dates an active backfill holds, naming the holder. Audited.
int64_t createBackfill(store::Database& db, const BackfillPlan& plan, const BackfillSettings& settings,
                       const std::string& actor);

std::optional<BackfillInfo> backfillInfo(store::Database& db, int64_t id);
std::vector<BackfillInfo> listBackfills(store::Database& db, int limit = 50);
std::vector<BackfillDateRow> backfillDates(store::Database& db, int64_t id);
// The running one, else the newest paused one.
std::optional<int64_t> activeBackfill(store::Database& db);

// Each returns what happened in a sentence; UsageError when the state does not allow it.
// A running backfill is asked (its executor pauses or cancels at its next poll); a paused one
// (or one whose executor is gone) changes at once. Audited.
std::string pauseBackfill(store::Database& db, int64_t id, const std::string& actor);
std::string cancelBackfill(store::Database& db, int64_t id, const std::string& actor);
// Moves the dates to the front of the work order (a running executor picks the order up).
std::string reorderBackfill(store::Database& db, int64_t id, const std::vector<Date>& toFront,
                            const std::string& actor);

// What an executing backfill tells, on the job's thread.
struct BackfillEvent
{
    enum class Kind { Started, ItemStarted, ItemFinished, DateChecked, Waiting, Stopped } kind = Kind::Started;
    Date date;
    std::string processor;
    const pipeline::ProcessorResult* result = nullptr; // ItemFinished
    std::string text;                                  // a sentence for a person
    int done = 0, total = 0;                           // items ended / planned
};

struct RunBackfillOptions
{
    int64_t id = 0;
    std::chrono::milliseconds poll{200}; // how often requests, the nightly run and the order are read
    std::string actor;                   // who resumed it (audit); default: the current user
};

struct BackfillResult
{
    int64_t id = 0;
    std::string state;  // done | paused | cancelled
    std::string reason;
    int done = 0, failed = 0, skipped = 0, total = 0;
    int ranNow = 0;     // runs made by this execution
    double seconds = 0;
    double estimateS = 0;
};

// Where a backfill's runs execute: the session's workers on the local database, or the cloud's
// services with the backfill's rows kept in the project's cache (Backend::runBackfill).
class BackfillWorkers
{
public:
    virtual ~BackfillWorkers() = default;
    // The database holding the backfill's rows and the run history its checks read.
    virtual std::filesystem::path database() const = 0;
    virtual size_t count() const = 0;
    // One run on worker `worker` (its own thread; one run per worker at a time).
    virtual pipeline::ProcessorResult run(const std::string& processor, Date date, size_t worker) = 0;
    // Stops the runs in flight (a cancel); false lets runs start again.
    virtual void interrupt(bool on) = 0;
    // Around the execution of backfill `id` (0 at the end).
    virtual void attach(int64_t id) = 0;
    // Whether the phase tables are in database(): the check after each date reads their keys.
    virtual bool tablesHere() const = 0;
    // Whether runs outside the backfill may be in progress in database() (the backfill waits
    // for them): not so in a cache, whose running rows are the cloud's.
    virtual bool waitsForOtherRuns() const = 0;
};

// Executes (or resumes) backfill `id` on the workers until it is done, paused (by a request,
// Ctrl-C through control.cancel, or by itself when the error rate passes its threshold) or
// cancelled. Throws UsageError when another live process executes it.
BackfillResult runBackfill(BackfillWorkers& workers, const RunBackfillOptions& options,
                           const Control<BackfillEvent>& control);
// The same on the session's workers.
BackfillResult runBackfill(pipeline::Session& session, const RunBackfillOptions& options,
                           const Control<BackfillEvent>& control);

} // namespace nbaops::jobs
