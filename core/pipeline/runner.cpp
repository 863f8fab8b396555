// Over 400 lines on purpose: the runner's processor list, its graph walks and one run of a
// processor (history row, heartbeat, timeout, one transaction) share the active-run state.
#include "runner.h"

#include "history.h"
#include "phase1/processors.h"
#include "phase2/processors.h"
#include "phase3/processors.h"
#include "phase4/processors.h"
#include "phase5/processors.h"
#include "phase6/processors.h"
#include "registry/registry.h"
#include "sources/nbastats.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/log.h"
#include "util/process.h"
#include "util/redact.h"
#include "util/rng.h"

#include <algorithm>
#include <functional>

namespace nbaops::pipeline {

int DateResult::realFailures() const
{
    int n = 0;
    for (const auto& r : results)
        n += isRealFailure(r.outcome.category) ? 1 : 0;
    return n;
}

namespace {

// Every processor this build runs, by registry name.
struct Factory
{
    const char* name;
    std::unique_ptr<Processor> (*make)();
};
template <typename P>
std::unique_ptr<Processor> make()
{
    return std::make_unique<P>();
}
constexpr Factory kFactories[] = {
    {"nbac_schedule_scraper", make<ScheduleScraper>},
    {"nbac_boxscore_scraper", make<BoxscoreScraper>},
    {"espn_scoreboard_scraper", make<EspnScoreboardScraper>},
    {"bdl_boxscore_scraper", make<BdlBoxscoreScraper>},
    {"nbac_schedule", make<ScheduleLoader>},
    {"nbac_player_boxscores", make<BoxscoreLoader>},
    {"espn_scoreboard", make<EspnScoreboardLoader>},
    {"bdl_player_boxscores", make<BdlBoxscoreLoader>},
    {"game_schedule", make<GameSchedule>},
    {"odds_api_props_scraper", make<OddsScraper>},
    {"odds_api_player_points_props", make<OddsLoader>},
    {"player_game_summary", make<PlayerGameSummary>},
    {"team_offense_game_summary", make<TeamOffenseSummary>},
    {"team_defense_game_summary", make<TeamDefenseSummary>},
    {"player_composite_factors", make<CompositeFactors>},
    {"ml_feature_store", make<FeatureStore>},
    {"player_prop_predictions", make<Predictions>},
    {"prediction_grades", make<PredictionGrades>},
    {"publish_predictions", make<PublishPredictions>},
    {"publish_player_pages", make<PublishPlayerPages>},
};

} // namespace

Runner::Runner(std::vector<Worker> workers, RunnerOptions options)
    : m_workers(std::move(workers)), m_options(options)
{
    if (m_workers.empty())
        throw OpsError("The pipeline runner needs at least one worker.");
    for (const auto& f : kFactories) {
        m_workers.front().ctx->registry.get(f.name); // every implementation must be registered
        m_processors.emplace_back(f.name, f.make());
    }
    m_watchDb = std::make_unique<store::Database>(store::Database::open(m_workers.front().ctx->db.path()));
    // Timeouts an operator applied from the trends (each processor's P95 x 3) replace the registry's.
    auto applied = m_watchDb->prepare("SELECT processor, timeout_s FROM processor_timeouts");
    while (applied.step())
        m_timeouts[applied.getText(0)] = int(applied.getInt(1));
    m_watchdog = std::thread([this] { watch(); });
}

Runner::~Runner()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_watchdog.joinable())
        m_watchdog.join();
}

std::vector<std::string> Runner::implementedProcessors()
{
    std::vector<std::string> out;
    for (const auto& f : kFactories)
        out.emplace_back(f.name);
    return out;
}

void Runner::setRunId(const std::string& runId)
{
    for (auto& w : m_workers)
        w.ctx->runId = runId;
}

const std::string& Runner::runId() const { return m_workers.front().ctx->runId; }

std::string Runner::newRunId(const Clock& clock)
{
    static std::atomic<uint64_t> counter{0};
    const std::string iso = toIsoUtc(clock.now());
    std::string compact;
    for (char c : iso.substr(0, 19)) {
        if (c != '-' && c != ':')
            compact.push_back(c);
    }
    Rng rng(uint64_t(std::chrono::steady_clock::now().time_since_epoch().count()) ^
            (counter++ * 0x9E3779B97F4A7C15ull));
    char suffix[8];
    std::snprintf(suffix, sizeof suffix, "%06x", unsigned(rng.next() & 0xffffff));
    return "run-" + compact + "Z-" + suffix;
}

Processor* Runner::find(const std::string& name) const
{
    for (const auto& [n, p] : m_processors) {
        if (n == name)
            return p.get();
    }
    return nullptr;
}

std::optional<Outcome> Runner::checkDependencies(Context& ctx, const std::string& processor, Date date)
{
    const auto& spec = ctx.registry.get(processor);
    const auto served = [&](const std::string& dep, std::optional<std::string>& cat) {
        cat = latestCategory(ctx.db, dep, date);
        return servedDate(cat);
    };
    const auto lastRun = [](const std::optional<std::string>& cat) {
        return cat ? " (its last run: " + *cat + ")" : std::string(" (it has not run)");
    };
    for (const auto& dep : spec.dependsOn) {
        if (!find(dep) || spec.isAlternative(dep))
            continue; // registered but not run by this build: nothing to wait for
        std::optional<std::string> cat;
        if (!served(dep, cat)) {
            Outcome o;
            o.category = Category::DependencyMissing;
            o.error = "upstream " + dep + " has no successful run for " + date.iso() + lastRun(cat) +
                      "; fix it and rerun the date";
            return o;
        }
    }
    for (const auto& group : spec.anyOf) {
        std::string tried;
        bool any = false, runnable = false;
        for (const auto& dep : group) {
            if (!find(dep))
                continue;
            runnable = true;
            std::optional<std::string> cat;
            if (served(dep, cat)) {
                any = true;
                break;
            }
            tried += (tried.empty() ? "" : ", ") + dep + lastRun(cat);
        }
        if (runnable && !any) {
            Outcome o;
            o.category = Category::DependencyMissing;
            o.error = "no upstream of " + processor + " served " + date.iso() + ", neither the source nor its "
                      "fallbacks: " + tried + "; fix one and rerun the date";
            return o;
        }
    }
    return std::nullopt;
}

std::string Runner::inputFingerprint(Context& ctx, const std::string& processor, Date date)
{
    // The latest run of each processor it reads (its direct dependencies) for this date and
    // every earlier one: a rerun of an input, of this date or of the history before it,
    // changes the fingerprint. Further upstream reaches it through them: a rerun there that
    // changes an input reruns the input.
    std::string fp = processor;
    if (const auto* p = find(processor); p && p->version() != 1)
        fp += "@v" + std::to_string(p->version());
    auto st = ctx.db.prepare("SELECT max(run_pk) FROM processor_latest WHERE processor = ? AND game_date <= ?");
    for (const auto& dep : ctx.registry.get(processor).dependsOn) {
        if (!find(dep))
            continue;
        st.reset();
        st.bindAll(dep, date.iso());
        st.step();
        fp += ";" + dep + "=" + (st.isNull(0) ? std::string("-") : std::to_string(st.getInt(0)));
    }
    return fp;
}

int Runner::timeoutSecondsOf(const std::string& processor) const
{
    const auto it = m_timeouts.find(processor);
    return it != m_timeouts.end() ? it->second : m_workers.front().ctx->registry.get(processor).timeoutSeconds;
}

ProcessorResult Runner::runOne(const std::string& processor, Date date)
{
    return runOnWorker(processor, date, 0);
}

ProcessorResult Runner::runOn(const std::string& processor, Date date, size_t worker)
{
    if (worker >= m_workers.size())
        throw OpsError("No worker " + std::to_string(worker) + " in a runner of " + std::to_string(m_workers.size()));
    return runOnWorker(processor, date, worker);
}

void Runner::interrupt(bool on)
{
    m_interrupted.store(on);
    if (!on) {
        for (auto& w : m_workers)
            w.stop->store(false);
    }
    m_wake.notify_all();
}

bool Runner::interrupted() const { return m_interrupted.load(); }

bool Runner::stopRequested() const
{
    return m_interrupted.load() || (m_options.cancel && m_options.cancel->load());
}

void Runner::setBackfill(int64_t backfillId) { m_backfill.store(backfillId); }

std::vector<ProcessorResult> Runner::runWithUpstream(const std::string& processor, Date date)
{
    const auto& reg = m_workers.front().ctx->registry;
    reg.get(processor);
    std::vector<ProcessorResult> out;
    auto& db = m_workers.front().ctx->db;
    auto ran = db.prepare("SELECT count(*) FROM processor_latest WHERE game_date = ? AND processor = ?");
    const auto hasRun = [&](const std::string& name) {
        ran.reset();
        ran.bindAll(date.iso(), name);
        ran.step();
        return ran.getInt(0) > 0;
    };
    std::set<std::string> visited;
    // Runs what `name` needs and has not run for the date: every required dependency, and of
    // each group of alternatives the preferred one, the next only when that one did not serve.
    std::function<void(const std::string&)> resolve = [&](const std::string& name) {
        const auto& spec = reg.get(name);
        const auto ensure = [&](const std::string& dep) {
            if (!find(dep) || hasRun(dep) || !visited.insert(dep).second)
                return;
            resolve(dep);
            out.push_back(runOnWorker(dep, date, 0));
            out.back().triggeredBy = processor;
        };
        for (const auto& dep : spec.dependsOn) {
            if (!spec.isAlternative(dep))
                ensure(dep);
        }
        for (const auto& group : spec.anyOf) {
            for (const auto& alt : group) {
                ensure(alt);
                if (find(alt) && servedDate(db, alt, date))
                    break;
            }
        }
    };
    resolve(processor);
    out.push_back(runOnWorker(processor, date, 0));
    return out;
}

// The run's attempt number, and the last success when its inputs are unchanged since (phase 1
// always runs; --force runs everything): (its run pk, its records out).
std::optional<std::pair<int64_t, int64_t>> Runner::priorRuns(Context& ctx, const std::string& processor, int phase,
                                                            Date date, const std::string& fingerprint, int& attempt)
{
    auto st = ctx.db.prepare("SELECT count(*) FROM processor_runs WHERE game_date = ? AND processor = ?");
    st.bindAll(date.iso(), processor);
    st.step();
    attempt = int(st.getInt(0)) + 1;
    auto last = ctx.db.prepare(
        "SELECT r.id, r.records_out, r.input_fingerprint FROM processor_latest l JOIN processor_runs r"
        " ON r.id = l.run_pk WHERE l.game_date = ? AND l.processor = ? AND r.failure_category = 'success'");
    last.bindAll(date.iso(), processor);
    if (last.step() && last.getOptText(2) == fingerprint && phase > 1 && !m_options.force)
        return std::pair{last.getInt(0), last.getInt(1)};
    return std::nullopt;
}

// What the processor did: skipped, blocked by a dependency, or its own run (a payload of the
// wrong shape is a validation failure, anything else thrown an error).
Work Runner::execute(Context& ctx, Processor& impl, const std::string& processor, Date date,
                     const std::optional<std::pair<int64_t, int64_t>>& unchanged)
{
    Work work;
    if (unchanged) {
        work.outcome.recordsOut = unchanged->second;
        work.outcome.error = "inputs unchanged since run " + std::to_string(unchanged->first) + "; skipped";
    } else if (auto blocked = checkDependencies(ctx, processor, date)) {
        work.outcome = *blocked;
    } else {
        try {
            work = impl.run(ctx, date);
        } catch (const sources::PayloadError& e) {
            work = {};
            work.outcome.category = Category::ValidationFailed;
            work.outcome.error = e.what();
        } catch (const std::exception& e) {
            work = {};
            work.outcome.category = Category::Error;
            work.outcome.error = e.what();
        }
    }
    return work;
}

// A run stopped by the watchdog or the operator writes nothing and says why.
void Runner::settle(Work& work, size_t worker, const std::string& processor, bool skipped)
{
    bool timedOut = false;
    {
        std::lock_guard lock(m_mutex);
        timedOut = m_active[worker].timedOut;
        m_active.erase(worker);
    }
    const bool cancelled = stopRequested();
    if (timedOut) {
        work.write = nullptr;
        work.outcome.category = Category::Timeout;
        work.outcome.recordsOut = 0;
        work.outcome.error = "stopped after exceeding its timeout of " +
                             std::to_string(m_options.timeoutOverride ? m_options.timeoutOverride->count() / 1000.0
                                                                      : double(timeoutSecondsOf(processor))) +
                             " s; nothing was written";
    } else if (cancelled && !skipped) {
        work.write = nullptr;
        if (work.outcome.category == Category::Success || work.outcome.error == "cancelled")
            work.outcome.category = Category::Error;
        work.outcome.recordsOut = 0;
        work.outcome.error = "cancelled by the operator; nothing was written";
    }
    if (!cancelled)
        m_workers[worker].stop->store(false);
}

// The run's data and its final history row, in one transaction; when writing the data fails,
// the failure is recorded on its own and nothing of the data is kept.
void Runner::record(Context& ctx, ProcessorResult& res, const Work& work, int64_t pk, TimePoint startedWall,
                    std::chrono::steady_clock::time_point started)
{
    const auto finish = [&](const Outcome& o) {
        const auto elapsed = std::chrono::steady_clock::now() - started;
        res.durationMs = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
        res.finishedAt = toIsoUtc(startedWall + std::chrono::duration_cast<std::chrono::milliseconds>(elapsed));
        res.outcome = o;
        ctx.db.prepare("UPDATE processor_runs SET finished_at = ?, heartbeat_at = ?,"
                       " duration_ms = ?, status = ?, failure_category = ?, records_in = ?,"
                       " records_out = ?, error = ?, source = ?, skipped = ? WHERE id = ?")
            .bindAll(res.finishedAt, res.finishedAt, res.durationMs, statusFor(o.category), toString(o.category),
                     o.recordsIn, o.recordsOut, o.error.empty() ? std::optional<std::string>() : std::optional(redact::text(o.error)),
                     o.source.empty() ? std::optional<std::string>() : std::optional(o.source), int64_t(res.skipped),
                     pk)
            .run();
    };
    try {
        store::Transaction tx(ctx.db);
        if (work.write)
            work.write(ctx.db);
        finish(work.outcome);
        tx.commit();
    } catch (const std::exception& e) {
        Outcome failed = work.outcome;
        failed.category = Category::Error;
        failed.recordsOut = 0;
        failed.error = std::string("writing the results failed, nothing was kept: ") + e.what();
        store::Transaction tx(ctx.db);
        finish(failed);
        tx.commit();
    }
}

ProcessorResult Runner::runOnWorker(const std::string& processor, Date date, size_t worker)
{
    Context& ctx = *m_workers[worker].ctx;
    const auto& spec = ctx.registry.get(processor);
    Processor* impl = find(processor);
    if (!impl)
        throw UsageError("Processor '" + processor + "' is in the registry but this build does "
                         "not run it yet; 'nbaops registry list' marks the ones it runs.");
    if (onStart) {
        std::lock_guard lock(m_mutex);
        onStart(processor, date);
    }
    ProcessorResult res;
    res.processor = processor;
    res.phase = spec.phase;
    res.date = date;
    const auto startedWall = ctx.clock.now();
    const auto started = std::chrono::steady_clock::now();
    res.startedAt = toIsoUtc(startedWall);
    const std::string fingerprint = inputFingerprint(ctx, processor, date);
    const auto unchanged = priorRuns(ctx, processor, spec.phase, date, fingerprint, res.attempt);
    const auto& self = currentProcess();
    const int64_t backfill = m_backfill.load();
    ctx.db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at,"
                   " heartbeat_at, status, attempt, input_fingerprint, pid, process_start, host, backfill_id)"
                   " VALUES (?,?,?,?,?,?,'running',?,?,?,?,?,?)")
        .bindAll(ctx.runId, processor, int64_t(spec.phase), date.iso(), res.startedAt, res.startedAt,
                 int64_t(res.attempt), fingerprint, self.pid, self.start, self.host,
                 backfill ? std::optional<int64_t>(backfill) : std::nullopt)
        .run();
    const int64_t pk = ctx.db.lastInsertRowId();
    res.runPk = pk;
    {
        std::lock_guard lock(m_mutex);
        const auto timeout = m_options.timeoutOverride.value_or(std::chrono::seconds(timeoutSecondsOf(processor)));
        m_active[worker] = Active{worker, pk, started + timeout};
    }
    m_wake.notify_all();

    Work work = execute(ctx, *impl, processor, date, unchanged);
    res.skipped = unchanged.has_value();
    settle(work, worker, processor, res.skipped);
    record(ctx, res, work, pk, startedWall, started);
    log::info("runner", processor + " " + date.iso() + ": " + std::string(toString(res.outcome.category)) +
                            (res.outcome.error.empty() ? "" : " - " + res.outcome.error));
    if (onResult) {
        std::lock_guard lock(m_mutex);
        onResult(res);
    }
    return res;
}

} // namespace nbaops::pipeline
