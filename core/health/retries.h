#pragma once

#include "util/date.h"

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

// The retry schedule of failed processors (the real platform's): a run that ended in `error`
// or `timeout` is retried after 5 minutes, then 15, then an hour; after the third retry it is
// left failed and alerted. `validation_failed` and `no_data_available` are not retried (the
// payload will not change by waiting), nor is `dependency_missing` (its upstream's retry reruns
// it), nor a run the operator cancelled. Failures older than the window are a backfill's work.
namespace nbaops::health {

inline constexpr std::array<std::chrono::minutes, 3> kRetryDelays{std::chrono::minutes(5), std::chrono::minutes(15),
                                                                  std::chrono::minutes(60)};
inline constexpr std::chrono::hours kRetryWindow{24};

struct RetryState
{
    std::string processor;
    std::string gameDate;
    int failures = 0;               // consecutive error/timeout runs, the latest one last
    int attempt = 0;                // the latest run's attempt number
    std::string lastFinishedAt;
    std::string lastError;
    std::optional<TimePoint> dueAt; // none when exhausted
    bool exhausted() const { return !dueAt.has_value(); }
    bool due(TimePoint now) const { return dueAt && *dueAt <= now; }
};

// Every (date, processor) whose latest run is a retryable failure that finished within the
// window before `now`, with when its next retry is due; by due time, exhausted last.
std::vector<RetryState> retryStates(store::Database& db, TimePoint now);

} // namespace nbaops::health
