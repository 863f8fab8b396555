#include "serving.h"

#include "store/audit.h"
#include "store/database.h"

#include <cmath>
#include "util/errors.h"

#include <algorithm>
#include <cstdio>

namespace nbaops::model {

int abBucket(std::string_view gameId)
{
    uint64_t h = 1469598103934665603ull;
    for (const char c : gameId) {
        h ^= uint8_t(c);
        h *= 1099511628211ull;
    }
    return int(h % 100);
}

nlohmann::json Rollout::toJson() const
{
    return {{"id", id},          {"challenger", challenger}, {"champion", champion},   {"mode", mode}, {"stage_rows", stageRows},
            {"share", share},    {"stage", stage},           {"threshold", threshold}, {"status", status},
            {"started_at", startedAt}, {"updated_at", updatedAt}, {"note", note}};
}

std::string ServingPlan::versionFor(std::string_view gameId) const
{
    if (rollout && abBucket(gameId) < int(std::lround(rollout->share * 100)))
        return rollout->challenger;
    return champion.value_or("");
}

std::optional<Rollout> activeRollout(store::Database& db)
{
    auto st = db.prepare("SELECT id, challenger, coalesce(champion, ''), mode, share, stage, threshold, status,"
                         " started_at, updated_at, coalesce(note, ''), stage_rows FROM model_rollout WHERE status = 'active'"
                         " ORDER BY id DESC LIMIT 1");
    if (!st.step())
        return std::nullopt;
    Rollout r;
    r.id = st.getInt(0);
    r.challenger = st.getText(1);
    r.champion = st.getText(2);
    r.mode = st.getText(3);
    r.share = st.getDouble(4);
    r.stage = int(st.getInt(5));
    r.threshold = st.getDouble(6);
    r.status = st.getText(7);
    r.startedAt = st.getText(8);
    r.updatedAt = st.getText(9);
    r.note = st.getText(10);
    r.stageRows = st.getInt(11);
    return r;
}

ServingPlan servingPlan(store::Database& db)
{
    ServingPlan p;
    auto st = db.prepare("SELECT version FROM model_aliases WHERE alias = 'champion'");
    if (st.step())
        p.champion = st.getText(0);
    if (p.champion)
        p.rollout = activeRollout(db);
    return p;
}

Rollout startRollout(ModelVersions& registry, store::Database& db, const std::string& version, const std::string& mode,
                     double share, double threshold, const std::string& actor, int64_t stageRows)
{
    if (mode != "ab" && mode != "canary")
        throw UsageError("the rollout mode is ab or canary, got '" + mode + "'");
    if (!(share > 0 && share < 1))
        throw UsageError("the challenger's share is a fraction between 0 and 1 (0.1 = 10% of games)");
    if (!(threshold >= 1.0 && threshold < 2.0))
        throw UsageError("the rollback threshold is a ratio from 1.0 to 2.0 (1.05: roll back at 5% worse)");
    const auto champion = registry.alias("champion");
    if (!champion)
        throw OpsError("there is no champion to roll out against; promote a first version: nbaops model promote VERSION");
    const auto v = registry.get(version);
    if (v.version == *champion)
        throw OpsError(v.version + " is the champion already");
    registry.loadArtifact(v); // a damaged artifact never serves
    if (const auto active = activeRollout(db))
        throw OpsError("rollout " + std::to_string(active->id) + " of " + active->challenger +
                       " is still active; stop it first: nbaops model rollout stop");
    Rollout r;
    r.challenger = v.version;
    r.champion = *champion;
    r.mode = mode;
    r.share = mode == "canary" ? kCanaryStages[0] : share;
    r.threshold = threshold;
    r.stageRows = std::max<int64_t>(1, stageRows);
    r.status = "active";
    r.startedAt = r.updatedAt = nowIsoUtc();
    store::Transaction tx(db);
    db.prepare("INSERT INTO model_rollout(challenger, champion, mode, share, stage, threshold, status, started_at,"
               " updated_at, note, stage_rows, grades_from) VALUES (?,?,?,?,0,?,'active',?,?,?,?,"
               " (SELECT coalesce(max(rowid), 0) FROM prediction_grades))")
        .bindAll(r.challenger, r.champion, r.mode, r.share, r.threshold, r.startedAt, r.updatedAt,
                 std::string("started by ") + actor, r.stageRows)
        .run();
    r.id = db.lastInsertRowId();
    setAlias(db, "challenger", r.challenger, actor);
    char detail[200];
    std::snprintf(detail, sizeof detail, "%s vs %s, %s, %.0f%% of games, roll back above %.2f x champion MAE",
                  r.challenger.c_str(), r.champion.c_str(), mode.c_str(), r.share * 100, threshold);
    store::writeAudit(db, actor, "model.rollout.start", detail);
    tx.commit();
    return r;
}

void stopRollout(store::Database& db, const std::string& actor, const std::string& why)
{
    const auto r = activeRollout(db);
    if (!r)
        throw OpsError("no rollout is active");
    store::Transaction tx(db);
    db.prepare("UPDATE model_rollout SET status = 'stopped', updated_at = ?, note = ? WHERE id = ?")
        .bindAll(nowIsoUtc(), why, r->id)
        .run();
    store::writeAudit(db, actor, "model.rollout.stop", r->challenger + ": " + why);
    tx.commit();
}

std::string evaluateRollout(store::Database& db, const std::string& actor)
{
    const auto r = activeRollout(db);
    if (!r)
        return {};
    // Graded player-games of each model since the rollout (or its current stage) began.
    auto st = db.prepare("SELECT model_version, count(*), avg(abs_error) FROM prediction_grades"
                         " WHERE played = 1 AND rowid > (SELECT grades_from FROM model_rollout WHERE id = ?)"
                         " AND model_version IN (?, ?) GROUP BY model_version");
    st.bindAll(r->id, r->challenger, r->champion);
    int64_t nc = 0, nh = 0;
    double maeC = 0, maeH = 0;
    while (st.step()) {
        if (st.getText(0) == r->challenger) {
            nc = st.getInt(1);
            maeC = st.getDouble(2);
        } else {
            nh = st.getInt(1);
            maeH = st.getDouble(2);
        }
    }
    if (nc < r->stageRows || (nh < r->stageRows && r->share < 1.0))
        return {};
    char buf[300];
    const std::string now = nowIsoUtc();
    if (nh >= r->stageRows && maeC > r->threshold * maeH) {
        std::snprintf(buf, sizeof buf, "rolled back %s: live MAE %.3f over %lld player-games vs the champion's %.3f over %lld (threshold %.2fx)",
                      r->challenger.c_str(), maeC, static_cast<long long>(nc), maeH, static_cast<long long>(nh), r->threshold);
        store::Transaction tx(db); // a savepoint inside the grading write
        db.prepare("UPDATE model_rollout SET status = 'rolled_back', updated_at = ?, note = ? WHERE id = ?")
            .bindAll(now, std::string(buf), r->id)
            .run();
        db.prepare("DELETE FROM model_aliases WHERE alias = 'challenger'").run();
        store::writeAudit(db, actor, "model.rollout.rollback", buf);
        tx.commit();
        return buf;
    }
    if (r->mode != "canary")
        return {};
    store::Transaction tx(db); // a savepoint inside the grading write
    if (r->stage + 1 < int(std::size(kCanaryStages))) {
        const double next = kCanaryStages[r->stage + 1];
        std::snprintf(buf, sizeof buf, "canary %s: %.0f%% -> %.0f%% of games (live MAE %.3f vs champion %.3f)",
                      r->challenger.c_str(), r->share * 100, next * 100, maeC, maeH);
        db.prepare("UPDATE model_rollout SET stage = stage + 1, share = ?, updated_at = ?, note = ?,"
                   " grades_from = (SELECT coalesce(max(rowid), 0) FROM prediction_grades) WHERE id = ?")
            .bindAll(next, now, std::string(buf), r->id)
            .run();
        store::writeAudit(db, actor, "model.rollout.stage", buf);
    } else {
        std::snprintf(buf, sizeof buf, "canary %s completed at 100%% (live MAE %.3f over %lld player-games): champion",
                      r->challenger.c_str(), maeC, static_cast<long long>(nc));
        db.prepare("UPDATE model_rollout SET status = 'completed', updated_at = ?, note = ? WHERE id = ?")
            .bindAll(now, std::string(buf), r->id)
            .run();
        setAlias(db, "champion", r->challenger, actor);
        db.prepare("DELETE FROM model_aliases WHERE alias = 'challenger'").run();
        store::writeAudit(db, actor, "model.promote.canary", buf);
    }
    tx.commit();
    return buf;
}

std::vector<Trigger> retrainTriggers(store::Database& db, Date today)
{
    std::vector<Trigger> out;
    auto ch = db.prepare("SELECT v.version, v.created_at, v.test_until FROM model_aliases a JOIN model_versions v"
                         " ON v.version = a.version WHERE a.alias = 'champion'");
    if (!ch.step()) {
        out.push_back({"weekly", false, "no champion yet"});
        out.push_back({"live_mae", false, "no champion yet"});
        out.push_back({"new_games", false, "no champion yet"});
        return out;
    }
    const std::string version = ch.getText(0), created = ch.getText(1), until = ch.getText(2);
    const Date trained = Date::parse(created.substr(0, 10)).value_or(today);
    const int age = trained.daysUntil(today);
    out.push_back({"weekly", age >= kRetrainAfterDays,
                   age < 0 ? version + " was trained after " + today.iso()
                           : version + " was trained " + std::to_string(age) + " day(s) ago (retrain weekly)"});

    // The last 7 graded dates: the champion's MAE and the baseline's on the same player-games.
    auto live = db.prepare(
        "SELECT count(*), avg(c.abs_error), avg(b.abs_error) FROM prediction_grades c JOIN prediction_grades b"
        " ON b.game_date = c.game_date AND b.player_id = c.player_id AND b.model_version = ?"
        " WHERE c.model_version = ? AND c.played = 1 AND c.game_date > date(?, ?) AND c.game_date <= ?");
    live.bindAll(std::string(kBaselineVersion), version, today.iso(), "-" + std::to_string(kRetrainAfterDays) + " days",
                 today.iso());
    live.step();
    const int64_t n = live.getInt(0);
    if (n == 0) {
        out.push_back({"live_mae", false, "no graded predictions of " + version + " in the last 7 days"});
    } else {
        const double c = live.getDouble(1), b = live.getDouble(2);
        char buf[200];
        std::snprintf(buf, sizeof buf, "live MAE %.3f vs baseline %.3f over %lld player-games in 7 days (fires above %.3f)",
                      c, b, static_cast<long long>(n), kMaeDegradation * b);
        out.push_back({"live_mae", c > kMaeDegradation * b, buf});
    }
    auto games = db.prepare("SELECT count(DISTINCT game_id) FROM player_game_summary WHERE game_date > ?");
    games.bindAll(until);
    games.step();
    const int64_t g = games.getInt(0);
    out.push_back({"new_games", g >= kNewGamesForRetraining,
                   std::to_string(g) + " game(s) since " + version + "'s data window ended on " + until +
                       " (fires at 1,000)"});
    return out;
}

} // namespace nbaops::model
