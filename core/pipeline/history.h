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

} // namespace nbaops::pipeline
