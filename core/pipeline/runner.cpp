#include "runner.h"

#include "analytics.h"
#include "precompute.h"
#include "predictions.h"
#include "publishing.h"
#include "teams.h"
#include "loaders.h"
#include "registry/registry.h"
#include "scrapers.h"
#include "sources/nbastats.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/log.h"
#include "util/rng.h"

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
    {"nbac_schedule", make<ScheduleLoader>},
    {"nbac_player_boxscores", make<BoxscoreLoader>},
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

Runner::Runner(Context& ctx) : m_ctx(ctx)
{
    for (const auto& f : kFactories) {
        m_ctx.registry.get(f.name); // every implementation must be registered
        m_processors.emplace_back(f.name, f.make());
    }
}

Runner::~Runner() = default;

std::vector<std::string> Runner::implementedProcessors()
{
    std::vector<std::string> out;
    for (const auto& f : kFactories)
        out.emplace_back(f.name);
    return out;
}

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

std::optional<Outcome> Runner::checkDependencies(const std::string& processor, Date date)
{
    const auto& spec = m_ctx.registry.get(processor);
    auto st = m_ctx.db.prepare(
        "SELECT r.failure_category FROM processor_latest l JOIN processor_runs r ON r.id = l.run_pk"
        " WHERE l.game_date = ? AND l.processor = ?");
    for (const auto& dep : spec.dependsOn) {
        if (!find(dep))
            continue; // registered but not run by this build: nothing to wait for
        st.reset();
        st.bindAll(date.iso(), dep);
        std::optional<std::string> cat;
        if (st.step())
            cat = st.getOptText(0);
        // An upstream with no data for the date is not a failure: the processor looks at its
        // own inputs (a phase-4 run for today needs yesterday's games, not today's).
        if (!cat || (*cat != "success" && *cat != "no_data_available")) {
            Outcome o;
            o.category = Category::DependencyMissing;
            o.error = "upstream " + dep + " has no successful run for " + date.iso() +
                      (cat ? " (its last run: " + *cat + ")" : " (it has not run)") +
                      "; fix it and rerun the date";
            return o;
        }
    }
    return std::nullopt;
}

ProcessorResult Runner::runOne(const std::string& processor, Date date)
{
    const auto& spec = m_ctx.registry.get(processor);
    Processor* impl = find(processor);
    if (!impl)
        throw UsageError("Processor '" + processor + "' is in the registry but this build does "
                         "not run it yet; 'nbaops registry list' marks the ones it runs.");
    if (onStart)
        onStart(processor, date);
    ProcessorResult res;
    res.processor = processor;
    res.phase = spec.phase;
    res.date = date;
    const auto startedWall = m_ctx.clock.now();
    const auto started = std::chrono::steady_clock::now();
    res.startedAt = toIsoUtc(startedWall);
    {
        auto st = m_ctx.db.prepare(
            "SELECT count(*) FROM processor_runs WHERE game_date = ? AND processor = ?");
        st.bindAll(date.iso(), processor);
        st.step();
        res.attempt = int(st.getInt(0)) + 1;
    }
    m_ctx.db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at,"
                     " heartbeat_at, status, attempt) VALUES (?,?,?,?,?,?,'running',?)")
        .bindAll(m_ctx.runId, processor, int64_t(spec.phase), date.iso(), res.startedAt,
                 res.startedAt, int64_t(res.attempt))
        .run();
    const int64_t pk = m_ctx.db.lastInsertRowId();

    Work work;
    if (auto blocked = checkDependencies(processor, date)) {
        work.outcome = *blocked;
    } else {
        try {
            work = impl->run(m_ctx, date);
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
    if (m_ctx.cancelled() && work.outcome.category == Category::Success) {
        work.write = nullptr;
        work.outcome.category = Category::Error;
        work.outcome.error = "cancelled by the operator; nothing was written";
    }
    const auto finish = [&](const Outcome& o) {
        const auto elapsed = std::chrono::steady_clock::now() - started;
        res.durationMs = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
        res.finishedAt = toIsoUtc(startedWall + std::chrono::duration_cast<std::chrono::milliseconds>(elapsed));
        res.outcome = o;
        m_ctx.db.prepare("UPDATE processor_runs SET finished_at = ?, heartbeat_at = ?,"
                         " duration_ms = ?, status = ?, failure_category = ?, records_in = ?,"
                         " records_out = ?, error = ?, source = ? WHERE id = ?")
            .bindAll(res.finishedAt, res.finishedAt, res.durationMs, statusFor(o.category),
                     toString(o.category), o.recordsIn, o.recordsOut,
                     o.error.empty() ? std::optional<std::string>() : std::optional(o.error),
                     o.source.empty() ? std::optional<std::string>() : std::optional(o.source), pk)
            .run();
    };
    try {
        store::Transaction tx(m_ctx.db);
        if (work.write)
            work.write(m_ctx.db);
        finish(work.outcome);
        tx.commit();
    } catch (const std::exception& e) {
        // The data transaction rolled back; record the failure on its own.
        Outcome failed = work.outcome;
        failed.category = Category::Error;
        failed.recordsOut = 0;
        failed.error = std::string("writing the results failed, nothing was kept: ") + e.what();
        store::Transaction tx(m_ctx.db);
        finish(failed);
        tx.commit();
    }
    log::info("runner", processor + " " + date.iso() + ": " + std::string(toString(res.outcome.category)) +
                            (res.outcome.error.empty() ? "" : " - " + res.outcome.error));
    if (onResult)
        onResult(res);
    return res;
}

DateResult Runner::runDate(Date date)
{
    DateResult out;
    out.date = date;
    for (const auto& name : m_ctx.registry.topologicalOrder()) {
        if (!find(name))
            continue;
        if (m_ctx.cancelled()) {
            out.cancelled = true;
            break;
        }
        out.results.push_back(runOne(name, date));
    }
    return out;
}

} // namespace nbaops::pipeline
