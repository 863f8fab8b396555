#include "health.h"

#include "checks.h"
#include "format.h"

#include "registry/registry.h"
#include "store/database.h"
#include "util/errors.h"

#include <algorithm>
#include <set>

namespace nbaops::health {

namespace {


int severity(State s)
{
    switch (s) {
    case State::Healthy: return 0;
    case State::Degraded: return 1;
    case State::Failed: return 2;
    case State::NotRun: return 1;
    }
    return 2;
}

struct LatestRun
{
    std::string category, status, startedAt, finishedAt, error, runId;
    int64_t durationMs = 0, recordsOut = 0;
    int attempt = 0;
};

// Latest run per processor for each date in [from, to].
std::map<std::string, std::map<std::string, LatestRun>> latestRuns(store::Database& db, Date from, Date to)
{
    auto st = db.prepare(
        "SELECT l.game_date, l.processor, COALESCE(r.failure_category, ''), r.status, r.started_at,"
        " COALESCE(r.finished_at, ''), COALESCE(r.error, ''), r.run_id, COALESCE(r.duration_ms, 0),"
        " COALESCE(r.records_out, 0), r.attempt FROM processor_latest l"
        " JOIN processor_runs r ON r.id = l.run_pk WHERE l.game_date BETWEEN ? AND ?");
    st.bindAll(from.iso(), to.iso());
    std::map<std::string, std::map<std::string, LatestRun>> out;
    while (st.step()) {
        LatestRun r{st.getText(2), st.getText(3), st.getText(4), st.getText(5), st.getText(6),
                    st.getText(7), st.getInt(8), st.getInt(9), int(st.getInt(10))};
        out[st.getText(0)][st.getText(1)] = std::move(r);
    }
    return out;
}

struct PhaseEval
{
    State state;
    std::string reason;
};

PhaseEval evaluatePhase(const PhaseHealth& ph)
{
    if (!ph.scheduled)
        return {State::NotRun, "no processor of this phase runs in the local pipeline yet"};
    int ran = 0, notRun = 0, running = 0, criticalFail = 0, otherFail = 0, below = 0;
    std::string firstFail;
    for (const auto& p : ph.processors) {
        if (!p.implemented)
            continue;
        if (p.status == "not_run") {
            ++notRun;
            continue;
        }
        ++ran;
        if (p.status == "running")
            ++running;
        if (isRealFailureCategory(p.category)) {
            (p.criticality == "CRITICAL" ? criticalFail : otherFail)++;
            if (firstFail.empty())
                firstFail = p.name + " " + p.category;
        }
        below += p.belowExpectedRecords ? 1 : 0;
    }
    if (ran == 0)
        return {State::NotRun, "nothing ran for this date"};
    if (criticalFail > 0)
        return {State::Failed, std::to_string(criticalFail + otherFail) + " failed (" + firstFail + ")"};
    if (otherFail > 0)
        return {State::Degraded, std::to_string(otherFail) + " non-critical failed (" + firstFail + ")"};
    if (running > 0)
        return {State::Degraded, std::to_string(running) + " still running"};
    if (notRun > 0)
        return {State::Degraded, std::to_string(notRun) + " did not run"};
    if (ph.slaMissed > 0)
        return {State::Degraded, std::to_string(ph.slaMissed) + " missed the SLA"};
    if (below > 0)
        return {State::Degraded, std::to_string(below) + " wrote fewer records than expected"};
    return {State::Healthy, "all " + std::to_string(ran) + " runs succeeded or had no games"};
}

State overallOf(const std::vector<PhaseHealth>& phases)
{
    int scheduled = 0, notRun = 0, worst = 0;
    for (const auto& p : phases) {
        if (!p.scheduled)
            continue;
        ++scheduled;
        if (p.state == State::NotRun)
            ++notRun;
        worst = std::max(worst, severity(p.state));
    }
    if (scheduled == 0 || notRun == scheduled)
        return State::Failed; // nothing ran: the pipeline is stalled
    return worst == 0 ? State::Healthy : (worst == 1 ? State::Degraded : State::Failed);
}

void fillProcessors(PhaseHealth& ph, const registry::Registry& reg, const std::set<std::string>& impl,
                    const std::map<std::string, LatestRun>* runs, Date date, TimePoint now)
{
    for (const auto& spec : reg.processors()) {
        if (spec.phase != ph.phase)
            continue;
        ProcessorStatus ps;
        ps.name = spec.name;
        ps.phase = spec.phase;
        ps.criticality = std::string(registry::toString(spec.criticality));
        ps.implemented = impl.count(spec.name) > 0;
        ps.status = "not_run";
        ps.sla = "n/a";
        const TimePoint deadline = easternTime(date.addDays(1), spec.slaHour, spec.slaMinute);
        ps.slaDeadline = formatEastern(deadline);
        const LatestRun* r = nullptr;
        if (runs) {
            const auto it = runs->find(spec.name);
            if (it != runs->end())
                r = &it->second;
        }
        if (r) {
            ps.category = r->category;
            ps.status = r->status;
            ps.startedAt = r->startedAt;
            ps.finishedAt = r->finishedAt;
            ps.durationMs = r->durationMs;
            ps.recordsOut = r->recordsOut;
            ps.attempt = r->attempt;
            ps.error = r->error;
            ps.belowExpectedRecords = r->category == "success" && r->recordsOut < spec.minRecords;
        }
        if (ps.implemented) {
            const bool done = r && (r->category == "success" || r->category == "no_data_available");
            const auto finished = r ? parseIsoUtc(r->finishedAt) : std::nullopt;
            if (done && finished)
                ps.sla = *finished <= deadline ? "met" : "missed";
            else
                ps.sla = now > deadline ? "missed" : "pending";
            ph.slaMet += ps.sla == "met";
            ph.slaMissed += ps.sla == "missed";
            ph.slaPending += ps.sla == "pending";
            ph.realFailures += isRealFailureCategory(ps.category) ? 1 : 0;
        }
        ph.processors.push_back(std::move(ps));
    }
}

// The date the report is about: the query's, else the latest game date with runs (or
// yesterday on an empty history, which the report then says).
Date reportDate(store::Database& db, const Query& q, TimePoint now, Report& rep)
{
    if (q.date)
        return *q.date;
    auto st = db.prepare("SELECT max(game_date) FROM processor_latest");
    st.step();
    if (st.isNull(0)) {
        rep.empty = true;
        return easternDateOf(now).addDays(-1);
    }
    return Date::parseOrThrow(st.getText(0), "The latest game date in the run history");
}

bool scheduledPhase(const registry::Registry& reg, const std::set<std::string>& impl, int phase)
{
    for (const auto& spec : reg.processors())
        if (spec.phase == phase && impl.count(spec.name))
            return true;
    return false;
}

// Each phase's tile: runs by category over the window (from the daily summary), its last
// success, its processors for the date and its state.
void addPhaseTiles(store::Database& db, const registry::Registry& reg, const std::set<std::string>& impl,
                   const Query& q, Date from, Date date, const std::map<std::string, LatestRun>* dayRuns,
                   TimePoint now, Report& rep)
{
    std::map<int, std::map<std::string, int>> byCat;
    auto counts = db.prepare("SELECT phase, failure_category, sum(runs) FROM run_daily_summary"
                             " WHERE game_date BETWEEN ? AND ? GROUP BY phase, failure_category");
    counts.bindAll(from.iso(), date.iso());
    while (counts.step())
        byCat[int(counts.getInt(0))][counts.getText(1)] = int(counts.getInt(2));
    std::map<std::string, std::string> lastSuccess;
    auto last = db.prepare("SELECT processor, finished_at FROM processor_last_success");
    while (last.step())
        lastSuccess[last.getText(0)] = last.getText(1);

    for (const auto& phaseSpec : reg.phases()) {
        PhaseHealth ph;
        ph.phase = phaseSpec.phase;
        ph.name = phaseSpec.name;
        ph.scheduled = scheduledPhase(reg, impl, ph.phase);
        for (const auto& spec : reg.processors()) {
            const auto it = lastSuccess.find(spec.name);
            if (spec.phase == ph.phase && it != lastSuccess.end() && (!ph.lastSuccess || *ph.lastSuccess < it->second))
                ph.lastSuccess = it->second;
        }
        ph.byCategory = byCat[ph.phase];
        for (const auto& [cat, n] : ph.byCategory) {
            ph.runs += n;
            if (cat == "no_data_available")
                rep.expectedNoData += n;
        }
        fillProcessors(ph, reg, impl, dayRuns, date, now);
        const PhaseEval ev = evaluatePhase(ph);
        ph.state = ev.state;
        ph.reason = ev.reason;
        // The processors are needed for the evaluation; modes that do not show them drop them.
        if (q.mode != Mode::Pipeline && q.mode != Mode::Full && q.mode != Mode::Phase)
            ph.processors.clear();
        if (q.mode == Mode::Phase && ph.phase != q.phase)
            continue; // one phase's view: its tile and processors only
        rep.phases.push_back(std::move(ph));
    }
}

// Older failures nobody has fixed yet (their latest run is still a real failure).
int openEarlier(store::Database& db, Date from, Date date)
{
    auto st = db.prepare("SELECT count(*) FROM processor_latest l JOIN processor_runs r ON r.id = l.run_pk"
                         " WHERE l.game_date BETWEEN ? AND ?"
                         " AND r.failure_category IN ('dependency_missing', 'validation_failed', 'timeout', 'error')");
    st.bindAll(date.addDays(-6).iso(), from.addDays(-1).iso());
    st.step();
    return int(st.getInt(0));
}

// Freshness of each data table against the run of its producer for the date.
std::vector<Freshness> freshness(store::Database& db, const registry::Registry& reg, const std::set<std::string>& impl,
                                 Date date, const std::map<std::string, LatestRun>* dayRuns)
{
    auto st = db.prepare("SELECT table_name, latest_game_date, last_write_at FROM table_freshness");
    std::map<std::string, std::pair<std::optional<std::string>, std::string>> written;
    while (st.step())
        written[st.getText(0)] = {st.getOptText(1), st.getText(2)};
    std::vector<Freshness> out;
    for (const auto& spec : reg.processors()) {
        if (!impl.count(spec.name) || spec.phase == 1)
            continue;
        Freshness f;
        f.table = spec.output;
        f.producer = spec.name;
        if (const auto it = written.find(spec.output); it != written.end()) {
            f.latestGameDate = it->second.first;
            f.lastWriteAt = it->second.second;
        }
        std::string cat;
        if (dayRuns) {
            if (const auto r = dayRuns->find(spec.name); r != dayRuns->end())
                cat = r->second.category;
        }
        if (f.latestGameDate) {
            const auto latest = Date::parse(*f.latestGameDate);
            f.lagDays = latest ? std::max(0, latest->daysUntil(date)) : 0;
        }
        if (!f.latestGameDate)
            f.state = "empty";
        else if (cat == "success" || cat == "no_data_available")
            f.state = "fresh";
        else
            f.state = "stale";
        out.push_back(std::move(f));
    }
    return out;
}

// The full mode's last seven days, one overall state per phase and day.
std::vector<DayHealth> recentDays(const registry::Registry& reg, const std::set<std::string>& impl, Date date,
                                  const std::map<std::string, std::map<std::string, LatestRun>>& runs, TimePoint now)
{
    std::vector<DayHealth> out;
    for (int k = 6; k >= 0; --k) {
        const Date d = date.addDays(-k);
        const auto it = runs.find(d.iso());
        DayHealth day;
        day.date = d.iso();
        std::vector<PhaseHealth> phases;
        for (const auto& phaseSpec : reg.phases()) {
            PhaseHealth ph;
            ph.phase = phaseSpec.phase;
            ph.scheduled = scheduledPhase(reg, impl, ph.phase);
            fillProcessors(ph, reg, impl, it == runs.end() ? nullptr : &it->second, d, now);
            ph.state = evaluatePhase(ph).state;
            day.phases[size_t(ph.phase - 1)] = ph.state;
            phases.push_back(std::move(ph));
        }
        day.overall = overallOf(phases);
        out.push_back(day);
    }
    return out;
}

} // namespace

Report check(store::Database& db, const registry::Registry& reg,
             const std::vector<std::string>& implemented, const Query& q, TimePoint now)
{
    const auto t0 = std::chrono::steady_clock::now();
    Report rep;
    rep.mode = q.mode;
    rep.database = db.path().string();
    rep.generatedAt = toIsoUtc(now);
    const std::set<std::string> impl(implemented.begin(), implemented.end());
    const Date date = reportDate(db, q, now, rep);
    rep.date = date.iso();
    const bool week = q.mode == Mode::Full || q.mode == Mode::Errors || q.mode == Mode::Workflows;
    rep.windowDays = q.windowDays > 0 ? q.windowDays : (week ? 7 : 1);
    const Date from = date.addDays(1 - rep.windowDays);
    const auto runs = latestRuns(db, rep.mode == Mode::Full ? date.addDays(-6) : date, date);
    const auto it = runs.find(date.iso());
    const auto* dayRuns = it == runs.end() ? nullptr : &it->second;

    addPhaseTiles(db, reg, impl, q, from, date, dayRuns, now, rep);
    rep.overall = overallOf(rep.phases);
    rep.exitCode = exitCodeFor(rep.overall);
    rep.failures = realFailures(db, reg, from, date);
    if (rep.windowDays < 7)
        rep.openEarlier = openEarlier(db, from, date);
    rep.freshness = freshness(db, reg, impl, date, dayRuns);
    if (q.mode == Mode::Full)
        rep.recentDays = recentDays(reg, impl, date, runs, now);
    if (q.mode == Mode::Errors)
        rep.phases.clear();

    // The checks beyond the tiles; gaps and their cascade; the orchestrator's runs.
    if (!rep.empty) {
        if (q.mode != Mode::Errors)
            rep.checks = runChecks(db, reg, date, rep.windowDays, now, q.mode == Mode::Full, q.runHistoryOnly);
        rep.gaps = findGaps(db, reg, impl, from, date);
        if (q.mode == Mode::Workflows)
            rep.workflows = workflows(db, from, date);
        // A failed check (a stuck run, incomplete box scores, a full disk) is not healthy.
        for (const auto& c : rep.checks) {
            if (c.state == "failed" && rep.overall == State::Healthy) {
                rep.overall = State::Degraded;
                rep.exitCode = exitCodeFor(rep.overall);
            }
        }
    }
    rep.next = nextSteps(rep, q.commands);
    for (const auto& n : rep.next)
        rep.nextSteps.push_back(n.text);
    rep.elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return rep;
}
} // namespace nbaops::health
