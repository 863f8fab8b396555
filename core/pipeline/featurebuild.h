#pragma once

#include "features/features.h"

#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::pipeline {

struct FeatureRow
{
    features::Target target;
    std::string gameId;
    features::Vector values;
    features::Composite composite;
};

struct FeatureBatch
{
    std::vector<FeatureRow> rows;
    int games = 0;           // games scheduled on the date
    int64_t historyRows = 0; // earlier player-games read
    std::optional<double> leaguePace;
    std::optional<double> leagueDefRating;
};

// Builds the point-in-time feature rows for every rostered player of every game scheduled on
// `date`, reading only player and team games before it. Rosters: the players whose latest
// appearance (this season, else last season) was for the team.
FeatureBatch buildFeatures(store::Database& db, Date date);

} // namespace nbaops::pipeline
