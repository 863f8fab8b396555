#pragma once

#include "league.h"

#include <optional>
#include <string>

namespace nbaops::sim {

// The simulated league in The Odds API v4 format: the events of a game date
// (/v4/sports/basketball_nba/events) and one event's player_points market from three US
// bookmakers (/v4/sports/basketball_nba/events/{id}/odds), Over/Under with point and price.
std::string oddsEventId(const Game& game);
std::string oddsEvents(const League& league, Date date);
std::string oddsEventPlayerPoints(const League& league, const Game& game);

} // namespace nbaops::sim
