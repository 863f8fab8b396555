#pragma once

#include "engine.h"

#include <filesystem>

namespace nbaops::store {
class Database;
}

namespace nbaops::alerts {

struct Cycle
{
    Evaluation evaluation;
    Delivery delivery;
    std::string rulesOrigin;
};

// One alerting pass, as cron, `nbaops run` and the console do it: the rules in effect for the
// database (see loadConfig), every check measured, the state machine applied, and (unless
// `send` is false) the due notifications delivered (`sender` null: through libcurl).
Cycle runCycle(store::Database& db, const std::filesystem::path& dbPath, TimePoint now, bool send = true,
               Sender* sender = nullptr);

} // namespace nbaops::alerts
