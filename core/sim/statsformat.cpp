#include "statsformat.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace nbaops::sim {

using ojson = nlohmann::ordered_json;

namespace {

ojson resultSet(const char* name, std::initializer_list<const char*> headers, ojson rows)
{
    ojson rs;
    rs["name"] = name;
    rs["headers"] = ojson::array();
    for (const char* h : headers)
        rs["headers"].push_back(h);
    rs["rowSet"] = rows.is_null() ? ojson::array() : std::move(rows);
    return rs;
}

double pct(int made, int att)
{
    return att > 0 ? std::round(1000.0 * made / att) / 1000.0 : 0.0;
}

std::string clock(int seconds)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%d:%02d", seconds / 60, seconds % 60);
    return buf;
}

std::string tipoff(const Game& g)
{
    static const char* times[] = {"7:00 pm ET", "7:30 pm ET", "8:00 pm ET", "9:00 pm ET",
                                  "10:00 pm ET", "10:30 pm ET"};
    return times[size_t(g.sequence - 1) % std::size(times)];
}

struct Totals
{
    int seconds = 0, fgm = 0, fga = 0, fg3m = 0, fg3a = 0, ftm = 0, fta = 0, oreb = 0, dreb = 0,
        ast = 0, stl = 0, blk = 0, tov = 0, pf = 0, pts = 0;
    void add(const PlayerLine& p)
    {
        seconds += p.seconds; fgm += p.fgm; fga += p.fga; fg3m += p.fg3m; fg3a += p.fg3a;
        ftm += p.ftm; fta += p.fta; oreb += p.oreb; dreb += p.dreb; ast += p.ast; stl += p.stl;
        blk += p.blk; tov += p.tov; pf += p.pf; pts += p.pts;
    }
};

// One team's LineScore row: per-period points and the shooting totals of a final game, nulls
// before tip-off.
ojson lineScore(const std::string& dateEst, const Game& g, const Team& t, const TeamLine* tl)
{
    ojson row = {dateEst, g.sequence, g.id, t.id, t.abbr, t.city, t.name, "0-0"};
    if (!tl) {
        for (int k = 0; k < 21; ++k)
            row.push_back(nullptr);
        return row;
    }
    Totals tot;
    for (const auto& p : tl->players)
        tot.add(p);
    for (int p = 0; p < 14; ++p)
        row.push_back(p < int(tl->periodPoints.size()) ? tl->periodPoints[size_t(p)] : 0);
    row.push_back(tl->pts);
    row.push_back(pct(tot.fgm, tot.fga));
    row.push_back(pct(tot.ftm, tot.fta));
    row.push_back(pct(tot.fg3m, tot.fg3a));
    row.push_back(tot.ast);
    row.push_back(tot.oreb + tot.dreb);
    row.push_back(tot.tov);
    return row;
}

// The rows of scoreboardV2's result sets that carry the date's games.
struct ScoreboardRows
{
    ojson header = ojson::array(), lines = ojson::array(), available = ojson::array(), tickets = ojson::array();
};

ScoreboardRows scoreboardRows(const League& league, Date date, Date today, const std::vector<Game>& games)
{
    ScoreboardRows out;
    const std::string dateEst = date.iso() + "T00:00:00";
    for (const Game& g : games) {
        const Team& h = league.teams()[size_t(g.home)];
        const Team& a = league.teams()[size_t(g.away)];
        const bool final = date < today;
        std::optional<BoxScore> box;
        if (final)
            box = league.boxScore(g);
        const std::string status = final ? (box->periods > 4 ? "Final/OT" : "Final") : tipoff(g);
        char code[32];
        std::snprintf(code, sizeof code, "%04d%02u%02u/%s%s", date.year(), date.month(), date.day(), a.abbr.c_str(),
                      h.abbr.c_str());
        out.header.push_back({dateEst, g.sequence, g.id, final ? 3 : 1, status, code, h.id, a.id,
                              std::to_string(g.seasonStartYear), final ? box->periods : 0, "", nullptr, nullptr,
                              nullptr, "Q0", h.arena, final ? 1 : 0, 0});
        out.lines.push_back(lineScore(dateEst, g, a, final ? &box->away : nullptr));
        out.lines.push_back(lineScore(dateEst, g, h, final ? &box->home : nullptr));
        out.available.push_back({g.id, final ? 1 : 0});
        out.tickets.push_back({g.id, nullptr});
    }
    return out;
}

} // namespace

std::string scoreboardV2(const League& league, Date date, Date today, bool withGames)
{
    const auto games = withGames ? league.gamesOn(date) : std::vector<Game>{};
    const ScoreboardRows rows = scoreboardRows(league, date, today, games);
    const auto& [header, lines, available, tickets] = rows;
    ojson doc;
    doc["resource"] = "scoreboardV2";
    doc["parameters"] = {{"LeagueID", "00"}, {"GameDate", date.nbaStatsFormat()}, {"DayOffset", 0}};
    doc["resultSets"] = ojson::array({
        resultSet("GameHeader",
                  {"GAME_DATE_EST", "GAME_SEQUENCE", "GAME_ID", "GAME_STATUS_ID",
                   "GAME_STATUS_TEXT", "GAMECODE", "HOME_TEAM_ID", "VISITOR_TEAM_ID", "SEASON",
                   "LIVE_PERIOD", "LIVE_PC_TIME", "NATL_TV_BROADCASTER_ABBREVIATION",
                   "HOME_TV_BROADCASTER_ABBREVIATION", "AWAY_TV_BROADCASTER_ABBREVIATION",
                   "LIVE_PERIOD_TIME_BCAST", "ARENA_NAME", "WH_STATUS", "WNBA_COMMISSIONER_FLAG"},
                  header),
        resultSet("LineScore",
                  {"GAME_DATE_EST", "GAME_SEQUENCE", "GAME_ID", "TEAM_ID", "TEAM_ABBREVIATION",
                   "TEAM_CITY_NAME", "TEAM_NAME", "TEAM_WINS_LOSSES", "PTS_QTR1", "PTS_QTR2",
                   "PTS_QTR3", "PTS_QTR4", "PTS_OT1", "PTS_OT2", "PTS_OT3", "PTS_OT4",
                   "PTS_OT5", "PTS_OT6", "PTS_OT7", "PTS_OT8", "PTS_OT9", "PTS_OT10", "PTS",
                   "FG_PCT", "FT_PCT", "FG3_PCT", "AST", "REB", "TOV"},
                  lines),
        resultSet("SeriesStandings",
                  {"GAME_ID", "HOME_TEAM_ID", "VISITOR_TEAM_ID", "GAME_DATE_EST",
                   "HOME_TEAM_WINS", "HOME_TEAM_LOSSES", "SERIES_LEADER"},
                  nullptr),
        resultSet("LastMeeting",
                  {"GAME_ID", "LAST_GAME_ID", "LAST_GAME_DATE_EST", "LAST_GAME_HOME_TEAM_ID",
                   "LAST_GAME_HOME_TEAM_CITY", "LAST_GAME_HOME_TEAM_NAME",
                   "LAST_GAME_HOME_TEAM_ABBREVIATION", "LAST_GAME_HOME_TEAM_POINTS",
                   "LAST_GAME_VISITOR_TEAM_ID", "LAST_GAME_VISITOR_TEAM_CITY",
                   "LAST_GAME_VISITOR_TEAM_NAME", "LAST_GAME_VISITOR_TEAM_CITY1",
                   "LAST_GAME_VISITOR_TEAM_POINTS"},
                  nullptr),
        resultSet("EastConfStandingsByDay",
                  {"TEAM_ID", "LEAGUE_ID", "SEASON_ID", "STANDINGSDATE", "CONFERENCE", "TEAM",
                   "G", "W", "L", "W_PCT", "HOME_RECORD", "ROAD_RECORD"},
                  nullptr),
        resultSet("WestConfStandingsByDay",
                  {"TEAM_ID", "LEAGUE_ID", "SEASON_ID", "STANDINGSDATE", "CONFERENCE", "TEAM",
                   "G", "W", "L", "W_PCT", "HOME_RECORD", "ROAD_RECORD"},
                  nullptr),
        resultSet("Available", {"GAME_ID", "PT_AVAILABLE"}, available),
        resultSet("TeamLeaders",
                  {"GAME_ID", "TEAM_ID", "TEAM_CITY", "TEAM_NICKNAME", "TEAM_ABBREVIATION",
                   "PTS_PLAYER_ID", "PTS_PLAYER_NAME", "PTS", "REB_PLAYER_ID", "REB_PLAYER_NAME",
                   "REB", "AST_PLAYER_ID", "AST_PLAYER_NAME", "AST"},
                  nullptr),
        resultSet("TicketLinks", {"GAME_ID", "LEAG_TIX"}, tickets),
    });
    ojson win;
    win["name"] = "WinProbability";
    win["headers"] = ojson::array();
    win["rowSet"] = ojson::array();
    doc["resultSets"].push_back(win);
    return doc.dump();
}

std::string boxscoreTraditionalV2(const League& league, const Game& game, Date today)
{
    ojson players = ojson::array(), teams = ojson::array(), starterBench = ojson::array();
    if (game.date < today) {
        const BoxScore box = league.boxScore(game);
        for (const TeamLine* tl : {&box.away, &box.home}) {
            const Team& t = league.teams()[size_t(tl->team)];
            const TeamLine& other = tl == &box.home ? box.away : box.home;
            Totals all, starters, bench;
            for (const auto& pl : tl->players) {
                const Player* p = league.findPlayer(pl.playerId);
                ojson row = {game.id, t.id, t.abbr, t.city, pl.playerId,
                             p->firstName + " " + p->lastName, p->firstName, pl.startPosition,
                             pl.comment};
                if (pl.played()) {
                    row.insert(row.end(),
                               {ojson(clock(pl.seconds)), pl.fgm, pl.fga, pct(pl.fgm, pl.fga),
                                pl.fg3m, pl.fg3a, pct(pl.fg3m, pl.fg3a), pl.ftm, pl.fta,
                                pct(pl.ftm, pl.fta), pl.oreb, pl.dreb, pl.oreb + pl.dreb, pl.ast,
                                pl.stl, pl.blk, pl.tov, pl.pf, pl.pts, double(pl.plusMinus)});
                    all.add(pl);
                    (pl.startPosition.empty() ? bench : starters).add(pl);
                } else {
                    for (int k = 0; k < 20; ++k)
                        row.push_back(nullptr);
                }
                players.push_back(row);
            }
            const auto totals = [&](const Totals& x) {
                return ojson::array({clock(x.seconds), x.fgm, x.fga, pct(x.fgm, x.fga), x.fg3m,
                                     x.fg3a, pct(x.fg3m, x.fg3a), x.ftm, x.fta, pct(x.ftm, x.fta),
                                     x.oreb, x.dreb, x.oreb + x.dreb, x.ast, x.stl, x.blk, x.tov,
                                     x.pf, x.pts});
            };
            ojson teamRow = {game.id, t.id, t.name, t.abbr, t.city};
            for (auto& v : totals(all))
                teamRow.push_back(v);
            teamRow.push_back(double(tl->pts - other.pts));
            teams.push_back(teamRow);
            for (const bool isStarters : {true, false}) {
                ojson row = {game.id, t.id, t.name, t.abbr, t.city, isStarters ? "Starters" : "Bench"};
                for (auto& v : totals(isStarters ? starters : bench))
                    row.push_back(v);
                starterBench.push_back(row);
            }
        }
    }
    ojson doc;
    doc["resource"] = "boxscore";
    doc["parameters"] = {{"GameID", game.id}, {"StartPeriod", 0}, {"EndPeriod", 0},
                         {"StartRange", 0},   {"EndRange", 0},    {"RangeType", 0}};
    doc["resultSets"] = ojson::array({
        resultSet("PlayerStats",
                  {"GAME_ID", "TEAM_ID", "TEAM_ABBREVIATION", "TEAM_CITY", "PLAYER_ID",
                   "PLAYER_NAME", "NICKNAME", "START_POSITION", "COMMENT", "MIN", "FGM", "FGA",
                   "FG_PCT", "FG3M", "FG3A", "FG3_PCT", "FTM", "FTA", "FT_PCT", "OREB", "DREB",
                   "REB", "AST", "STL", "BLK", "TO", "PF", "PTS", "PLUS_MINUS"},
                  players),
        resultSet("TeamStats",
                  {"GAME_ID", "TEAM_ID", "TEAM_NAME", "TEAM_ABBREVIATION", "TEAM_CITY", "MIN",
                   "FGM", "FGA", "FG_PCT", "FG3M", "FG3A", "FG3_PCT", "FTM", "FTA", "FT_PCT",
                   "OREB", "DREB", "REB", "AST", "STL", "BLK", "TO", "PF", "PTS", "PLUS_MINUS"},
                  teams),
        resultSet("TeamStarterBenchStats",
                  {"GAME_ID", "TEAM_ID", "TEAM_NAME", "TEAM_ABBREVIATION", "TEAM_CITY",
                   "STARTERS_BENCH", "MIN", "FGM", "FGA", "FG_PCT", "FG3M", "FG3A", "FG3_PCT",
                   "FTM", "FTA", "FT_PCT", "OREB", "DREB", "REB", "AST", "STL", "BLK", "TO",
                   "PF", "PTS"},
                  starterBench),
    });
    return doc.dump();
}

} // namespace nbaops::sim
