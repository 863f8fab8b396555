#pragma once

#include "health.h"

#include <nlohmann/json.hpp>

#include <string>

namespace nbaops::health {

nlohmann::json toJson(const Report& r);
// The terminal rendering of the morning check; colour only for a terminal.
std::string toText(const Report& r, bool colour);

// What to do next, in order of urgency (the report's nextSteps).
std::vector<NextStep> nextSteps(const Report& rep, const Commands& commands = {});

} // namespace nbaops::health
