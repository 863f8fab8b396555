#pragma once

#include "features.h"

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::features {

// The version of the feature rows this build writes (ml_feature_store.feature_version); raised
// when a feature is added or computed differently. 2: pregame availability (starter, teammates out).
inline constexpr int kVersion = 2;

struct FeatureRow
{
    Target target;
    std::string gameId;
    Vector values;
    Composite composite;
};

struct FeatureBatch
{
    std::vector<FeatureRow> rows;
    int games = 0;           // games scheduled on the date
    int64_t historyRows = 0; // earlier player-games read
    std::optional<double> leaguePace;
    std::optional<double> leagueDefRating;
};

// Every player-game (and team-game) before a date, per player (team) and oldest first, kept across the dates of a run
// so each date reads only the games added since the previous one. Reloaded from scratch when a
// date it holds was processed again (player_game_summary's run history says so).
class HistoryCache
{
public:
    // Makes the cache hold every player-game from two seasons before `date` up to the day
    // before it (or later: callers look only at games before their date).
    void update(store::Database& db, Date date);
    const std::map<int64_t, std::vector<PlayerGame>>& players() const { return m_players; }
    // A team's game as the team summaries recorded it.
    struct TeamGame
    {
        Date date;
        std::string season;
        std::optional<double> pace, offRating, defRating;
    };
    const std::map<int64_t, std::vector<TeamGame>>& teams() const { return m_teams; }
    int64_t loads() const { return m_loads; } // full loads so far

private:
    std::optional<Date> m_until; // every game before this date is held
    Date m_from;                 // ... from this date on
    int64_t m_version = -1;
    int64_t m_loads = 0;
    std::map<int64_t, std::vector<PlayerGame>> m_players;
    std::map<int64_t, std::vector<TeamGame>> m_teams;
    void load(store::Database& db, Date from, Date until);
};

// Builds the point-in-time feature rows for every rostered player of every game scheduled on
// `date`, reading only player and team games before it. Rosters: the players whose latest
// appearance (this season, else last season) was for the team. With a cache the player games
// come from it (kept up to date by this call), else from one read of the database.
FeatureBatch buildFeatures(store::Database& db, Date date, HistoryCache* cache = nullptr);

} // namespace nbaops::features
