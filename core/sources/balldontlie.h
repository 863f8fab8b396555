#pragma once

#include "nbastats.h" // PayloadError

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nbaops::sources {

// balldontlie API v1 pages: {"data":[...], "meta":{"next_cursor":N, "per_page":N}}; the last
// page has no next_cursor. Ids are balldontlie's own (teams 1-30, players, games).
struct BdlGame
{
    int64_t id = 0;
    Date date;
    int season = 0;          // start year
    std::string status;      // "Final", or the tip time / period while not final
    bool final = false;
    int64_t homeTeamBdl = 0, visitorTeamBdl = 0;
    int64_t homeTeamId = 0, visitorTeamId = 0; // NBA.com ids, mapped
    std::string homeAbbr, visitorAbbr;
    int64_t homeScore = 0, visitorScore = 0;
};

struct BdlStat
{
    int64_t id = 0;
    int64_t gameId = 0;      // balldontlie game id
    Date gameDate;
    int64_t playerId = 0;    // balldontlie player id
    std::string firstName, lastName, position;
    int64_t teamBdl = 0;
    int64_t teamId = 0;      // NBA.com id, mapped
    std::string teamAbbr;
    std::string minutesText; // "34", "34:12", "00"
    std::optional<double> minutes;
    int64_t fgm = 0, fga = 0, fg3m = 0, fg3a = 0, ftm = 0, fta = 0, oreb = 0, dreb = 0, reb = 0,
            ast = 0, stl = 0, blk = 0, tov = 0, pf = 0, pts = 0;
};

template <typename T>
struct BdlPage
{
    std::vector<T> data;
    std::optional<int64_t> nextCursor;
    int perPage = 0;
};

BdlPage<BdlGame> parseBdlGames(std::string_view body); // throws PayloadError
BdlPage<BdlStat> parseBdlStats(std::string_view body); // throws PayloadError

} // namespace nbaops::sources
