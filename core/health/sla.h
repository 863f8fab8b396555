#pragma once

#include "util/date.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}
namespace nbaops::registry {
class Registry;
}

// Service-level agreements (resources/slas.json, or slas.json next to the database) and their
// compliance over the last 7 and 30 days.
namespace nbaops::health {

enum class SlaKind { Completeness, PublishBy, PredictionRate };

struct SlaDefinition
{
    std::string id, name, description;
    SlaKind kind = SlaKind::Completeness;
    double target = 1.0;     // what one day must reach (completeness, prediction_rate)
    std::string processor;   // publish_by
    int byHour = 7, byMinute = 0; // publish_by: US Eastern, the morning after the game date
    double objective = 0.95; // share of days that must meet the target
};

// Parses the definitions; a mistake is named with `source` and the SLA (UsageError).
std::vector<SlaDefinition> parseSlas(std::string_view json, const std::string& source,
                                     const registry::Registry& registry);
// slas.json next to the database when there is one, else the built-in definitions.
std::vector<SlaDefinition> loadSlas(const std::filesystem::path& dbPath, const registry::Registry& registry);

struct SlaDay
{
    std::string date;
    std::string state;   // met | missed | pending
    double value = 0;    // the day's rate (completeness, prediction_rate); minutes late (publish_by)
    std::string detail;  // "11 of 12 final games have box scores", "published 06:41 ET"
};

struct SlaCompliance
{
    int met = 0, missed = 0, pending = 0;
    std::optional<double> rate;  // met / (met + missed); none when no day was decided
    bool ok() const;             // no decided day, or rate >= objective
    double objective = 0;
};

struct SlaStatus
{
    SlaDefinition def;
    std::vector<SlaDay> days;    // days with games in the last 30, ascending
    SlaCompliance last7, last30;
    std::string state;           // met | at_risk (7-day below objective) | breached (30-day below) | no_data
    std::string summary;         // one sentence
};

struct SlaReport
{
    std::string until;           // the last game date looked at
    std::vector<SlaStatus> slas;
    double elapsedMs = 0;
};

// Compliance up to `until` (default: the latest date with final games on or before today).
SlaReport slaReport(store::Database& db, const registry::Registry& registry, const std::vector<SlaDefinition>& defs,
                    std::optional<Date> until, TimePoint now);

nlohmann::json toJson(const SlaReport& r);
std::string toText(const SlaReport& r);

} // namespace nbaops::health
