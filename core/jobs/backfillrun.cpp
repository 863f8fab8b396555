// The executor of a backfill, in steps: claim, reconcile after a crash, the dispatch loop over
// the workers, each run's checkpoint, the checks before and after each date, the ending.
// Over 400 lines on purpose: one class whose steps share the schedule, the workers and the mode.
// Claiming a backfill and reconciling it after a crash are backfillclaim.cpp; the session as
// BackfillWorkers is backfillsession.cpp, the cloud's services as BackfillWorkers backend.cpp.
#include "backfill.h"

#include "backfillchecks.h"
#include "backfillclaim.h"

#include "pipeline/history.h"
#include "pipeline/orphans.h"
#include "pipeline/session.h"
#include "registry/registry.h"
#include "store/audit.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/log.h"
#include "util/process.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace nbaops::jobs {

namespace {

bool served(const std::string& category)
{
    return category == "success" || category == "no_data_available";
}

// The run was stopped before it ended (a cancel, or the process died): it is redone.
bool unfinishedRun(const pipeline::ProcessorResult& r)
{
    return r.outcome.error.rfind("cancelled by the operator", 0) == 0;
}

struct Finished
{
    size_t item = 0;
    size_t worker = 0;
    pipeline::ProcessorResult result;
};

class Executor
{
public:
    Executor(BackfillWorkers& workers, const RunBackfillOptions& options, const Control<BackfillEvent>& control)
        : m_workers(workers), m_options(options), m_control(control),
          m_db(store::Database::open(workers.database())), m_reg(registry::Registry::builtin())
    {
    }

    BackfillResult run();

private:
    BackfillWorkers& m_workers;
    const RunBackfillOptions& m_options;
    const Control<BackfillEvent>& m_control;
    store::Database m_db;
    const registry::Registry& m_reg;
    std::optional<BackfillSchedule> m_schedule;
    std::vector<std::string> m_itemState;     // pending | done | failed | skipped
    std::vector<bool> m_dateStarted;
    int m_errorWindow = 20;
    double m_errorThreshold = 0.3;
    int64_t m_revision = -1;
    std::deque<bool> m_recent;                // root failure per run, newest last
    std::string m_lastFailure;
    enum class Mode { Run, Pausing, Cancelling } m_mode = Mode::Run;
    std::string m_reason;
    bool m_waiting = false;
    static constexpr std::chrono::seconds kBeat{5}; // well inside closeOrphans' 2 x 15 s
    std::chrono::steady_clock::time_point m_lastBeat{};
    BackfillResult m_result;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Finished> m_finished;
    std::map<size_t, std::thread> m_threads;  // by worker
    std::vector<bool> m_busy;

    void load();
    void poll();
    void dispatch();
    bool preCheck(size_t date);
    void skipDate(size_t date, const std::string& why);
    void settle(const Finished& f);
    void postCheck(size_t date);
    void end(std::chrono::steady_clock::time_point t0);
    void report(BackfillEvent::Kind kind, Date date, std::string processor, std::string text,
                const pipeline::ProcessorResult* result = nullptr)
    {
        BackfillEvent e;
        e.kind = kind;
        e.date = date;
        e.processor = std::move(processor);
        e.text = std::move(text);
        e.result = result;
        e.total = int(m_schedule ? m_schedule->items().size() : 0);
        e.done = e.total - int(m_schedule ? m_schedule->unfinished() : 0);
        m_control.report(e);
    }
    const std::string& nameOf(size_t item) const
    {
        return m_schedule->processors()[m_schedule->items()[item].processor].name;
    }
    Date dateOf(size_t item) const { return m_schedule->dates()[m_schedule->items()[item].date]; }
};

// The plan as stored: dates in work order, each with its items; the ended ones marked ended.
void Executor::load()
{
    {
        auto b = m_db.prepare("SELECT error_window, error_threshold, revision FROM backfills WHERE id = ?");
        b.bindAll(m_options.id);
        b.step();
        m_errorWindow = int(b.getInt(0));
        m_errorThreshold = b.getDouble(1);
        m_revision = b.getInt(2);
    }
    std::vector<std::pair<Date, std::vector<size_t>>> dates;
    std::map<std::string, size_t> dateIndex;
    std::vector<bool> checkedBefore, checkedAfter;
    auto d = m_db.prepare("SELECT game_date, pre_check IS NOT NULL, post_check IS NOT NULL FROM backfill_dates"
                          " WHERE backfill_id = ? ORDER BY position");
    d.bindAll(m_options.id);
    while (d.step()) {
        dateIndex[d.getText(0)] = dates.size();
        dates.emplace_back(Date::parseOrThrow(d.getText(0), "a backfill date"), std::vector<size_t>{});
        checkedBefore.push_back(d.getInt(1) != 0);
        checkedAfter.push_back(d.getInt(2) != 0);
    }
    std::map<std::pair<size_t, size_t>, std::string> states;
    auto it = m_db.prepare("SELECT game_date, processor, state FROM backfill_items WHERE backfill_id = ?");
    it.bindAll(m_options.id);
    while (it.step()) {
        const size_t p = backfillProcessorIndex(it.getText(1));
        if (p == size_t(-1))
            throw OpsError("Backfill " + std::to_string(m_options.id) + " plans " + it.getText(1) +
                           ", which this build does not run; cancel it and plan a new one.");
        const size_t di = dateIndex.at(it.getText(0));
        dates[di].second.push_back(p);
        states[{di, p}] = it.getText(2);
    }
    for (auto& [date, procs] : dates)
        std::sort(procs.begin(), procs.end());
    m_schedule.emplace(backfillProcessors(), dates);
    m_itemState.assign(m_schedule->items().size(), "pending");
    m_dateStarted = checkedBefore;
    for (size_t i = 0; i < m_schedule->items().size(); ++i) {
        const auto& item = m_schedule->items()[i];
        m_itemState[i] = states[{item.date, item.processor}];
        if (m_itemState[i] != "pending")
            m_schedule->finish(i);
    }
    m_result.total = int(m_schedule->items().size());
    // A date whose runs all ended before a crash, without its check after.
    for (size_t i = 0; i < dates.size(); ++i) {
        if (!checkedAfter[i] && m_schedule->unfinishedOf(i) == 0)
            postCheck(i);
    }
}

// Requests from other processes, the order, a run that is not ours (it goes first), the heartbeat.
void Executor::poll()
{
    // Each read is finished (its statement reset) before the heartbeat is written: an open read
    // would pin an old snapshot, and SQLite refuses a write from it.
    std::string request;
    int64_t revision = 0;
    {
        auto b = m_db.prepare("SELECT coalesce(request, ''), revision FROM backfills WHERE id = ?");
        b.bindAll(m_options.id);
        b.step();
        request = b.getText(0);
        revision = b.getInt(1);
    }
    if (m_control.cancelled() && m_mode == Mode::Run) {
        m_mode = Mode::Pausing;
        m_reason = "interrupted by the operator; the runs in flight finished first";
    }
    if (request == "pause" && m_mode == Mode::Run) {
        m_mode = Mode::Pausing;
        m_reason = "paused on request; the runs in flight finished first";
    }
    if (request == "cancel" && m_mode != Mode::Cancelling) {
        m_mode = Mode::Cancelling;
        m_reason = "cancelled on request; the runs in flight were stopped and nothing else started";
        m_workers.interrupt(true);
    }
    if (revision != m_revision) {
        m_revision = revision;
        std::vector<Date> order;
        {
            auto d = m_db.prepare("SELECT game_date FROM backfill_dates WHERE backfill_id = ? ORDER BY position");
            d.bindAll(m_options.id);
            while (d.step())
                order.push_back(Date::parseOrThrow(d.getText(0), "a backfill date"));
        }
        m_schedule->moveToFront(order);
        report(BackfillEvent::Kind::Waiting, order.empty() ? Date() : order.front(), {},
               "the dates were reordered; " + (order.empty() ? std::string() : order.front().iso()) + " is next");
    }
    std::string other;
    if (m_workers.waitsForOtherRuns()) {
        auto st = m_db.prepare("SELECT run_id FROM processor_runs WHERE status = 'running' AND backfill_id IS NULL"
                               " LIMIT 1");
        if (st.step())
            other = st.getText(0);
    }
    if (!other.empty() && !m_waiting)
        report(BackfillEvent::Kind::Waiting, {}, {}, "run " + other + " is running: it goes first, the backfill waits for it");
    if (other.empty() && m_waiting)
        report(BackfillEvent::Kind::Waiting, {}, {}, "the other run ended; the backfill goes on");
    m_waiting = !other.empty();
    // The heartbeat is a write: every few seconds, not every poll (the workers write too).
    if (const auto now = std::chrono::steady_clock::now(); now - m_lastBeat >= kBeat) {
        m_lastBeat = now;
        m_db.prepare("UPDATE backfills SET heartbeat_at = ? WHERE id = ?").bindAll(nowIsoUtc(), m_options.id).run();
    }
}

// Before the date: its inputs exist (see missingInputs); else the date is skipped, and said.
bool Executor::preCheck(size_t date)
{
    const Date d = m_schedule->dates()[date];
    std::set<std::string> planned;
    for (size_t i : m_schedule->itemsOf(date))
        planned.insert(nameOf(i));
    const auto missing = missingInputs(m_db, m_reg, d, planned);
    std::string text = "ok";
    if (!missing.empty()) {
        text = "inputs missing for " + d.iso() + " and not in the plan: ";
        for (size_t i = 0; i < missing.size(); ++i)
            text += (i ? "; " : "") + missing[i];
    }
    m_db.prepare("UPDATE backfill_dates SET pre_check = ?, state = ? WHERE backfill_id = ? AND game_date = ?")
        .bindAll(text, missing.empty() ? "running" : "skipped", m_options.id, d.iso())
        .run();
    if (!missing.empty())
        skipDate(date, text);
    return missing.empty();
}

void Executor::skipDate(size_t date, const std::string& why)
{
    const Date d = m_schedule->dates()[date];
    store::Transaction tx(m_db);
    auto skip = m_db.prepare("UPDATE backfill_items SET state = 'skipped', category = ? WHERE backfill_id = ?"
                             " AND game_date = ? AND processor = ? AND state = 'pending'");
    for (size_t i : m_schedule->itemsOf(date)) {
        if (m_itemState[i] != "pending")
            continue;
        skip.reset();
        skip.bindAll(std::string("skipped: the check before the date failed"), m_options.id, d.iso(), nameOf(i));
        skip.run();
        m_itemState[i] = "skipped";
        m_schedule->finish(i);
        ++m_result.skipped;
    }
    tx.commit();
    report(BackfillEvent::Kind::DateChecked, d, {}, d.iso() + " skipped: " + why);
}

void Executor::dispatch()
{
    if (m_mode != Mode::Run || m_waiting)
        return;
    while (true) {
        const auto free = std::find(m_busy.begin(), m_busy.end(), false);
        if (free == m_busy.end())
            return;
        const auto item = m_schedule->next();
        if (!item)
            return;
        const size_t date = m_schedule->items()[*item].date;
        if (!m_dateStarted[date]) {
            m_dateStarted[date] = true;
            if (!preCheck(date))
                continue;
        }
        const size_t w = size_t(free - m_busy.begin());
        m_busy[w] = true;
        const std::string name = nameOf(*item);
        const Date d = dateOf(*item);
        report(BackfillEvent::Kind::ItemStarted, d, name, {});
        if (auto old = m_threads.find(w); old != m_threads.end()) {
            old->second.join();
            m_threads.erase(old);
        }
        m_threads.emplace(w, std::thread([this, item = *item, w, name, d] {
            Finished f{item, w, {}};
            try {
                f.result = m_workers.run(name, d, w);
            } catch (const std::exception& e) {
                f.result.processor = name;
                f.result.date = d;
                f.result.outcome.category = pipeline::Category::Error;
                f.result.outcome.error = std::string("the run could not be recorded: ") + e.what();
            }
            std::lock_guard lock(m_mutex);
            m_finished.push_back(std::move(f));
            m_changed.notify_all();
        }));
    }
}

// One run ended: its checkpoint, the error rate, and the date's check once the date is complete.
void Executor::settle(const Finished& f)
{
    m_busy[f.worker] = false;
    const auto& r = f.result;
    if (unfinishedRun(r)) {
        m_schedule->putBack(f.item); // stopped by a cancel: it stays pending
        return;
    }
    ++m_result.ranNow;
    const std::string category(pipeline::toString(r.outcome.category));
    const std::string state = served(category) ? "done" : "failed";
    m_db.prepare("UPDATE backfill_items SET state = ?, run_pk = ?, category = ?, duration_ms = ?"
                 " WHERE backfill_id = ? AND game_date = ? AND processor = ?")
        .bindAll(state, r.runPk ? std::optional<int64_t>(r.runPk) : std::nullopt, category, r.durationMs,
                 m_options.id, r.date.iso(), r.processor)
        .run();
    m_itemState[f.item] = state;
    (state == "done" ? m_result.done : m_result.failed) += 1;
    m_schedule->finish(f.item);
    report(BackfillEvent::Kind::ItemFinished, r.date, r.processor, {}, &r);

    const bool failed = countsAsFailure(category, r.outcome.error);
    if (failed)
        m_lastFailure = r.processor + " " + r.date.iso() + ": " + r.outcome.error;
    m_recent.push_back(failed);
    while (int(m_recent.size()) > m_errorWindow)
        m_recent.pop_front();
    const int failures = int(std::count(m_recent.begin(), m_recent.end(), true));
    if (m_mode == Mode::Run && int(m_recent.size()) >= m_errorWindow &&
        double(failures) / m_errorWindow > m_errorThreshold) {
        m_mode = Mode::Pausing;
        char buf[160];
        std::snprintf(buf, sizeof buf, "paused by itself: %d of the last %d runs failed (%.0f%%, above %.0f%%)",
                      failures, m_errorWindow, 100.0 * failures / m_errorWindow, 100 * m_errorThreshold);
        m_reason = std::string(buf) + "; the latest: " + m_lastFailure + ". Fix the cause, then 'nbaops backfill resume " +
                   std::to_string(m_options.id) + "'";
        report(BackfillEvent::Kind::Waiting, r.date, {}, m_reason);
    }
    const size_t date = m_schedule->items()[f.item].date;
    if (m_schedule->unfinishedOf(date) == 0)
        postCheck(date);
}

// After the date: see checkDate.
void Executor::postCheck(size_t date)
{
    const Date d = m_schedule->dates()[date];
    const auto check = checkDate(m_db, m_reg, m_options.id, d, m_workers.tablesHere());
    m_db.prepare("UPDATE backfill_dates SET post_check = ?, state = ? WHERE backfill_id = ? AND game_date = ?")
        .bindAll(check.text(), check.failedRun || !check.problems.empty() ? "failed" : "done", m_options.id, d.iso())
        .run();
    report(BackfillEvent::Kind::DateChecked, d, {}, d.iso() + ": " + check.text());
}

void Executor::end(std::chrono::steady_clock::time_point t0)
{
    m_result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const size_t left = m_schedule->unfinished();
    std::string state = left == 0 ? "done" : m_mode == Mode::Cancelling ? "cancelled" : "paused";
    {
        auto counts = m_db.prepare("SELECT sum(state = 'done'), sum(state = 'failed'), sum(state = 'skipped')"
                                   " FROM backfill_items WHERE backfill_id = ?");
        counts.bindAll(m_options.id);
        counts.step();
        m_result.done = int(counts.getInt(0));
        m_result.failed = int(counts.getInt(1));
        m_result.skipped = int(counts.getInt(2));
    }
    if (state == "done")
        m_reason = "finished: " + std::to_string(m_result.done) + " run(s) done, " + std::to_string(m_result.failed) +
                   " failed, " + std::to_string(m_result.skipped) + " skipped";
    else if (m_reason.empty())
        m_reason = "stopped with " + std::to_string(left) + " run(s) left";
    m_result.state = state;
    m_result.reason = m_reason;
    const std::string actor = m_options.actor.empty() ? store::currentActor() : m_options.actor;
    store::Transaction tx(m_db);
    m_db.prepare("UPDATE backfills SET state = ?, reason = ?, request = NULL, pid = NULL, process_start = NULL,"
                 " host = NULL, finished_at = ?, run_seconds = run_seconds + ? WHERE id = ?")
        .bindAll(state, m_reason, state == "paused" ? std::nullopt : std::optional<std::string>(nowIsoUtc()),
                 m_result.seconds, m_options.id)
        .run();
    store::writeAudit(m_db, actor, "backfill." + state,
                      "backfill " + std::to_string(m_options.id) + ": " + m_reason + " (" +
                          std::to_string(m_result.ranNow) + " run(s) in " + durationText(m_result.seconds) + ")");
    tx.commit();
    report(BackfillEvent::Kind::Stopped, {}, {}, "backfill " + std::to_string(m_options.id) + " " + state + ": " + m_reason);
}

BackfillResult Executor::run()
{
    const std::string actor = m_options.actor.empty() ? store::currentActor() : m_options.actor;
    claim(m_db, m_options.id, actor);
    m_result.id = m_options.id;
    const auto t0 = std::chrono::steady_clock::now();
    try {
        reconcile(m_db, m_options.id);
        load();
        {
            auto est = m_db.prepare("SELECT coalesce(estimate_s, 0) FROM backfills WHERE id = ?");
            est.bindAll(m_options.id);
            est.step();
            m_result.estimateS = est.getDouble(0);
        }
        m_busy.assign(m_workers.count(), false);
        m_workers.attach(m_options.id);
        report(BackfillEvent::Kind::Started, {}, {},
               "backfill " + std::to_string(m_options.id) + ": " + std::to_string(m_schedule->unfinished()) + " of " +
                   std::to_string(m_result.total) + " run(s) to do on " + std::to_string(m_workers.count()) +
                   " worker(s)");
        auto lastPoll = std::chrono::steady_clock::now() - m_options.poll;
        while (true) {
            if (std::chrono::steady_clock::now() - lastPoll >= m_options.poll) {
                poll();
                lastPoll = std::chrono::steady_clock::now();
            }
            dispatch();
            const bool running = std::find(m_busy.begin(), m_busy.end(), true) != m_busy.end();
            if (!running && (m_mode != Mode::Run || m_schedule->unfinished() == 0))
                break;
            if (!running && !m_waiting && m_schedule->readyCount() == 0) {
                m_mode = Mode::Pausing; // cannot happen with a sound plan; said rather than spun on
                m_reason = "nothing could start although " + std::to_string(m_schedule->unfinished()) +
                           " run(s) are left; report this with 'nbaops backfill status --json'";
                break;
            }
            std::deque<Finished> done;
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait_for(lock, m_options.poll, [&] { return !m_finished.empty(); });
                done.swap(m_finished);
            }
            for (auto& f : done)
                settle(f);
        }
    } catch (const std::exception& e) {
        m_workers.interrupt(true);
        for (auto& [w, t] : m_threads)
            t.join();
        m_workers.interrupt(false);
        m_workers.attach(0);
        try {
            m_db.prepare("UPDATE backfills SET state = 'paused', reason = ?, pid = NULL WHERE id = ?")
                .bindAll(std::string("stopped by an error (") + e.what() + "); resume it once the cause is fixed",
                         m_options.id)
                .run();
        } catch (const std::exception&) {
            // closeOrphans pauses it once this process has ended
        }
        throw;
    }
    for (auto& [w, t] : m_threads)
        t.join();
    m_threads.clear();
    m_workers.interrupt(false);
    m_workers.attach(0);
    end(t0);
    return m_result;
}

} // namespace

BackfillResult runBackfill(BackfillWorkers& workers, const RunBackfillOptions& options,
                           const Control<BackfillEvent>& control)
{
    Executor executor(workers, options, control);
    return executor.run();
}

} // namespace nbaops::jobs
