#pragma once

namespace nbaops::store {

class Database;

// The schema version this build writes.
int latestSchemaVersion();

// Refuses a database newer than this build (changing nothing), then applies the missing
// numbered migrations, each in its own transaction, recording it in schema_migrations.
// Read-only connections only check.
// `upTo` > 0 stops at that version (tests of upgrades from an older schema).
void migrate(Database& db, bool readOnly, int upTo = 0);

} // namespace nbaops::store
