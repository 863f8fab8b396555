#pragma once

#include "features/features.h"
#include "util/date.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::model {

// The evaluation population, stated in every report.
inline constexpr const char* kPopulation =
    "player-games where the player played (minutes > 0) and had at least 5 earlier played games in the same season";
inline constexpr int kPopulationMinGames = 5;

// One example's features in features::kNames order, NaN where missing, as the floats XGBoost
// trains on: a quarter of the size of features::Vector, which a dataset of 100,000
// player-games holds one of per row.
class FeatureValues
{
public:
    FeatureValues() { m_v.fill(std::numeric_limits<float>::quiet_NaN()); }
    std::optional<double> operator[](size_t i) const
    {
        return std::isnan(m_v[i]) ? std::nullopt : std::optional<double>(m_v[i]);
    }
    void set(size_t i, std::optional<double> value)
    {
        m_v[i] = value ? float(*value) : std::numeric_limits<float>::quiet_NaN();
    }
    float raw(size_t i) const { return m_v[i]; } // NaN when missing

private:
    std::array<float, features::kCount> m_v;
};

// One player-game of the feature store joined to what happened in it.
struct Example
{
    Date date;
    std::string gameId;
    int64_t playerId = 0;
    int64_t teamId = 0;
    std::string playerName;
    float points = 0;   // the target
    float minutes = 0;
    FeatureValues x;
    bool inPopulation() const;
};

struct Dataset
{
    std::vector<Example> rows; // by date, then player
    size_t countFrom(Date from, Date until) const;
};

// Every played player-game (minutes > 0) with a feature row between the dates (inclusive).
// Throws when feature rows in the window were built by another feature version (they must be
// rebuilt first; the message says how).
// From `splitReadRows` feature rows on, a second connection on another thread reads the later
// half (the default suits a file database; ":memory:" and temporary ones are read by one).
inline constexpr int64_t kSplitReadRows = 20000;
Dataset loadDataset(store::Database& db, Date from, Date until, int64_t splitReadRows = kSplitReadRows);

// The dates that hold feature rows with outcomes, oldest first, and the season of each.
struct DataCalendar
{
    std::vector<std::pair<Date, std::string>> dates;
};
DataCalendar loadCalendar(store::Database& db);
// The dates with player-game summaries (what training builds its features for), and the
// season of each: the calendar a default split is resolved on. Bounds are inclusive; none: all.
DataCalendar summaryCalendar(store::Database& db, std::optional<Date> from = {}, std::optional<Date> until = {});

// A dense NaN-for-missing float matrix of the rows, with their points as labels.
struct Columns
{
    std::vector<float> values;
    std::vector<float> labels;
    size_t rows = 0;
};
// `names` gives the column order (a stored model's feature list); unknown names throw.
Columns toColumns(const std::vector<const Example*>& rows, const std::vector<std::string>& names);

std::vector<std::string> featureNames();

} // namespace nbaops::model
