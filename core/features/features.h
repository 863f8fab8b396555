#pragma once

#include "util/date.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nbaops::features {

// One earlier game of a player, as phase 3 recorded it.
struct PlayerGame
{
    Date date;
    std::string season;       // "2024-25"
    int64_t teamId = 0;
    int64_t opponentId = 0;
    bool home = false;
    bool starter = false;
    bool played = false;
    double minutes = 0;
    int pts = 0, fga = 0, fta = 0, fg3a = 0, tov = 0;
    int teamPts = 0;
    std::optional<double> usage;
};

// A team's season to date (from the team game summaries before the date).
struct TeamToDate
{
    int games = 0;
    std::optional<double> pace;
    std::optional<double> offRating;
    std::optional<double> defRating;
};

// What is known about a game's rosters before tip-off: the injury report (out, not with the
// team) and the announced starting five. In a box score these are the players left off the
// listing or listed "DND"/"NWT"/injured, and the starters; "DNP - Coach's Decision" is only
// known after the game and does not count.
struct Availability
{
    bool known = false;         // the player's team has announced its game roster
    bool starter = false;       // in the starting five
    int teammatesOut = 0;       // recent teammates (played for the team in the last 21 days) out
    double outMinutes = 0;      // their season-to-date minutes per game, summed
    double outPoints = 0;       // their season-to-date points per game, summed
    bool opponentKnown = false;
    double opponentOutPoints = 0;
};

// Whether a box score's comment means the player was ruled out before the game (injury,
// illness, suspension, not with the team) rather than left on the bench by the coach.
bool outBeforeTipoff(std::string_view comment);

// The game a feature row is for.
struct Target
{
    Date date;
    std::string season;
    Date seasonStart;
    int64_t playerId = 0;
    int64_t teamId = 0;
    int64_t opponentId = 0;
    bool home = false;
    Availability availability;
};

// The feature list, in column order. Every feature uses games strictly before the target date.
constexpr std::array<std::string_view, 39> kNames = {
    "pts_last5", "pts_last10", "pts_season", "pts_ewm", "pts_std_last10",
    "min_last5", "min_last10", "min_season", "usage_last5", "usage_season",
    "ts_pct_last10", "fga_last5", "fta_last5", "fg3a_last5", "pts_per36_season",
    "home", "rest_days", "back_to_back", "games_played_season", "opp_def_rating",
    "opp_pace", "team_pace", "team_off_rating", "starter_rate_last10", "pts_max_last10",
    "pts_min_last10", "minutes_last7d", "venue_streak", "pts_prev_season", "min_prev_season",
    "pts_share_season", "days_into_season", "pts_vs_opp", "dnp_rate_last10",
    "starter", "teammates_out", "teammates_out_min", "teammates_out_pts", "opp_out_pts",
};
constexpr size_t kCount = kNames.size();

// The features by what they describe, for ablation (drop a family, retrain, compare): every
// name of kNames is in exactly one family.
struct Family
{
    std::string_view name;
    std::vector<std::string_view> members;
};
const std::vector<Family>& families();
using Vector = std::array<std::optional<double>, kCount>;
std::optional<size_t> indexOf(std::string_view name);
// The column of a feature named in code: a name that is not in kNames does not compile.
consteval size_t ix(std::string_view name)
{
    for (size_t i = 0; i < kCount; ++i) {
        if (kNames[i] == name)
            return i;
    }
    throw "unknown feature name";
}

// Computes one row. `history` holds the player's games before target.date (any season),
// oldest first. The caller guarantees no game on or after the target date is passed.
Vector compute(const Target& target, const std::vector<PlayerGame>& history, const TeamToDate& team,
               const TeamToDate& opponent);

// Composite factors derived from a feature row and league context (phase 4).
struct Composite
{
    std::optional<double> fatigue;   // 0 rested .. 100 exhausted
    std::optional<double> pace;      // expected pace vs league average
    std::optional<double> matchup;   // opponent's defensive rating vs league average (>1 = easier)
    std::optional<double> usageTrend;
    std::optional<double> form;      // last-5 scoring vs season
};
Composite composite(const Vector& f, std::optional<double> leaguePace, std::optional<double> leagueDefRating);

} // namespace nbaops::features
