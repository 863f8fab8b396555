#pragma once

#include "alerts/engine.h"

#include <filesystem>

namespace nbaops::store {
class Database;
}

namespace nbaops::jobs {

struct AlertCycleOptions
{
    std::filesystem::path dbPath; // the rules in effect are found next to it (alerts::loadConfig)
    TimePoint now;
    bool send = true;                // deliver the due notifications
    alerts::Sender* sender = nullptr; // null: through libcurl
};

struct AlertCycle
{
    alerts::Evaluation evaluation;
    alerts::Delivery delivery;
    std::string rulesOrigin;
};

// One alerting pass, as cron, `nbaops run` and the console do it: the rules in effect for the
// database, every check measured against the processors this build implements, the state
// machine applied, and the due notifications delivered. A short job (no progress, no cancel):
// it lives on this floor because it joins the alerts to the pipeline's list of processors.
AlertCycle runAlertCycle(store::Database& db, const AlertCycleOptions& options);

} // namespace nbaops::jobs
