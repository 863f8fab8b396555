#pragma once
// "What changed" between two model versions: their parameters, features and data windows side
// by side, the MAE of each by segment on its own test window, and both on the same rows (the
// newer one's test window) when that is fair.

#include "versions.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace nbaops::model {

struct VersionDiff
{
    std::string from, to; // the reference and the version being looked at
    struct Row
    {
        std::string what, from, to;
        bool changed() const { return from != to; }
    };
    std::vector<Row> params;  // every XGBoost parameter either set, and the rounds
    std::vector<Row> data;    // feature version, windows, rows, trees, MAE
    std::vector<std::string> featuresAdded, featuresRemoved;
    std::vector<Row> segments; // MAE by prior minutes, venue and rest, each on its own test window
    std::optional<Comparison> sameRows;
    std::string sameRowsError; // why there is no comparison on the same rows
    nlohmann::json toJson() const;
};

// Throws when either version is unknown. The comparison on the same rows needs the artifacts.
VersionDiff diffVersions(ModelVersions& registry, const std::string& from, const std::string& to);

} // namespace nbaops::model
