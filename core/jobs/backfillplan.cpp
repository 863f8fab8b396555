#include "backfillplan.h"

#include "health/checks.h"
#include "pipeline/runner.h"
#include "registry/registry.h"
#include "runrange.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/files.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

namespace nbaops::jobs {

namespace {

// The processors this build runs, in the registry's order, with their same-date dependencies.
struct Graph
{
    std::vector<BackfillSchedule::Processor> processors;
    std::map<std::string, size_t> index;
    std::vector<std::vector<size_t>> downstream; // transitive, implemented only
};

const Graph& graph()
{
    static const Graph g = [] {
        Graph out;
        const auto& reg = registry::Registry::builtin();
        const auto impl = pipeline::Runner::implementedProcessors();
        for (const auto& name : reg.topologicalOrder()) {
            if (std::find(impl.begin(), impl.end(), name) == impl.end())
                continue;
            out.index[name] = out.processors.size();
            out.processors.push_back({name, reg.get(name).phase, {}});
        }
        out.downstream.resize(out.processors.size());
        for (auto& p : out.processors) {
            const size_t i = out.index[p.name];
            for (const auto& dep : reg.get(p.name).dependsOn) {
                if (const auto it = out.index.find(dep); it != out.index.end())
                    p.dependsOn.push_back(it->second);
            }
            for (const auto& down : reg.downstream(p.name)) {
                if (const auto it = out.index.find(down); it != out.index.end())
                    out.downstream[i].push_back(it->second);
            }
        }
        return out;
    }();
    return g;
}

struct Latest
{
    bool present = false;
    std::string status, category;
    int64_t recordsOut = 0;
    bool skipped = false;
};

// Why the processor needs work on a date ("" when it does not).
std::string needOf(const Latest& l, const registry::ProcessorSpec& spec)
{
    if (!l.present)
        return "missing";
    if (l.status == "running")
        return "incomplete: its last run is still marked running";
    if (l.category != "success" && l.category != "no_data_available")
        return "failed: " + l.category;
    if (l.category == "success" && l.recordsOut == 0 && !l.skipped && spec.minRecords > 0)
        return "incomplete: 0 records where at least " + std::to_string(spec.minRecords) + " are expected";
    return "";
}

double percentile(const std::vector<double>& sorted, double q)
{
    if (sorted.empty())
        return 0;
    const double pos = q * double(sorted.size() - 1);
    const size_t lo = size_t(pos);
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - double(lo));
}

// Durations of the most recent runs that did work, per processor.
std::map<std::string, ProcessorDuration> historyDurations(store::Database& db)
{
    std::map<std::string, std::vector<double>> seconds;
    auto st = db.prepare("SELECT processor, duration_ms FROM processor_runs"
                         " WHERE id > (SELECT coalesce(max(id), 0) - 20000 FROM processor_runs)"
                         " AND status IN ('success', 'no_data') AND skipped = 0 AND duration_ms IS NOT NULL");
    while (st.step())
        seconds[st.getText(0)].push_back(double(st.getInt(1)) / 1000.0);
    std::map<std::string, ProcessorDuration> out;
    for (auto& [name, v] : seconds) {
        std::sort(v.begin(), v.end());
        out[name] = {name, int(v.size()), percentile(v, 0.25), percentile(v, 0.50), percentile(v, 0.90)};
    }
    return out;
}

std::vector<Date> gapDates(store::Database& db, Date from, Date to)
{
    const auto& g = graph();
    std::set<std::string> impl;
    for (const auto& p : g.processors)
        impl.insert(p.name);
    std::set<Date> dates;
    for (const auto& gap : health::findGaps(db, registry::Registry::builtin(), impl, from, to)) {
        if (const auto d = Date::parse(gap.date))
            dates.insert(*d);
    }
    return {dates.begin(), dates.end()};
}

// The dates asked for, checked, newest first; sets the plan's source.
std::vector<Date> requestedDates(store::Database& db, const PlanRequest& r, Date today, std::string& source)
{
    const int sources = int(r.from || r.to) * (r.gaps ? 0 : 1) + int(!r.datesFile.empty()) + int(r.gaps);
    if (sources != 1)
        throw UsageError("Give one source of dates: --from D --to D2, --dates FILE, or --gaps.");
    std::vector<Date> dates;
    if (r.gaps) {
        Date from = r.from.value_or(today.addDays(-kMaxRangeDays + 1));
        if (!r.from) {
            auto first = db.prepare("SELECT min(game_date) FROM processor_latest");
            if (first.step() && !first.isNull(0))
                from = std::max(from, Date::parse(first.getText(0)).value_or(from));
        }
        const Date to = r.to.value_or(today.addDays(-1));
        checkRange(from, to, "--from", "--to");
        source = "gaps " + from.iso() + ".." + to.iso();
        dates = gapDates(db, from, to);
    } else if (!r.datesFile.empty()) {
        dates = readDatesFile(r.datesFile);
        source = "file " + r.datesFile.filename().string();
    } else {
        if (!r.from || !r.to)
            throw UsageError("A range needs both --from and --to.");
        checkRange(*r.from, *r.to, "--from", "--to");
        for (Date d = *r.from; d <= *r.to; d = d.addDays(1))
            dates.push_back(d);
        source = "range " + r.from->iso() + ".." + r.to->iso();
    }
    std::sort(dates.begin(), dates.end());
    dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
    if (!dates.empty() && dates.back() > today)
        throw UsageError(dates.back().iso() + " has not been played yet (today is " + today.iso() +
                         "); a backfill takes past dates.");
    if (!dates.empty() && dates.front().daysUntil(dates.back()) > kMaxRangeDays)
        throw UsageError("The dates span more than ten years; split the backfill.");
    std::reverse(dates.begin(), dates.end());
    return dates;
}


} // namespace

const std::vector<BackfillSchedule::Processor>& backfillProcessors()
{
    return graph().processors;
}

size_t backfillProcessorIndex(const std::string& name)
{
    const auto& g = graph();
    const auto it = g.index.find(name);
    return it == g.index.end() ? size_t(-1) : it->second;
}


std::vector<Date> readDatesFile(const std::filesystem::path& path)
{
    std::string text;
    try {
        text = readFile(path);
    } catch (const std::exception& e) {
        throw UsageError("The dates file " + path.string() + " cannot be read: " + e.what());
    }
    std::vector<Date> out;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (const auto hash = line.find('#'); hash != std::string::npos)
            line.erase(hash);
        const auto b = line.find_first_not_of(" \t\r\xEF\xBB\xBF");
        if (b == std::string::npos)
            continue;
        const auto e = line.find_last_not_of(" \t\r");
        const std::string word = line.substr(b, e - b + 1);
        const auto d = Date::parse(word);
        if (!d)
            throw UsageError(path.string() + " line " + std::to_string(number) + ": '" + word.substr(0, 40) +
                             "' is not a date; write one YYYY-MM-DD a line ('#' starts a comment).");
        out.push_back(*d);
    }
    if (out.empty())
        throw UsageError("The dates file " + path.string() + " has no dates.");
    return out;
}

std::string bandOf(Date date, Date today)
{
    const int age = date.daysUntil(today);
    return age <= 7 ? "last 7 days" : age <= 30 ? "last 30 days" : "older";
}

std::vector<Holder> holdersOf(store::Database& db, const std::vector<Date>& dates, int64_t except)
{
    std::vector<Holder> out;
    const std::set<Date> wanted(dates.begin(), dates.end());
    auto active = db.prepare("SELECT id, created_by, created_at, state, first_date, last_date FROM backfills"
                             " WHERE state IN ('running', 'paused') AND id <> ? ORDER BY id");
    active.bindAll(except);
    auto held = db.prepare("SELECT game_date FROM backfill_dates WHERE backfill_id = ? ORDER BY game_date");
    while (active.step()) {
        Holder h{active.getInt(0), active.getText(1), active.getText(2), active.getText(3), active.getText(4),
                 active.getText(5), {}};
        held.reset();
        held.bindAll(h.id);
        while (held.step()) {
            if (const auto d = Date::parse(held.getView(0)); d && wanted.count(*d))
                h.overlap.push_back(*d);
        }
        if (!h.overlap.empty())
            out.push_back(std::move(h));
    }
    return out;
}

namespace {

// The latest run of each processor for every date in [first, last], by date.
std::unordered_map<std::string, std::vector<Latest>> latestStates(store::Database& db, Date first, Date last)
{
    const auto& g = graph();
    std::unordered_map<std::string, std::vector<Latest>> latest;
    auto st = db.prepare("SELECT l.game_date, r.processor, r.status, coalesce(r.failure_category, ''),"
                         " coalesce(r.records_out, 0), r.skipped FROM processor_latest l"
                         " JOIN processor_runs r ON r.id = l.run_pk WHERE l.game_date BETWEEN ? AND ?");
    st.bindAll(first.iso(), last.iso());
    while (st.step()) {
        const auto it = g.index.find(std::string(st.getView(1)));
        if (it == g.index.end())
            continue;
        auto& row = latest[st.getText(0)];
        row.resize(g.processors.size());
        row[it->second] = {true, st.getText(2), st.getText(3), st.getInt(4), st.getInt(5) != 0};
    }
    return latest;
}

// Why each processor runs on a date ("" for those that do not): its own need, or what it needs.
std::vector<std::string> reasonsFor(const std::vector<Latest>& states, bool force)
{
    const auto& g = graph();
    const auto& reg = registry::Registry::builtin();
    std::vector<std::string> reason(g.processors.size());
    for (size_t p = 0; p < g.processors.size(); ++p) {
        if (force) {
            reason[p] = "forced";
            continue;
        }
        // Its own need first ("failed: error" says more than "needs nbac_schedule").
        if (const auto own = needOf(states[p], reg.get(g.processors[p].name)); !own.empty())
            reason[p] = own;
        if (reason[p].empty())
            continue;
        for (size_t down : g.downstream[p]) {
            if (reason[down].empty())
                reason[down] = "needs " + g.processors[p].name;
        }
    }
    return reason;
}

// The schedule's own rules on a simulated clock, each processor at its history's P25 / P50 / P90.
PlanEstimate estimateOf(store::Database& db, const BackfillPlan& plan, int workers)
{
    const auto& g = graph();
    const auto history = historyDurations(db);
    const auto schedule = plan.schedule();
    std::vector<double> p25, p50, p90;
    std::set<std::string> missing, used;
    for (const auto& item : schedule.items()) {
        const auto& name = g.processors[item.processor].name;
        used.insert(name);
        const auto h = history.find(name);
        const bool known = h != history.end();
        if (!known)
            missing.insert(name);
        p25.push_back(known ? h->second.p25 : kNoHistorySeconds);
        p50.push_back(known ? h->second.p50 : kNoHistorySeconds);
        p90.push_back(known ? h->second.p90 : kNoHistorySeconds);
    }
    PlanEstimate e;
    e.workers = workers;
    e.seconds = schedule.simulate(p50, workers);
    e.low = schedule.simulate(p25, workers);
    e.high = schedule.simulate(p90, workers);
    for (const auto& p : g.processors) {
        if (const auto h = history.find(p.name); used.count(p.name) && h != history.end())
            e.durations.push_back(h->second);
    }
    e.withoutHistory.assign(missing.begin(), missing.end());
    return e;
}

// Conflicts before launch: dates other backfills hold, the nightly run's dates, a run in progress.
void addConflicts(store::Database& db, BackfillPlan& plan, Date today)
{
    std::vector<Date> planned;
    for (const auto& pd : plan.dates)
        planned.push_back(pd.date);
    plan.holders = holdersOf(db, planned);
    for (const auto& h : plan.holders)
        plan.conflicts.push_back(h.text() + "; resume or cancel it first ('nbaops backfill resume|cancel " +
                                 std::to_string(h.id) + "').");
    for (const Date night : {today.addDays(-1), today}) {
        if (std::find(planned.begin(), planned.end(), night) != planned.end())
            plan.conflicts.push_back(night.iso() + " is the nightly run's date: a nightly run that starts during the "
                                     "backfill goes first, and the backfill waits for it.");
    }
    auto busy = db.prepare("SELECT run_id, count(*) FROM processor_runs WHERE status = 'running'"
                           " AND backfill_id IS NULL AND cloud_key IS NULL GROUP BY run_id");
    while (busy.step())
        plan.conflicts.push_back("run " + busy.getText(0) + " is running now (" + std::to_string(busy.getInt(1)) +
                                 " processor(s)): the backfill waits while it runs.");
}

} // namespace

BackfillPlan planBackfill(store::Database& db, const PlanRequest& request)
{
    const auto t0 = std::chrono::steady_clock::now();
    if (request.workers < 1 || request.workers > 64)
        throw UsageError("--workers must be from 1 to 64.");
    const Date today = request.today.value_or(Date::todayEastern());
    BackfillPlan plan;
    plan.workers = request.workers;
    plan.force = request.force;
    const auto dates = requestedDates(db, request, today, plan.source);
    const auto& g = graph();
    const auto latest = dates.empty() || request.force ? std::unordered_map<std::string, std::vector<Latest>>{}
                                                       : latestStates(db, dates.back(), dates.front());
    const std::vector<Latest> none(g.processors.size());
    for (const Date d : dates) {
        const auto it = latest.find(d.iso());
        const auto reason = reasonsFor(it == latest.end() ? none : it->second, request.force);
        PlannedDate pd{d, bandOf(d, today), {}};
        for (size_t p = 0; p < g.processors.size(); ++p) {
            const int phase = g.processors[p].phase;
            if (!reason[p].empty() && phase >= request.firstPhase && phase <= request.lastPhase)
                pd.processors.push_back({g.processors[p].name, g.processors[p].phase, reason[p]});
        }
        if (pd.processors.empty()) {
            plan.complete.push_back(d);
            continue;
        }
        plan.items += pd.processors.size();
        plan.dates.push_back(std::move(pd));
    }
    plan.estimate = estimateOf(db, plan, request.workers);
    addConflicts(db, plan, today);
    plan.planMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return plan;
}

BackfillSchedule BackfillPlan::schedule() const
{
    const auto& g = graph();
    std::vector<std::pair<Date, std::vector<size_t>>> dates;
    dates.reserve(this->dates.size());
    for (const auto& pd : this->dates) {
        std::vector<size_t> procs;
        for (const auto& p : pd.processors)
            procs.push_back(g.index.at(p.name));
        dates.emplace_back(pd.date, std::move(procs));
    }
    return BackfillSchedule(g.processors, dates);
}




} // namespace nbaops::jobs
