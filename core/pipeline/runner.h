#pragma once

#include "context.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::pipeline {

struct ProcessorResult
{
    std::string processor;
    int phase = 0;
    Date date;
    Outcome outcome;
    int64_t durationMs = 0;
    int attempt = 1;
    bool skipped = false;        // inputs unchanged since the last success: not run again
    std::string triggeredBy;     // set when run first because a downstream processor needed it
    std::string startedAt;
    std::string finishedAt;
    int64_t runPk = 0;           // its processor_runs row
};

struct DateResult
{
    Date date;
    std::vector<ProcessorResult> results;
    bool cancelled = false;
    int realFailures() const;
};

struct RunnerOptions
{
    const std::atomic<bool>* cancel = nullptr;     // the operator's Ctrl-C / Cancel
    // Per-processor timeout; default: the registry's timeout_s.
    std::optional<std::chrono::milliseconds> timeoutOverride;
    std::chrono::milliseconds heartbeat{15000};
    bool force = false;                            // run even when the inputs did not change
};

// One worker: its own database connection and HTTP client (neither is shared between
// threads) and the flag that stops its current processor.
struct Worker
{
    Context* ctx = nullptr;
    std::atomic<bool>* stop = nullptr;
};

// Runs the processors this build implements through the registry's graph. For a date, the
// processors whose dependencies are done run concurrently on the workers. Each run writes one
// processor_runs row: 'running' (with a heartbeat) while it works, its outcome when it ends,
// in the same transaction as its data. A processor past its timeout is stopped cooperatively
// and recorded as `timeout`, with nothing written.
class Runner
{
public:
    Runner(std::vector<Worker> workers, RunnerOptions options);
    ~Runner();

    static std::vector<std::string> implementedProcessors();
    static std::string newRunId(const Clock& clock);

    // Runs the date through the graph; `phases` limits it (e.g. {2,3,4,5,6} from stored payloads).
    DateResult runDate(Date date, const std::set<int>& phases = {});
    // Runs one processor for one date; upstream processors that never ran for the date are
    // run first (once each), so `--only ml_feature_store` on a fresh date works.
    std::vector<ProcessorResult> runWithUpstream(const std::string& processor, Date date);
    // Runs one processor for one date on the first worker, as it stands.
    ProcessorResult runOne(const std::string& processor, Date date);
    // Runs one processor for one date on the given worker (each worker used by one thread at
    // a time): for a job that schedules (date, processor) pairs itself, as a backfill does.
    ProcessorResult runOn(const std::string& processor, Date date, size_t worker);

    // Stops the processors running now at their next checkpoint, as the cancel flag does
    // (they record "cancelled by the operator" and write nothing), until cleared.
    void interrupt(bool on);
    bool interrupted() const;
    // The backfill the runs belong to (0: none); recorded on each run row.
    void setBackfill(int64_t backfillId);

    void setRunId(const std::string& runId);
    const std::string& runId() const;
    size_t workerCount() const { return m_workers.size(); }

    // Called from worker threads, one call at a time.
    std::function<void(const ProcessorResult&)> onResult;
    std::function<void(const std::string& processor, Date)> onStart;

private:
    struct Active
    {
        size_t worker;
        int64_t runPk;
        std::chrono::steady_clock::time_point deadline;
        bool timedOut = false;
    };

    std::vector<Worker> m_workers;
    RunnerOptions m_options;
    std::vector<std::pair<std::string, std::unique_ptr<Processor>>> m_processors;
    std::unique_ptr<store::Database> m_watchDb;
    std::map<std::string, int> m_timeouts; // applied per-processor timeouts (processor_timeouts)
    int timeoutSecondsOf(const std::string& processor) const;
    std::mutex m_mutex;                 // guards m_active and the callbacks
    std::condition_variable m_wake;
    std::map<size_t, Active> m_active;  // by worker
    bool m_stopping = false;
    std::atomic<bool> m_interrupted{false};
    std::atomic<int64_t> m_backfill{0};
    std::thread m_watchdog;
    bool stopRequested() const;

    Processor* find(const std::string& name) const;
    std::optional<Outcome> checkDependencies(Context& ctx, const std::string& processor, Date date);
    std::string inputFingerprint(Context& ctx, const std::string& processor, Date date);
    DateResult runSerially(const std::vector<std::string>& order, Date date);
    DateResult runConcurrently(const std::vector<std::string>& order, Date date);
    ProcessorResult runOnWorker(const std::string& processor, Date date, size_t worker);
    std::optional<std::pair<int64_t, int64_t>> priorRuns(Context& ctx, const std::string& processor, int phase,
                                                         Date date, const std::string& fingerprint, int& attempt);
    Work execute(Context& ctx, Processor& impl, const std::string& processor, Date date,
                 const std::optional<std::pair<int64_t, int64_t>>& unchanged);
    void settle(Work& work, size_t worker, const std::string& processor, bool skipped);
    void record(Context& ctx, ProcessorResult& res, const Work& work, int64_t pk, TimePoint startedWall,
                std::chrono::steady_clock::time_point started);
    void watch();
};

} // namespace nbaops::pipeline
