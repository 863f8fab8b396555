#include "historycsv.h"

#include "league.h"

#include <cstdio>

namespace nbaops::sim {

namespace {

std::string pctText(int made, int attempts)
{
    if (attempts == 0)
        return "0";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.3g", double(made) / double(attempts));
    return buf;
}

std::string quoted(const std::string& s)
{
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

} // namespace

std::string boxscoreHistoryCsv(const League& league, Date from, Date to)
{
    std::string csv = "season,game_id,game_date,team_id,team_tricode,team_city,team_name,home,opponent_team_id,"
                      "opponent_tricode,person_id,first_name,family_name,name_i,position,comment,jersey_num,minutes,"
                      "fgm,fga,fg_pct,fg3m,fg3a,fg3_pct,ftm,fta,ft_pct,oreb,dreb,reb,ast,stl,blk,tov,pf,pts,plus_minus\n";
    const auto& teams = league.teams();
    for (Date d = from; d <= to; d = d.addDays(1)) {
        for (const auto& g : league.gamesOn(d)) {
            const BoxScore box = league.boxScore(g);
            for (const bool home : {true, false}) {
                const TeamLine& line = home ? box.home : box.away;
                const Team& team = teams[size_t(line.team)];
                const Team& opp = teams[size_t(home ? box.away.team : box.home.team)];
                std::vector<const PlayerLine*> order;
                for (const auto& p : line.players)
                    if (!p.startPosition.empty())
                        order.push_back(&p);
                for (const auto& p : line.players)
                    if (p.startPosition.empty())
                        order.push_back(&p);
                for (const PlayerLine* p : order) {
                    const Player* who = league.findPlayer(p->playerId);
                    const std::string first = who ? who->firstName : "Player";
                    const std::string last = who ? who->lastName : std::to_string(p->playerId);
                    char minutes[16] = "";
                    if (p->played())
                        std::snprintf(minutes, sizeof minutes, "%d:%02d", p->seconds / 60, p->seconds % 60);
                    char buf[1024];
                    std::snprintf(
                        buf, sizeof buf,
                        "%s,%s,%s,%d,%s,%s,%s,%d,%d,%s,%lld,%s,%s,%s,%s,%s,,%s,%d,%d,%s,%d,%d,%s,%d,%d,%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d\n",
                        League::seasonLabel(g.seasonStartYear).c_str(), g.id.c_str(), d.iso().c_str(), team.id,
                        team.abbr.c_str(), quoted(team.city).c_str(), quoted(team.name).c_str(), home ? 1 : 0, opp.id,
                        opp.abbr.c_str(), static_cast<long long>(p->playerId), quoted(first).c_str(),
                        quoted(last).c_str(), quoted(first.substr(0, 1) + ". " + last).c_str(),
                        p->startPosition.c_str(), quoted(p->comment).c_str(), minutes, p->fgm, p->fga,
                        pctText(p->fgm, p->fga).c_str(), p->fg3m, p->fg3a, pctText(p->fg3m, p->fg3a).c_str(), p->ftm, p->fta,
                        pctText(p->ftm, p->fta).c_str(), p->oreb, p->dreb, p->oreb + p->dreb, p->ast, p->stl, p->blk,
                        p->tov, p->pf, p->pts, p->plusMinus);
                    csv += buf;
                }
            }
        }
    }
    return csv;
}

} // namespace nbaops::sim
