#pragma once

#include "util/date.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::registry {
class Registry;
}
namespace nbaops::store {
class Database;
}

// The checks that prove a recovery (`nbaops check`, the runbooks' "Check:" lines). Each
// returns what is wrong, one sentence per problem; empty means it passed.
namespace nbaops::dr {

// SQLite's integrity check and the foreign keys.
std::vector<std::string> checkIntegrity(store::Database& db);

// Every raw payload the database indexes is in the object store with its recorded size and
// SHA-256 (one date, or all).
struct PayloadCheck
{
    int64_t checked = 0;
    std::vector<std::string> problems;
};
PayloadCheck checkPayloads(store::Database& db, const std::filesystem::path& dataDir,
                           std::optional<Date> date);

// For a date: the latest run of every processor that ran is done, and each phase 2-4 table a
// run wrote rows to still has rows for the date (`phase` 0: every phase).
std::vector<std::string> checkDate(store::Database& db, const registry::Registry& registry,
                                   Date date, int phase);

// The newest game date with runs, if any.
std::optional<Date> latestRunDate(store::Database& db);

} // namespace nbaops::dr
