#pragma once

#include "util/date.h"

#include <string>

namespace nbaops::sim {

class League;

// The simulated league's box scores of [from, to] in the CSV format of
// ../shared/data/nba_player_boxscores_*.csv (header, one row per listed player, sorted by
// date, game, home team first, starters first): history to import without the real files.
std::string boxscoreHistoryCsv(const League& league, Date from, Date to);

} // namespace nbaops::sim
