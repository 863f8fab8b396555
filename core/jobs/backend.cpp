#include "backend.h"

#include "cloud/auth.h"
#include "cloud/bigquery.h"
#include "cloud/cloudrun.h"
#include "cloud/settings.h"
#include "cloudsync.h"
#include "pipeline/session.h"
#include "registry/registry.h"
#include "store/audit.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/log.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>

namespace nbaops::jobs {

namespace {

class LocalBackend final : public Backend
{
public:
    explicit LocalBackend(std::filesystem::path db) : m_db(std::move(db)) {}
    BackendKind kind() const override { return BackendKind::Local; }
    const std::filesystem::path& database() const override { return m_db; }
    std::string label() const override { return "local (embedded SQLite)"; }
    std::string freshness() const override { return {}; }
    bool ownsDatabase() const override { return true; }
    std::string whyReadOnly() const override { return {}; }
    health::Commands commands() const override { return {}; }
    std::string catchUp(const Control<CloudSyncEvent>& /*control*/) override { return {}; }
    std::pair<int, int> phasesOnRequest() const override { return {1, 6}; }
    std::string share(const std::string& /*action*/, const std::string& /*detail*/) override { return {}; }

    BackfillResult runBackfill(const RunBackfillOptions& options, int workers,
                               const Control<BackfillEvent>& control) override
    {
        pipeline::SessionOptions so;
        so.dbPath = m_db;
        so.workers = std::max(1, workers);
        pipeline::Session session(so);
        return jobs::runBackfill(session, options, control);
    }

    RunRangeResult runDates(const RunRangeOptions& options, int workers,
                            const Control<RunRangeEvent>& control) override
    {
        pipeline::SessionOptions so;
        so.dbPath = m_db;
        so.workers = workers;
        so.cancel = control.cancel;
        pipeline::Session session(so);
        return runRange(session, options, control);
    }

private:
    std::filesystem::path m_db;
};

// Processors the services run on request, in the graph's order: phases 2-4 one by one, then
// phase 5 through the coordinator (one call for all its processors).
std::vector<const registry::ProcessorSpec*> triggerable(const std::string& only)
{
    std::vector<const registry::ProcessorSpec*> out;
    for (int phase = 2; phase <= 5; ++phase) {
        for (const auto& p : registry::Registry::builtin().processors()) {
            if (p.phase == phase && (only.empty() || p.name == only))
                out.push_back(&p);
        }
    }
    return out;
}

// One processor on its service; a phase-5 processor through the coordinator, whose one /start
// runs them all (`predictions`, when set, is that /start's outcome for the date).
pipeline::ProcessorResult callService(cloud::CloudRun& run, const registry::ProcessorSpec& p,
                                      Date d, std::optional<pipeline::Outcome>& predictions)
{
    pipeline::ProcessorResult r;
    r.processor = p.name;
    r.phase = p.phase;
    r.date = d;
    r.startedAt = toIsoUtc(std::chrono::system_clock::now());
    const auto t = std::chrono::steady_clock::now();
    if (p.phase == 5 && predictions) {
        r.outcome = *predictions;
    } else {
        try {
            if (p.phase == 5) {
                r.outcome.source = cloud::kCoordinator;
                run.startPredictions(d);
            } else {
                r.outcome.source = cloud::CloudRun::serviceForPhase(p.phase);
                const auto pr = run.processDate(r.outcome.source, d, p.name);
                r.outcome.recordsOut = pr.rowsProcessed;
                if (pr.status != "success") {
                    r.outcome.category = pipeline::Category::Error;
                    r.outcome.error = pr.status + ": " + pr.message;
                }
            }
        } catch (const std::exception& e) {
            r.outcome.category = pipeline::Category::Error;
            r.outcome.error = e.what();
        }
        if (p.phase == 5)
            predictions = r.outcome;
    }
    r.durationMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t)
            .count();
    r.finishedAt = toIsoUtc(std::chrono::system_clock::now());
    return r;
}

// A row of the cloud's audit table (one insertId per action, detail and moment, so a retried
// request adds nothing); "" or why it is not there.
std::string auditInCloud(const cloud::CloudSettings& settings, cloud::TokenSource& tokens,
                         const std::string& action, const std::string& detail, const std::string& result)
{
    const std::string at = toIsoUtc(std::chrono::system_clock::now());
    try {
        cloud::BigQuery bq(settings, tokens);
        bq.insertAll(settings.datasets.reference, "ops_console_audit",
                     {{{"at", at},
                       {"actor", store::currentActor()},
                       {"action", action},
                       {"detail", detail},
                       {"result", result}}},
                     {action + "-" + detail + "-" + at});
        return {};
    } catch (const std::exception& e) {
        return e.what();
    }
}

// Into the cloud's audit table and the cache's audit log, which a sync leaves alone.
void auditTrigger(const cloud::CloudSettings& settings, const std::filesystem::path& cache,
                  cloud::TokenSource& tokens, const std::string& detail)
{
    if (const auto why = auditInCloud(settings, tokens, "cloud.trigger", detail, "triggered"); !why.empty())
        log::warning("cloud", "the trigger is not in the cloud's audit table: " + why);
    if (const auto why = store::auditIfPresent(cache, {"", "cloud.trigger", detail, "", "ok"});
        !why.empty())
        log::warning("cloud", "the trigger is not in the cache's audit log: " + why);
}

// A backfill's runs on the services, `count` at a time, the backfill's rows in the cache.
class CloudWorkers final : public BackfillWorkers
{
public:
    CloudWorkers(const cloud::CloudSettings& settings, std::filesystem::path cache, size_t count,
                 cloud::TokenSource& tokens)
        : m_settings(settings), m_cache(std::move(cache)), m_tokens(tokens)
    {
        for (size_t i = 0; i < count; ++i) {
            m_runs.push_back(std::make_unique<cloud::CloudRun>(settings, tokens));
            m_runs.back()->setCancelFlag(&m_interrupt);
        }
    }
    std::filesystem::path database() const override { return m_cache; }
    size_t count() const override { return m_runs.size(); }
    void interrupt(bool on) override { m_interrupt = on; }
    void attach(int64_t id) override { m_id = id; }
    bool tablesHere() const override { return false; }
    bool waitsForOtherRuns() const override { return false; }

    pipeline::ProcessorResult run(const std::string& processor, Date date, size_t worker) override
    {
        const auto* spec = registry::Registry::builtin().find(processor);
        if (!spec || spec->phase < 2 || spec->phase > 5) {
            pipeline::ProcessorResult r;
            r.processor = processor;
            r.date = date;
            r.outcome.category = pipeline::Category::Error;
            r.outcome.error = "'" + processor +
                              "' is not run by a Cloud Run service on request "
                              "(phases 1 and 6 run on Cloud Scheduler's timetable)";
            return r;
        }
        std::optional<pipeline::Outcome> predictions;
        std::unique_lock<std::mutex> phase5;
        if (spec->phase == 5) { // one /start per date, whichever of its processors comes first
            phase5 = std::unique_lock(m_predictionsMutex);
            if (const auto it = m_predictions.find(date.iso()); it != m_predictions.end())
                predictions = it->second;
        }
        const bool started = predictions.has_value();
        auto r = callService(*m_runs.at(worker), *spec, date, predictions);
        if (spec->phase == 5 && predictions && !pipeline::isRealFailure(predictions->category))
            m_predictions[date.iso()] = *predictions;
        if (phase5)
            phase5.unlock();
        if (!started && !m_interrupt)
            auditTrigger(m_settings, m_cache, m_tokens,
                         "backfill " + std::to_string(m_id) + ": " + processor + " " + date.iso());
        return r;
    }

private:
    cloud::CloudSettings m_settings;
    std::filesystem::path m_cache;
    cloud::TokenSource& m_tokens;
    std::vector<std::unique_ptr<cloud::CloudRun>> m_runs; // one per worker
    std::atomic<bool> m_interrupt{false};
    std::atomic<int64_t> m_id{0};
    std::mutex m_predictionsMutex;
    std::map<std::string, pipeline::Outcome> m_predictions; // the coordinator's /start by date
};

class CloudBackend final : public Backend
{
public:
    CloudBackend(const cloud::CloudSettings& settings, std::filesystem::path cache)
        : m_settings(settings), m_cache(std::move(cache))
    {
    }
    BackendKind kind() const override { return BackendKind::Cloud; }
    const std::filesystem::path& database() const override { return m_cache; }
    std::string label() const override { return "cloud · " + m_settings.project; }

    std::string freshness() const override
    {
        std::error_code ec;
        if (!std::filesystem::exists(m_cache, ec))
            return "never synced: nbaops cloud sync";
        try {
            auto db = store::Database::open(m_cache, store::Database::Mode::ReadOnly);
            const auto st = cloudSyncState(db, std::chrono::system_clock::now());
            std::string out = st.ageSeconds ? "synced " + ageText(*st.ageSeconds) + " ago (" +
                                                  std::to_string(st.rowsTotal) + " runs)"
                                            : "never synced: nbaops cloud sync";
            if (!st.lastError.empty())
                out += " · last sync failed: " + st.lastError.substr(0, 80);
            return out;
        } catch (const std::exception& e) {
            return std::string("cache unreadable: ") + e.what();
        }
    }

    bool ownsDatabase() const override { return false; }
    std::string whyReadOnly() const override
    {
        return "This is the cloud project's cache, which the next sync overwrites: change it in "
               "the cloud (the services' configuration), not here.";
    }

    health::Commands commands() const override
    {
        health::Commands c;
        c.rerun = "nbaops --backend cloud cloud trigger --processor {processor} --date {date}";
        c.retry = c.rerun; // a trigger is for one processor already
        c.firstRun = "bring the cloud's run history into the cache with 'nbaops cloud sync'";
        return c;
    }

    std::string catchUp(const Control<CloudSyncEvent>& control) override
    {
        SystemClock clock;
        const auto tokens = cloud::defaultTokenSource(clock);
        cloud::BigQuery bq(m_settings, *tokens);
        bq.setCancelFlag(control.cancel);
        std::filesystem::create_directories(m_cache.parent_path());
        auto db = store::Database::open(m_cache);
        CloudSyncOptions o;
        o.now = clock.now();
        o.capChecked = true;
        const auto r = syncCloud(db, bq, o, control);
        char secs[32];
        std::snprintf(secs, sizeof secs, "%.1f s", r.seconds);
        return (r.cancelled ? "sync stopped: " : "synced: ") + std::to_string(r.inserted) +
               " new run(s), " + std::to_string(r.updated) + " finished since, in " + secs;
    }

    std::pair<int, int> phasesOnRequest() const override { return {2, 5}; }

    std::string share(const std::string& action, const std::string& detail) override
    {
        try {
            SystemClock clock;
            const auto tokens = cloud::defaultTokenSource(clock);
            return auditInCloud(m_settings, *tokens, action, detail, "done");
        } catch (const std::exception& e) {
            return e.what();
        }
    }

    BackfillResult runBackfill(const RunBackfillOptions& options, int workers,
                               const Control<BackfillEvent>& control) override
    {
        SystemClock clock;
        const auto tokens = cloud::defaultTokenSource(clock);
        CloudWorkers pool(m_settings, m_cache, size_t(std::clamp(workers, 1, 8)), *tokens);
        return jobs::runBackfill(pool, options, control);
    }

    RunRangeResult runDates(const RunRangeOptions& options, int /*workers*/,
                            const Control<RunRangeEvent>& control) override
    {
        checkRange(options.from, options.to);
        const auto procs = triggerable(options.only);
        if (procs.empty())
            throw UsageError("'" + options.only +
                             "' is not run by a Cloud Run service on request "
                             "(phases 1 and 6 run on Cloud Scheduler's timetable)");
        SystemClock clock;
        const auto t0 = std::chrono::steady_clock::now();
        const auto tokens = cloud::defaultTokenSource(clock);
        cloud::CloudRun run(m_settings, *tokens);
        run.setCancelFlag(control.cancel);
        RunRangeResult res;
        for (Date d = options.from; d <= options.to; d = d.addDays(1)) {
            if (control.cancelled()) {
                res.cancelled = true;
                res.cancelledAt = d;
                break;
            }
            ++res.dates;
            control.report({RunRangeEvent::Kind::DateStarted, d, {}, nullptr});
            std::optional<pipeline::Outcome> predictions; // the coordinator runs phase 5 at once
            std::vector<std::string> done;
            for (const auto* p : procs) {
                if (control.cancelled())
                    break;
                const auto r = triggerOne(run, *p, d, predictions, control);
                if (pipeline::isRealFailure(r.outcome.category))
                    ++res.realFailures;
                done.push_back(p->name);
            }
            std::string detail;
            for (const auto& n : done)
                detail += n + " ";
            auditTrigger(m_settings, m_cache, *tokens, detail + d.iso());
        }
        res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return res;
    }

private:
    pipeline::ProcessorResult triggerOne(cloud::CloudRun& run, const registry::ProcessorSpec& p,
                                         Date d, std::optional<pipeline::Outcome>& predictions,
                                         const Control<RunRangeEvent>& control)
    {
        control.report({RunRangeEvent::Kind::ProcessorStarted, d, p.name, nullptr});
        auto r = callService(run, p, d, predictions);
        control.report({RunRangeEvent::Kind::ProcessorFinished, d, r.processor, &r});
        return r;
    }

    cloud::CloudSettings m_settings;
    std::filesystem::path m_cache;
};

} // namespace

std::unique_ptr<Backend> localBackend(const std::filesystem::path& db)
{
    return std::make_unique<LocalBackend>(db);
}

std::unique_ptr<Backend> cloudBackend(const cloud::CloudSettings& settings,
                                      const std::filesystem::path& cache)
{
    return std::make_unique<CloudBackend>(settings, cache);
}

} // namespace nbaops::jobs
