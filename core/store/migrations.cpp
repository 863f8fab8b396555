#include "migrations.h"

#include "database.h"
#include "schema.h"
#include "schema_v12.h"
#include "util/date.h"
#include "util/errors.h"

#include <string>

namespace nbaops::store {

namespace {

struct Migration
{
    int version;
    const char* description;
    const char* sql;
};

const Migration kMigrations[] = {
    {1, "raw payload index, raw NBA.com tables, player_game_summary, run history and summaries",
     schema::kV1},
    {2, "team summaries, composite factors, feature store and quality, predictions, grades, "
        "published documents",
     schema::kV2},
    {3, "input fingerprints and skipped runs in the run history", schema::kV3},
    {4, "circuit breakers per source and their state changes", schema::kV4},
    {5, "player points prop lines from The Odds API", schema::kV5},
    {6, "ESPN and balldontlie raw tables, the cross-source schedule, player id mapping", schema::kV6},
    {7, "documents queued for publishing at the end of a multi-date run; covering index for fingerprints", schema::kV7},
    {8, "imports of history files and their quarantined rows", schema::kV8},
    {9, "pregame availability features; model registry, aliases, rollout; audit log", schema::kV9},
    {10, "covering date index for the feature store's reads; no player index on the feature store", schema::kV10},
    {11, "alerts and their history, silences, notifications; daily run statistics and duration histograms for trends; applied processor timeouts", schema::kV11},
    {12, "run statistics and duration histograms per day and phase for the trends' phase charts", schema::kV12},
};

int currentVersion(Database& db)
{
    auto exists = db.prepare(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    exists.step();
    if (exists.getInt(0) == 0)
        return 0;
    return db.schemaVersion();
}

} // namespace

int latestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

void migrate(Database& db, bool readOnly, int upTo)
{
    const int current = currentVersion(db);
    const int latest = latestSchemaVersion();
    if (current > latest)
        throw OpsError("The database " + db.path().string() +
                       " was written by a newer nbaops (schema version " +
                       std::to_string(current) + "; this build knows up to " +
                       std::to_string(latest) +
                       "). Nothing was changed. Upgrade nbaops, or pass --db with another file.");
    if (readOnly) {
        if (current < latest)
            throw OpsError("The database " + db.path().string() + " has schema version " +
                           std::to_string(current) + " and needs an upgrade to " +
                           std::to_string(latest) +
                           "; open it once with write access (any nbaops command) to upgrade.");
        return;
    }
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
    for (const Migration& m : kMigrations) {
        if (m.version <= current || (upTo > 0 && m.version > upTo))
            continue;
        Transaction tx(db);
        db.exec(m.sql);
        db.prepare("INSERT INTO schema_migrations(version, description, applied_at) "
                   "VALUES (?, ?, ?)")
            .bindAll(m.version, m.description, toIsoUtc(std::chrono::system_clock::now()))
            .run();
        tx.commit();
    }
}

} // namespace nbaops::store
