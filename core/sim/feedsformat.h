#pragma once

#include "league.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::sim {

// The simulated league in ESPN's and balldontlie's formats, with their own identifiers (ESPN
// event ids and team abbreviations, balldontlie game/player/team ids), so the pipeline has to
// map them to NBA.com's the way it must for the real services.

int64_t espnEventId(const Game& game);
// site.api.espn.com/apis/site/v2/sports/basketball/nba/scoreboard?dates=YYYYMMDD
std::string espnScoreboard(const League& league, Date date, Date today, bool withGames = true);

int64_t bdlGameId(const Game& game);
int64_t bdlPlayerId(int64_t nbaPlayerId);
struct BdlQuery
{
    Date date;
    int perPage = 25;     // 1..100
    int64_t cursor = 0;   // 0: from the start
    std::string omitGameId; // NBA game id whose stat lines are left out (fault injection)
};
// /v1/games?dates[]=YYYY-MM-DD and /v1/stats?dates[]=YYYY-MM-DD, one page each call.
std::string bdlGames(const League& league, const BdlQuery& q, Date today, bool withGames = true);
std::string bdlStats(const League& league, const BdlQuery& q, Date today);

// The stat lines of a date, rendered once (the simulator keeps them while pages are asked for)
// and cut into pages by bdlStatsPage.
struct BdlStatLine
{
    int64_t id = 0;
    std::string gameId; // NBA game id, for fault injection
    std::string json;
};
std::vector<BdlStatLine> bdlStatLines(const League& league, Date date, Date today);
std::string bdlStatsPage(const std::vector<BdlStatLine>& lines, const BdlQuery& q);

} // namespace nbaops::sim
