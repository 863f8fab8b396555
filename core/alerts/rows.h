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

// A silence's matchers as stored; `problem` says why they cannot match anything ("" when fine).
struct ParsedMatchers
{
    nlohmann::json json;
    std::string problem;
};
ParsedMatchers readStoredMatchers(const std::string& text);

struct ActiveSilence
{
    int64_t id;
    nlohmann::json matchers;
};
// The silences in force at `now` (ISO UTC); one whose matchers cannot be read is left out,
// with a warning that names it and what to do.
std::vector<ActiveSilence> activeSilences(store::Database& db, const std::string& now);

} // namespace nbaops::alerts
