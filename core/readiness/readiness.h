#pragma once

#include "util/date.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}
namespace nbaops::registry {
class Registry;
}
namespace nbaops::health {
struct SlaReport;
}
namespace nbaops::secrets {
struct Status;
}

// The production-readiness scorecard (DOMAIN: Data Pipeline 25%, ML Model 20%, Operations
// 20%, Infrastructure 15%, Documentation 10%, Security 10%; 70/100 is the go threshold).
// Every item is scored from a fact measured in the database, the rules or the disk; an item
// this build has no fact for scores nothing and says so.
namespace nbaops::readiness {

struct Item
{
    std::string name;
    double points = 0, max = 0;
    bool measured = true;  // false: no fact to measure yet; scores 0
    std::string evidence;  // the fact, or why there is none
};

struct Category
{
    std::string name;
    int weight = 0;        // percent of the total
    double score = 0;      // 0..100: points / max
    std::vector<Item> items;
};

struct Scorecard
{
    std::vector<Category> categories;
    double total = 0;      // 0..100, the weighted sum
    int threshold = 70;
    bool go() const { return total >= threshold; }
    int measured = 0, unmeasured = 0;
    double elapsedMs = 0;
};

struct Inputs
{
    store::Database& db;
    const registry::Registry& registry;
    std::vector<std::string> implemented;
    std::filesystem::path dbPath;
    TimePoint now;
    // The SLA report when the caller has one already (the Health page); else it is measured.
    const health::SlaReport* slas = nullptr;
    // The secrets' state when the caller has it (tests); else secrets::status is asked.
    const std::vector<secrets::Status>* secrets = nullptr;
};

Scorecard score(const Inputs& in);

nlohmann::json toJson(const Scorecard& s);
std::string toText(const Scorecard& s);

} // namespace nbaops::readiness
