#include "orphans.h"

#include "store/database.h"
#include "util/log.h"
#include "util/process.h"

namespace nbaops::pipeline {

namespace {

// Gone, or (when liveness cannot be checked here) silent for longer than twice the beat.
bool abandoned(const store::Statement& row, int pidCol, TimePoint now, std::chrono::seconds heartbeat)
{
    const auto pid = row.getOptInt(pidCol);
    const auto start = row.getOptInt(pidCol + 1);
    const auto host = row.getOptText(pidCol + 2);
    const auto beat = row.getOptText(pidCol + 3);
    const Liveness l = liveness(pid.value_or(0), start.value_or(0), host.value_or(""));
    if (l != Liveness::Unknown)
        return l == Liveness::Gone;
    if (!beat)
        return false;
    const auto at = parseIsoUtc(*beat);
    return at && now - *at > 2 * heartbeat;
}

} // namespace

OrphanReport closeOrphans(store::Database& db, TimePoint now, std::chrono::seconds heartbeat)
{
    OrphanReport out;
    auto runs = db.prepare("SELECT id, processor, game_date, run_id, pid, process_start, host, heartbeat_at"
                           " FROM processor_runs WHERE status = 'running'"
                           " AND cloud_key IS NULL"); // the cloud's runs (in a cache) are the cloud's to close
    while (runs.step()) {
        if (abandoned(runs, 4, now, heartbeat))
            out.runs.push_back({runs.getInt(0), runs.getText(1), runs.getText(2), runs.getText(3)});
    }
    auto backfills = db.prepare("SELECT id, pid, process_start, host, heartbeat_at FROM backfills"
                                " WHERE state = 'running'");
    while (backfills.step()) {
        if (abandoned(backfills, 1, now, heartbeat))
            out.backfills.push_back(backfills.getInt(0));
    }
    if (out.runs.empty() && out.backfills.empty())
        return out;
    store::Transaction tx(db);
    // Ended at its last sign of life; the state is checked again in case it finished meanwhile.
    auto close = db.prepare(
        "UPDATE processor_runs SET status = 'failed', failure_category = 'error', error = ?,"
        " finished_at = COALESCE(heartbeat_at, started_at),"
        " duration_ms = CAST(round((julianday(COALESCE(heartbeat_at, started_at)) - julianday(started_at))"
        " * 86400000) AS INTEGER) WHERE id = ? AND status = 'running'");
    for (const auto& r : out.runs) {
        close.reset();
        close.bindAll(kOrphanError, r.id);
        close.run();
        log::warning("repair", "closed orphaned run " + std::to_string(r.id) + " (" + r.processor + " " + r.gameDate +
                                   "): " + kOrphanError);
    }
    auto pause = db.prepare("UPDATE backfills SET state = 'paused', request = NULL, pid = NULL, reason = ?"
                            " WHERE id = ? AND state = 'running'");
    for (int64_t id : out.backfills) {
        pause.reset();
        pause.bindAll(std::string("interrupted: ") + kOrphanError + "; it holds its dates until 'nbaops backfill "
                          "resume " + std::to_string(id) + "' or 'cancel'",
                      id);
        pause.run();
        log::warning("repair", "backfill " + std::to_string(id) + " was interrupted; paused until resumed");
    }
    tx.commit();
    return out;
}

} // namespace nbaops::pipeline
