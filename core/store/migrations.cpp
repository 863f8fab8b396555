#include "migrations.h"

#include "database.h"
#include "embedded_resources.h"
#include "util/date.h"
#include "util/errors.h"

#include <string>

namespace nbaops::store {

namespace {

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

int latestSchemaVersion() { return resources::migrations().back().version; }

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
    for (const auto& m : resources::migrations()) {
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
