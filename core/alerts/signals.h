#pragma once

#include "rules.h"
#include "util/date.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}
namespace nbaops::registry {
class Registry;
}
namespace nbaops::secrets {
struct Status;
}

namespace nbaops::alerts {

using Labels = std::map<std::string, std::string>;

// A rule's condition holding now, for one set of labels (a processor, a date, a source...).
struct Signal
{
    std::string rule;
    Labels labels;
    double value = 0;
    std::string summary; // the rule's summary with the values filled in
};

struct Measured
{
    std::vector<Signal> conditions;
    std::vector<std::string> errors; // a check that could not be measured, and why
    bool backfill = false;           // a backfill is running: lower severities are held
    std::string backfillDetail;
};

struct SignalContext
{
    store::Database& db;
    const registry::Registry& registry;
    std::vector<std::string> implemented; // processors this build runs
    std::filesystem::path dataDir;        // for the storage check
    TimePoint now;
    // The secrets' state for secret_rotation_due when the caller has it; else secrets::status.
    const std::vector<secrets::Status>* secrets = nullptr;
};

// Measures every rule's check against the database and the disk.
Measured measure(const Config& cfg, const SignalContext& ctx);

// A rule's summary with {value}, {value_pct}, {threshold}, {threshold_pct} and {label} filled.
std::string fillSummary(const Rule& rule, const Labels& labels, double value);

// Whether a backfill is running (not paused: a paused one lets the alerts through again).
bool backfillRunning(store::Database& db, std::string* detail = nullptr);

} // namespace nbaops::alerts
