#include "repair.h"

#include "pipeline/outcome.h"
#include "pipeline/session.h"
#include "registry/registry.h"
#include "store/database.h"

#include <algorithm>

namespace nbaops::jobs {

bool RetryRun::recovered() const
{
    return !results.empty() && !pipeline::isRealFailure(results.front().outcome.category);
}

namespace {

// "backfill 4" when an active (running or paused) backfill plans the date, else "".
std::string backfillHolding(store::Database& db, const std::string& date)
{
    auto st = db.prepare("SELECT b.id FROM backfills b JOIN backfill_dates d ON d.backfill_id = b.id"
                         " WHERE b.state IN ('running', 'paused') AND d.game_date = ? LIMIT 1");
    st.bindAll(date);
    return st.step() ? "backfill " + std::to_string(st.getInt(0)) : std::string();
}

} // namespace

RepairResult repair(pipeline::Session& session, const RepairOptions& options, const TextControl& control)
{
    RepairResult out;
    auto& db = session.db();
    const auto& clock = session.context().clock;
    out.orphans = pipeline::closeOrphans(db, clock.now());
    for (const auto& r : out.orphans.runs)
        control.report("closed orphaned run " + std::to_string(r.id) + ": " + r.processor + " " + r.gameDate);
    for (int64_t id : out.orphans.backfills)
        control.report("backfill " + std::to_string(id) + " was interrupted; paused until resumed");

    const auto& reg = session.context().registry;
    const auto implemented = pipeline::Runner::implementedProcessors();
    const auto runs = [&](const std::string& name) {
        return std::find(implemented.begin(), implemented.end(), name) != implemented.end();
    };
    auto& runner = session.runner();
    for (const auto& s : health::retryStates(db, clock.now())) {
        if (s.exhausted()) {
            out.exhausted.push_back(s);
            continue;
        }
        if (!s.due(clock.now()) || !options.retries) {
            out.waiting.push_back(s);
            continue;
        }
        if (control.cancelled()) {
            out.cancelled = true;
            break;
        }
        RetryRun run;
        run.before = s;
        run.heldBy = backfillHolding(db, s.gameDate);
        const auto date = Date::parse(s.gameDate);
        if (!run.heldBy.empty() || !date || !runs(s.processor)) {
            out.retried.push_back(std::move(run));
            continue;
        }
        control.report("retrying " + s.processor + " " + s.gameDate + " (retry " + std::to_string(s.failures) +
                       " of " + std::to_string(health::kRetryDelays.size()) + ")");
        run.results.push_back(runner.runOne(s.processor, *date));
        if (run.recovered()) {
            for (const auto& down : reg.downstream(s.processor)) {
                if (control.cancelled())
                    break;
                if (runs(down))
                    run.results.push_back(runner.runOne(down, *date));
            }
        }
        control.report(std::string(run.recovered() ? "recovered: " : "still failing: ") + s.processor + " " +
                       s.gameDate + " (" + std::string(pipeline::toString(run.results.front().outcome.category)) + ")");
        out.retried.push_back(std::move(run));
    }
    return out;
}

} // namespace nbaops::jobs
