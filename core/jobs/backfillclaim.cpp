// Taking a backfill for this process, and its checkpoints after a crash.
#include "backfillclaim.h"

#include "pipeline/orphans.h"
#include "store/audit.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/process.h"

namespace nbaops::jobs {

// Takes the backfill for this process: it must be paused (a crashed executor's one was paused
// by closeOrphans). Returns whether it had started before.
bool claim(store::Database& db, int64_t id, const std::string& actor)
{
    pipeline::closeOrphans(db, std::chrono::system_clock::now());
    store::Transaction tx(db);
    auto st = db.prepare("SELECT state, coalesce(started_at, ''), pid, host FROM backfills WHERE id = ?");
    st.bindAll(id);
    if (!st.step())
        throw UsageError("There is no backfill " + std::to_string(id) + "; 'nbaops backfill list' shows them.");
    const std::string state = st.getText(0);
    const bool started = !st.getText(1).empty();
    if (state == "running")
        throw UsageError("Backfill " + std::to_string(id) + " is being executed by pid " +
                         std::to_string(st.getInt(2)) + " on " + st.getText(3) +
                         "; 'nbaops backfill status " + std::to_string(id) + "' follows it.");
    if (state != "paused")
        throw UsageError("Backfill " + std::to_string(id) + " is " + state + "; plan a new one for what is left.");
    const auto& self = currentProcess();
    db.prepare("UPDATE backfills SET state = 'running', request = NULL, reason = NULL, pid = ?, process_start = ?,"
               " host = ?, heartbeat_at = ?, started_at = coalesce(started_at, ?) WHERE id = ?")
        .bindAll(self.pid, self.start, self.host, nowIsoUtc(), nowIsoUtc(), id)
        .run();
    store::writeAudit(db, actor, started ? "backfill.resume" : "backfill.start",
                      "backfill " + std::to_string(id) + " executed by pid " + std::to_string(self.pid) + " on " +
                          self.host);
    tx.commit();
    return started;
}

// After a crash: a run that committed before its checkpoint was written is the checkpoint.
// Then what failed or was skipped is tried again: a resume comes after the cause was fixed
// (what succeeded is never redone).
void reconcile(store::Database& db, int64_t id)
{
    store::Transaction tx(db);
    db.prepare("UPDATE backfill_items SET state = CASE WHEN r.failure_category IN ('success', 'no_data_available')"
               " THEN 'done' ELSE 'failed' END, run_pk = r.id, category = r.failure_category,"
               " duration_ms = r.duration_ms"
               " FROM (SELECT game_date, processor, max(id) AS id FROM processor_runs"
               "       WHERE backfill_id = ?1 AND status <> 'running' AND coalesce(error, '') <> ?2"
               "       AND coalesce(error, '') NOT LIKE 'cancelled by the operator%' GROUP BY game_date, processor) AS last"
               " JOIN processor_runs r ON r.id = last.id"
               " WHERE backfill_items.backfill_id = ?1 AND backfill_items.state = 'pending'"
               " AND backfill_items.game_date = last.game_date AND backfill_items.processor = last.processor")
        .bindAll(id, std::string(pipeline::kOrphanError))
        .run();
    db.prepare("UPDATE backfill_items SET state = 'pending', run_pk = NULL, category = NULL"
               " WHERE backfill_id = ? AND state IN ('failed', 'skipped')")
        .bindAll(id)
        .run();
    db.prepare("UPDATE backfill_dates SET state = 'pending', pre_check = NULL, post_check = NULL"
               " WHERE backfill_id = ? AND state <> 'done'")
        .bindAll(id)
        .run();
    tx.commit();
}

} // namespace nbaops::jobs
