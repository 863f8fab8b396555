#pragma once

#include "league.h"

#include <string>

namespace nbaops::sim {

// Renders the simulated league in the stats.nba.com response format
// ({"resource", "parameters", "resultSets":[{"name","headers","rowSet"}]}), with the same
// result sets and headers as the recorded real responses.
// withGames = false serves the date as a day without games (fault injection).
std::string scoreboardV2(const League& league, Date date, Date today, bool withGames = true);
// A game dated today or later is not final yet: its result sets are empty, like the real API.
std::string boxscoreTraditionalV2(const League& league, const Game& game, Date today);

} // namespace nbaops::sim
