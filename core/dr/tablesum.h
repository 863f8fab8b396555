#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

// What a table holds, as a count and a checksum that two copies agree on only when every row
// agrees: the rows in key order, each value with its type, through SHA-256.
namespace nbaops::dr {

struct TableSum
{
    std::string name;
    int64_t rows = 0;
    std::string checksum; // SHA-256 hex
};

// The tables of the database (not SQLite's own), by name.
std::vector<std::string> tableNames(store::Database& db);
TableSum sumTable(store::Database& db, const std::string& table);
// The ORDER BY that lists a table's rows in a fixed order: its key, or the rowid.
std::string keyOrder(store::Database& db, const std::string& table);
std::vector<TableSum> sumTables(store::Database& db, const std::vector<std::string>& tables);

// The newest processor run the database holds (by id): what a restore must bring back, and
// for the RPO, when it finished. Empty without runs (or without the table).
struct NewestRun
{
    int64_t id = 0;
    std::string processor;
    std::string gameDate;
    std::string status;
    std::string startedAt;
    std::string finishedAt;
};
std::optional<NewestRun> newestRun(store::Database& db);

// SQLite's own check of the file: "ok", or what it found (the first lines).
std::string integrityCheck(store::Database& db);

} // namespace nbaops::dr
