#pragma once

#include "util/date.h"

#include <set>
#include <string>
#include <vector>

namespace nbaops::registry {
class Registry;
}
namespace nbaops::store {
class Database;
}

// The checks a backfill makes around each date (recorded in backfill_dates).
namespace nbaops::jobs {

// Before: every dependency of a planned processor that is not planned itself served the date
// (of a group of alternatives, one). Returns what is missing, "dep (needed by name)" each.
std::vector<std::string> missingInputs(store::Database& db, const registry::Registry& registry, Date date,
                                       const std::set<std::string>& planned);

struct DateCheck
{
    bool failedRun = false;            // a planned processor did not end done
    std::vector<std::string> problems; // that run, rows outside the registry's range, duplicated keys
    std::string note;                  // what was not checked
    std::string text() const;          // "ok" or the problems
};

// After: each run's rows within the registry's expected range, and no duplicate keys in the
// tables it wrote for the date. Without `tablesHere` (a cloud cache, whose phase tables are in
// BigQuery) only the runs' ends are checked, and the text says so.
DateCheck checkDate(store::Database& db, const registry::Registry& registry, int64_t backfillId, Date date,
                    bool tablesHere = true);

} // namespace nbaops::jobs
