// A backfill's durable state: creating one from a plan, reading it, and the requests other
// processes make (pause, cancel, reorder). The executor is backfillrun.cpp.
#include "backfill.h"

#include "pipeline/orphans.h"
#include "store/audit.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/process.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

namespace nbaops::jobs {

namespace {

constexpr const char* kInfoColumns =
    "id, created_at, created_by, source, first_date, last_date, state, coalesce(request, ''), coalesce(reason, ''),"
    " coalesce(started_at, ''), coalesce(finished_at, ''), dates, items, workers, force, error_window,"
    " error_threshold, coalesce(estimate_s, 0), coalesce(estimate_low_s, 0), coalesce(estimate_high_s, 0),"
    " run_seconds, pid, host";

BackfillInfo readInfo(store::Database& db, store::Statement& row)
{
    BackfillInfo b;
    b.id = row.getInt(0);
    b.createdAt = row.getText(1);
    b.createdBy = row.getText(2);
    b.source = row.getText(3);
    b.firstDate = row.getText(4);
    b.lastDate = row.getText(5);
    b.state = row.getText(6);
    b.request = row.getText(7);
    b.reason = row.getText(8);
    b.startedAt = row.getText(9);
    b.finishedAt = row.getText(10);
    b.dates = int(row.getInt(11));
    b.items = int(row.getInt(12));
    b.workers = int(row.getInt(13));
    b.force = row.getInt(14) != 0;
    b.errorWindow = int(row.getInt(15));
    b.errorThreshold = row.getDouble(16);
    b.estimateS = row.getDouble(17);
    b.estimateLowS = row.getDouble(18);
    b.estimateHighS = row.getDouble(19);
    b.runSeconds = row.getDouble(20);
    if (b.state == "running" && !row.isNull(21))
        b.executor = "pid " + std::to_string(row.getInt(21)) + " on " + row.getText(22);

    auto items = db.prepare("SELECT phase, state, count(*) FROM backfill_items WHERE backfill_id = ? GROUP BY phase, state");
    items.bindAll(b.id);
    while (items.step()) {
        const int phase = int(items.getInt(0));
        const std::string state = items.getText(1);
        const int n = int(items.getInt(2));
        if (phase >= 1 && phase <= 6) {
            b.phases[size_t(phase - 1)].total += n;
            if (state != "pending")
                b.phases[size_t(phase - 1)].done += n;
        }
        (state == "done" ? b.done : state == "failed" ? b.failed : state == "skipped" ? b.skipped : b.pending) += n;
    }
    auto dates = db.prepare("SELECT state, count(*) FROM backfill_dates WHERE backfill_id = ? GROUP BY state");
    dates.bindAll(b.id);
    while (dates.step()) {
        const std::string state = dates.getText(0);
        if (state == "done")
            b.datesDone = int(dates.getInt(1));
        else if (state == "failed" || state == "skipped")
            b.datesFailed += int(dates.getInt(1));
    }
    auto recent = db.prepare("SELECT failure_category, coalesce(error, '') FROM processor_runs"
                             " WHERE backfill_id = ? AND status <> 'running' ORDER BY id DESC LIMIT ?");
    recent.bindAll(b.id, int64_t(b.errorWindow));
    int n = 0, failed = 0;
    while (recent.step()) {
        ++n;
        failed += countsAsFailure(recent.getText(0), recent.getText(1)) ? 1 : 0;
    }
    b.errorRate = n ? double(failed) / n : 0;
    const int ended = b.done + b.failed + b.skipped;
    if (b.pending == 0)
        b.etaS = 0;
    else if (ended > 0 && b.runSeconds > 0)
        b.etaS = b.runSeconds * b.pending / ended;
    else if (b.items > 0 && b.estimateS > 0)
        b.etaS = b.estimateS * b.pending / b.items;
    return b;
}

std::optional<BackfillInfo> readOne(store::Database& db, int64_t id)
{
    auto st = db.prepare(std::string("SELECT ") + kInfoColumns + " FROM backfills WHERE id = ?");
    st.bindAll(id);
    if (!st.step())
        return std::nullopt;
    return readInfo(db, st);
}

BackfillInfo require(store::Database& db, int64_t id)
{
    auto b = readOne(db, id);
    if (!b)
        throw UsageError("There is no backfill " + std::to_string(id) + "; 'nbaops backfill list' shows them.");
    return *b;
}

// The executor of a running backfill is alive (or on another host and beating).
bool executorAlive(store::Database& db, int64_t id)
{
    pipeline::closeOrphans(db, std::chrono::system_clock::now());
    auto st = db.prepare("SELECT state FROM backfills WHERE id = ?");
    st.bindAll(id);
    return st.step() && st.getText(0) == "running";
}

} // namespace

bool countsAsFailure(const std::string& category, const std::string& error)
{
    if (category == "success" || category == "no_data_available" || category.empty())
        return false;
    return error.rfind("cancelled by the operator", 0) != 0 && error != pipeline::kOrphanError;
}

nlohmann::json BackfillInfo::toJson() const
{
    nlohmann::json phasesJson = nlohmann::json::array();
    for (size_t i = 0; i < phases.size(); ++i)
        phasesJson.push_back({{"phase", i + 1}, {"done", phases[i].done}, {"total", phases[i].total}});
    return {{"id", id},
            {"created_at", createdAt},
            {"created_by", createdBy},
            {"source", source},
            {"first_date", firstDate},
            {"last_date", lastDate},
            {"state", state},
            {"request", request},
            {"reason", reason},
            {"started_at", startedAt},
            {"finished_at", finishedAt},
            {"dates", dates},
            {"items", items},
            {"workers", workers},
            {"force", force},
            {"done", done},
            {"failed", failed},
            {"skipped", skipped},
            {"pending", pending},
            {"dates_done", datesDone},
            {"dates_failed", datesFailed},
            {"phases", phasesJson},
            {"error_rate", errorRate},
            {"error_window", errorWindow},
            {"error_threshold", errorThreshold},
            {"estimate_s", estimateS},
            {"estimate_low_s", estimateLowS},
            {"estimate_high_s", estimateHighS},
            {"run_seconds", runSeconds},
            {"eta_s", etaS ? nlohmann::json(*etaS) : nlohmann::json()},
            {"executor", executor}};
}

std::string BackfillInfo::text() const
{
    std::ostringstream out;
    out << "Backfill " << id << " (" << source << ", " << firstDate << " to " << lastDate << "), started by "
        << createdBy << " at " << createdAt << ": " << state;
    if (!request.empty())
        out << " (asked to " << request << ")";
    if (!executor.empty())
        out << ", " << executor;
    out << "\n";
    if (!reason.empty())
        out << "  " << reason << "\n";
    const int ended = done + failed + skipped;
    char line[200];
    std::snprintf(line, sizeof line, "  %d of %d runs ended (%d done, %d failed, %d skipped); %d of %d dates done", ended,
                  items, done, failed, skipped, datesDone, dates);
    out << line;
    if (datesFailed > 0)
        out << ", " << datesFailed << " failed";
    out << "\n  ";
    for (size_t i = 0; i < phases.size(); ++i) {
        if (phases[i].total > 0)
            out << "phase " << i + 1 << " " << phases[i].done << "/" << phases[i].total << "  ";
    }
    std::snprintf(line, sizeof line, "\n  error rate %.0f%% of the last %d runs (pauses above %.0f%%)", errorRate * 100,
                  errorWindow, errorThreshold * 100);
    out << line << "; ran " << durationText(runSeconds) << " of an estimated " << durationText(estimateS);
    if (etaS && pending > 0)
        out << "; about " << durationText(*etaS) << " left";
    out << "\n";
    return out.str();
}

int64_t createBackfill(store::Database& db, const BackfillPlan& plan, const BackfillSettings& settings,
                       const std::string& actor)
{
    if (plan.dates.empty())
        throw UsageError("Nothing to backfill: " +
                         (plan.complete.empty() ? std::string("no dates were found (") + plan.source + ")"
                                                : "all " + std::to_string(plan.complete.size()) +
                                                      " date(s) asked for are complete") +
                         ". Use --force to rerun complete dates.");
    if (settings.errorWindow < 1 || settings.errorThreshold <= 0 || settings.errorThreshold > 1)
        throw UsageError("The error window must be at least 1 run and the threshold above 0 and at most 1.");
    std::vector<Date> dates;
    for (const auto& pd : plan.dates)
        dates.push_back(pd.date);
    store::Transaction tx(db); // BEGIN IMMEDIATE: two overlapping creations cannot both pass the check
    if (const auto holders = holdersOf(db, dates); !holders.empty())
        throw UsageError("Refused: " + holders.front().text() + ". Resume it ('nbaops backfill resume " +
                         std::to_string(holders.front().id) + "'), cancel it ('nbaops backfill cancel " +
                         std::to_string(holders.front().id) + "'), or leave those dates out.");
    const auto [first, last] = std::minmax_element(dates.begin(), dates.end());
    db.prepare("INSERT INTO backfills(created_at, created_by, source, first_date, last_date, dates, items, workers,"
               " force, error_window, error_threshold, state, reason, estimate_s, estimate_low_s, estimate_high_s)"
               " VALUES (?,?,?,?,?,?,?,?,?,?,?,'paused','not started yet',?,?,?)")
        .bindAll(nowIsoUtc(), actor, plan.source, first->iso(), last->iso(), int64_t(dates.size()), int64_t(plan.items),
                 int64_t(plan.workers), int64_t(plan.force), int64_t(settings.errorWindow), settings.errorThreshold,
                 plan.estimate.seconds, plan.estimate.low, plan.estimate.high)
        .run();
    const int64_t id = db.lastInsertRowId();
    auto date = db.prepare("INSERT INTO backfill_dates(backfill_id, game_date, position) VALUES (?,?,?)");
    auto item = db.prepare("INSERT INTO backfill_items(backfill_id, game_date, processor, phase) VALUES (?,?,?,?)");
    int64_t position = 0;
    for (const auto& pd : plan.dates) {
        date.reset();
        date.bindAll(id, pd.date.iso(), position++);
        date.run();
        for (const auto& p : pd.processors) {
            item.reset();
            item.bindAll(id, pd.date.iso(), p.name, int64_t(p.phase));
            item.run();
        }
    }
    store::writeAudit(db, actor, "backfill.create",
                      "backfill " + std::to_string(id) + ": " + plan.source + ", " + std::to_string(dates.size()) +
                          " dates, " + std::to_string(plan.items) + " runs, " + std::to_string(plan.workers) +
                          " worker(s)" + (plan.force ? ", forced" : ""));
    tx.commit();
    return id;
}

std::optional<BackfillInfo> backfillInfo(store::Database& db, int64_t id)
{
    return readOne(db, id);
}

std::vector<BackfillInfo> listBackfills(store::Database& db, int limit)
{
    std::vector<BackfillInfo> out;
    auto st = db.prepare(std::string("SELECT ") + kInfoColumns + " FROM backfills ORDER BY id DESC LIMIT ?");
    st.bindAll(int64_t(limit));
    while (st.step())
        out.push_back(readInfo(db, st));
    return out;
}

std::vector<BackfillDateRow> backfillDates(store::Database& db, int64_t id)
{
    std::vector<BackfillDateRow> out;
    auto st = db.prepare(
        "SELECT d.game_date, d.state, coalesce(d.pre_check, ''), coalesce(d.post_check, ''), d.position,"
        " sum(i.state = 'done'), sum(i.state IN ('failed', 'skipped')), count(i.processor)"
        " FROM backfill_dates d LEFT JOIN backfill_items i ON i.backfill_id = d.backfill_id AND i.game_date = d.game_date"
        " WHERE d.backfill_id = ? GROUP BY d.game_date ORDER BY d.position");
    st.bindAll(id);
    while (st.step())
        out.push_back({st.getText(0), st.getText(1), st.getText(2), st.getText(3), int(st.getInt(4)), int(st.getInt(5)),
                       int(st.getInt(6)), int(st.getInt(7))});
    return out;
}

std::optional<int64_t> activeBackfill(store::Database& db)
{
    auto st = db.prepare("SELECT id FROM backfills WHERE state IN ('running', 'paused')"
                         " ORDER BY state = 'running' DESC, id DESC LIMIT 1");
    if (st.step())
        return st.getInt(0);
    return std::nullopt;
}

std::string pauseBackfill(store::Database& db, int64_t id, const std::string& actor)
{
    const auto b = require(db, id);
    if (b.state == "paused")
        throw UsageError("Backfill " + std::to_string(id) + " is already paused (" + b.reason + ").");
    if (b.state != "running")
        throw UsageError("Backfill " + std::to_string(id) + " is " + b.state + "; only a running one can be paused.");
    if (!executorAlive(db, id))
        return "Backfill " + std::to_string(id) + " had been interrupted (its process ended); it is paused.";
    store::Transaction tx(db);
    db.prepare("UPDATE backfills SET request = 'pause' WHERE id = ? AND state = 'running'").bindAll(id).run();
    store::writeAudit(db, actor, "backfill.pause", "backfill " + std::to_string(id) + " asked to pause");
    tx.commit();
    return "Asked backfill " + std::to_string(id) + " to pause: the runs in flight finish first (" + b.executor + ").";
}

std::string cancelBackfill(store::Database& db, int64_t id, const std::string& actor)
{
    const auto b = require(db, id);
    if (!b.active())
        throw UsageError("Backfill " + std::to_string(id) + " is " + b.state + " already.");
    store::Transaction tx(db);
    std::string said;
    if (b.state == "running" && executorAlive(db, id)) {
        db.prepare("UPDATE backfills SET request = 'cancel' WHERE id = ? AND state = 'running'").bindAll(id).run();
        said = "Asked backfill " + std::to_string(id) + " to cancel: the runs in flight stop at their next checkpoint "
               "and nothing else starts (" + b.executor + ").";
    } else {
        db.prepare("UPDATE backfills SET state = 'cancelled', request = NULL, finished_at = ?, reason = ?"
                   " WHERE id = ?")
            .bindAll(nowIsoUtc(), "cancelled by " + actor + " with " + std::to_string(b.pending) + " run(s) not done", id)
            .run();
        said = "Backfill " + std::to_string(id) + " is cancelled; its " + std::to_string(b.pending) +
               " unfinished run(s) will not start, and its dates are free.";
    }
    store::writeAudit(db, actor, "backfill.cancel", "backfill " + std::to_string(id) + ": " + said);
    tx.commit();
    return said;
}

std::string reorderBackfill(store::Database& db, int64_t id, const std::vector<Date>& toFront, const std::string& actor)
{
    const auto b = require(db, id);
    if (!b.active())
        throw UsageError("Backfill " + std::to_string(id) + " is " + b.state + "; only an active one can be reordered.");
    if (toFront.empty())
        throw UsageError("Name the dates to move to the front.");
    store::Transaction tx(db);
    auto first = db.prepare("SELECT min(position) FROM backfill_dates WHERE backfill_id = ?");
    first.bindAll(id);
    first.step();
    int64_t position = first.getInt(0) - int64_t(toFront.size());
    auto move = db.prepare("UPDATE backfill_dates SET position = ? WHERE backfill_id = ? AND game_date = ?");
    std::string moved;
    for (const Date& d : toFront) {
        move.reset();
        move.bindAll(position++, id, d.iso());
        move.run();
        if (db.changes() == 0)
            throw UsageError(d.iso() + " is not a date of backfill " + std::to_string(id) + ".");
        moved += (moved.empty() ? "" : ", ") + d.iso();
    }
    db.prepare("UPDATE backfills SET revision = revision + 1 WHERE id = ?").bindAll(id).run();
    store::writeAudit(db, actor, "backfill.reorder", "backfill " + std::to_string(id) + ": " + moved + " first");
    tx.commit();
    return "Backfill " + std::to_string(id) + " works " + moved + " next.";
}

} // namespace nbaops::jobs
