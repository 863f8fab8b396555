#pragma once

#include "nbastats.h" // PayloadError

#include <string>
#include <string_view>
#include <vector>

namespace nbaops::sources {

// The Odds API v4: /sports/basketball_nba/events and /events/{id}/odds?markets=player_points.
struct OddsEvent
{
    std::string id;
    std::string commenceTime;
    std::string homeTeam;
    std::string awayTeam;
};
std::vector<OddsEvent> parseOddsEvents(std::string_view body); // throws PayloadError

struct PropLine
{
    std::string eventId;
    std::string bookmaker;
    std::string player;   // the outcome's description
    double point = 0;
    int overPrice = 0;    // American odds
    int underPrice = 0;
};
// Every bookmaker's Over/Under pair of the player_points market. An outcome without its
// partner or without a point is skipped; a document without the expected shape throws.
std::vector<PropLine> parsePlayerPointsOdds(std::string_view body);

} // namespace nbaops::sources
