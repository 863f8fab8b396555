#pragma once

#include "util/date.h"

#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::pipeline {

// The latest run of each processor for one game date, as the run history has it.
struct LatestRun
{
    std::string processor;
    std::string status;     // running | success | no_data | failed
    std::string category;   // "" while running
    int64_t recordsOut = 0;
    int64_t durationMs = 0;
    int attempt = 0;
    bool skipped = false;
    std::string error;
    std::string startedAt;
    std::string source;     // which upstream served ("" for processors without one)
};

struct DateRuns
{
    std::optional<Date> date; // none: the history is empty
    std::vector<LatestRun> runs;
};

// For `date`, or the latest game date with runs when none is given.
DateRuns latestRuns(store::Database& db, std::optional<Date> date = std::nullopt);

// The failure category of the latest run of `processor` for `date`, if it ran.
std::optional<std::string> latestCategory(store::Database& db, const std::string& processor, Date date);
// True when that latest run succeeded or found no data: an input a processor may read (a
// phase-4 run for today needs yesterday's games, not today's).
bool servedDate(const std::optional<std::string>& category);
bool servedDate(store::Database& db, const std::string& processor, Date date);

// Records the latest write to a data table (for the freshness check), inside the caller's
// transaction.
void touchFreshness(store::Database& db, const std::string& table, Date date, int64_t rows,
                    const std::string& at);

} // namespace nbaops::pipeline
