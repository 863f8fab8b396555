#pragma once

#include "signals.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

// Reading the alert tables, shared by the engine and the operator's views (internal).
namespace nbaops::alerts {

// An alert's labels from their stored JSON ({} when unreadable).
Labels labelsFrom(const std::string& json);

struct ActiveSilence
{
    int64_t id;
    nlohmann::json matchers;
};
// The silences in force at `now` (ISO UTC).
std::vector<ActiveSilence> activeSilences(store::Database& db, const std::string& now);

} // namespace nbaops::alerts
