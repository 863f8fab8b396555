#include "feedsformat.h"

#include "sources/teams.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace nbaops::sim {

using ojson = nlohmann::ordered_json;

namespace {

int gameNumber(const Game& g) { return std::atoi(g.id.substr(5).c_str()); } // "0022400123" -> 123

const sources::TeamIds& idsOf(const Team& t)
{
    const auto* ids = sources::teamByNbaId(t.id);
    return *ids; // the simulated league has exactly the 30 real teams
}

std::string startUtc(const Game& g, bool seconds)
{
    const std::string iso = toIsoUtc(easternTime(g.date, 19, 0));
    return seconds ? iso.substr(0, 19) + "Z" : iso.substr(0, 16) + "Z";
}

ojson espnCompetitor(const Team& t, bool home, std::optional<int> score, std::optional<bool> winner)
{
    const auto& ids = idsOf(t);
    ojson team = {{"id", std::to_string(ids.espnId)},
                  {"uid", "s:40~l:46~t:" + std::to_string(ids.espnId)},
                  {"location", t.city},
                  {"name", t.name},
                  {"abbreviation", ids.espnAbbr},
                  {"displayName", t.city + " " + t.name},
                  {"shortDisplayName", t.name},
                  {"isActive", true}};
    ojson c = {{"id", std::to_string(ids.espnId)},
               {"uid", "s:40~l:46~t:" + std::to_string(ids.espnId)},
               {"type", "team"},
               {"order", home ? 0 : 1},
               {"homeAway", home ? "home" : "away"}};
    if (winner)
        c["winner"] = *winner;
    c["team"] = team;
    c["score"] = score ? std::to_string(*score) : std::string("0");
    return c;
}

ojson bdlTeam(const Team& t)
{
    const auto& ids = idsOf(t);
    return {{"id", ids.bdlId}, {"conference", ""}, {"division", ""}, {"city", t.city},
            {"name", t.name}, {"full_name", t.city + " " + t.name}, {"abbreviation", t.abbr}};
}

ojson bdlGameJson(const League& league, const Game& g, const BoxScore* box)
{
    const Team& h = league.teams()[size_t(g.home)];
    const Team& a = league.teams()[size_t(g.away)];
    return {{"id", bdlGameId(g)},
            {"date", g.date.iso()},
            {"season", g.seasonStartYear},
            {"status", box ? "Final" : startUtc(g, true)},
            {"period", box ? box->periods : 0},
            {"time", box ? "Final" : ""},
            {"postseason", false},
            {"home_team_score", box ? box->home.pts : 0},
            {"visitor_team_score", box ? box->away.pts : 0},
            {"home_team", bdlTeam(h)},
            {"visitor_team", bdlTeam(a)}};
}

std::string page(ojson data, const BdlQuery& q, std::optional<int64_t> next)
{
    ojson doc;
    doc["data"] = std::move(data);
    doc["meta"] = ojson::object();
    if (next)
        doc["meta"]["next_cursor"] = *next;
    doc["meta"]["per_page"] = q.perPage;
    return doc.dump();
}

// The items of one page: ids sorted ascending, those >= cursor, at most perPage.
template <typename Item, typename IdOf>
std::pair<std::vector<Item>, std::optional<int64_t>> slice(std::vector<Item> items, const BdlQuery& q, IdOf&& idOf)
{
    std::sort(items.begin(), items.end(), [&](const Item& x, const Item& y) { return idOf(x) < idOf(y); });
    std::vector<Item> out;
    std::optional<int64_t> next;
    for (auto& it : items) {
        if (idOf(it) < q.cursor)
            continue;
        if (int(out.size()) == q.perPage) {
            next = idOf(it);
            break;
        }
        out.push_back(std::move(it));
    }
    return {std::move(out), next};
}

} // namespace

int64_t espnEventId(const Game& game)
{
    return 401500000 + int64_t(game.seasonStartYear % 100) * 10000 + gameNumber(game);
}

int64_t bdlGameId(const Game& game)
{
    return 15000000 + int64_t(game.seasonStartYear % 100) * 10000 + gameNumber(game);
}

int64_t bdlPlayerId(int64_t nbaPlayerId)
{
    const int64_t local = nbaPlayerId - 5000000; // team index * 100 + rotation slot
    return 300 + (local / 100) * 15 + local % 100;
}

std::string espnScoreboard(const League& league, Date date, Date today, bool withGames)
{
    ojson events = ojson::array();
    if (withGames) {
        for (const Game& g : league.gamesOn(date)) {
            const Team& h = league.teams()[size_t(g.home)];
            const Team& a = league.teams()[size_t(g.away)];
            const bool final = g.date < today;
            std::optional<BoxScore> box;
            if (final)
                box = league.boxScore(g);
            const std::string id = std::to_string(espnEventId(g));
            const std::string detail = final ? (box->periods > 4 ? "Final/OT" : "Final") : "7:00 PM EST";
            ojson status = {{"clock", 0},
                            {"displayClock", "0.0"},
                            {"period", final ? box->periods : 0},
                            {"type",
                             {{"id", final ? "3" : "1"},
                              {"name", final ? "STATUS_FINAL" : "STATUS_SCHEDULED"},
                              {"state", final ? "post" : "pre"},
                              {"completed", final},
                              {"description", final ? "Final" : "Scheduled"},
                              {"detail", detail},
                              {"shortDetail", detail}}}};
            ojson competitors = ojson::array();
            competitors.push_back(espnCompetitor(h, true, final ? std::optional(box->home.pts) : std::nullopt,
                                                 final ? std::optional(box->home.pts > box->away.pts) : std::nullopt));
            competitors.push_back(espnCompetitor(a, false, final ? std::optional(box->away.pts) : std::nullopt,
                                                 final ? std::optional(box->away.pts > box->home.pts) : std::nullopt));
            ojson competition = {{"id", id},
                                 {"uid", "s:40~l:46~e:" + id + "~c:" + id},
                                 {"date", startUtc(g, false)},
                                 {"attendance", 0},
                                 {"neutralSite", false},
                                 {"venue", {{"fullName", h.arena}}},
                                 {"competitors", competitors},
                                 {"status", status},
                                 {"startDate", startUtc(g, false)}};
            events.push_back({{"id", id},
                              {"uid", "s:40~l:46~e:" + id},
                              {"date", startUtc(g, false)},
                              {"name", a.city + " " + a.name + " at " + h.city + " " + h.name},
                              {"shortName", std::string(idsOf(a).espnAbbr) + " @ " + idsOf(h).espnAbbr},
                              {"season", {{"year", g.seasonStartYear + 1}, {"type", 2}, {"slug", "regular-season"}}},
                              {"competitions", ojson::array({competition})},
                              {"status", status}});
        }
    }
    ojson doc;
    doc["leagues"] = ojson::array({{{"id", "46"}, {"uid", "s:40~l:46"}, {"name", "National Basketball Association"},
                                    {"abbreviation", "NBA"}, {"slug", "nba"}}});
    doc["season"] = {{"type", 2}, {"year", (date.month() >= 8 ? date.year() + 1 : date.year())}};
    doc["day"] = {{"date", date.iso()}};
    doc["events"] = std::move(events);
    return doc.dump();
}

std::string bdlGames(const League& league, const BdlQuery& q, Date today, bool withGames)
{
    std::vector<Game> games = withGames ? league.gamesOn(q.date) : std::vector<Game>{};
    auto [part, next] = slice(std::move(games), q, [](const Game& g) { return bdlGameId(g); });
    ojson data = ojson::array();
    for (const Game& g : part) {
        std::optional<BoxScore> box;
        if (g.date < today)
            box = league.boxScore(g);
        data.push_back(bdlGameJson(league, g, box ? &*box : nullptr));
    }
    return page(std::move(data), q, next);
}

std::vector<BdlStatLine> bdlStatLines(const League& league, Date date, Date today)
{
    std::vector<BdlStatLine> lines;
    for (const Game& g : league.gamesOn(date)) {
        if (!(g.date < today))
            continue;
        const BoxScore box = league.boxScore(g);
        const ojson game = bdlGameJson(league, g, &box);
        const std::string gameRef =
            ojson{{"id", game["id"]}, {"date", game["date"]}, {"season", game["season"]},
                  {"status", game["status"]}, {"period", game["period"]}, {"time", game["time"]},
                  {"postseason", false}, {"home_team_score", game["home_team_score"]},
                  {"visitor_team_score", game["visitor_team_score"]},
                  {"home_team_id", game["home_team"]["id"]}, {"visitor_team_id", game["visitor_team"]["id"]}}
                .dump();
        int index = 0;
        for (const TeamLine* tl : {&box.home, &box.away}) {
            const Team& t = league.teams()[size_t(tl->team)];
            const std::string team = bdlTeam(t).dump();
            for (const PlayerLine& pl : tl->players) {
                const Player* p = league.findPlayer(pl.playerId);
                // balldontlie gives whole minutes as text ("34"), "00" for a player who did not play.
                const long mins = pl.played() ? std::max(1L, std::lround(pl.seconds / 60.0)) : 0L;
                const int64_t id = bdlGameId(g) * 40 + index++;
                const auto pct = [](int made, int att) { return att ? std::round(1000.0 * made / att) / 10.0 : 0.0; };
                // Written by hand rather than through a JSON tree: a date has ~450 lines and the
                // simulator renders them for every run (the keys in the service's order).
                char buf[640];
                std::snprintf(buf, sizeof buf,
                              "{\"id\":%lld,\"ast\":%d,\"blk\":%d,\"dreb\":%d,\"fg3_pct\":%.1f,\"fg3a\":%d,"
                              "\"fg3m\":%d,\"fg_pct\":%.1f,\"fga\":%d,\"fgm\":%d,\"ft_pct\":%.1f,\"fta\":%d,"
                              "\"ftm\":%d,\"min\":\"%02ld\",\"oreb\":%d,\"pf\":%d,\"pts\":%d,\"reb\":%d,"
                              "\"stl\":%d,\"turnover\":%d,\"player\":{\"id\":%lld,\"first_name\":%s,"
                              "\"last_name\":%s,\"position\":%s,\"team_id\":%d},",
                              static_cast<long long>(id), pl.ast, pl.blk, pl.dreb, pct(pl.fg3m, pl.fg3a), pl.fg3a,
                              pl.fg3m, pct(pl.fgm, pl.fga), pl.fga, pl.fgm, pct(pl.ftm, pl.fta), pl.fta, pl.ftm,
                              mins, pl.oreb, pl.pf, pl.pts, pl.oreb + pl.dreb, pl.stl, pl.tov,
                              static_cast<long long>(bdlPlayerId(pl.playerId)), ojson(p->firstName).dump().c_str(),
                              ojson(p->lastName).dump().c_str(), ojson(p->position).dump().c_str(), idsOf(t).bdlId);
                lines.push_back({id, g.id, std::string(buf) + "\"team\":" + team + ",\"game\":" + gameRef + "}"});
            }
        }
    }
    std::sort(lines.begin(), lines.end(), [](const BdlStatLine& a, const BdlStatLine& b) { return a.id < b.id; });
    return lines;
}

std::string bdlStatsPage(const std::vector<BdlStatLine>& lines, const BdlQuery& q)
{
    std::string data = "[";
    std::optional<int64_t> next;
    int taken = 0;
    for (const auto& l : lines) { // sorted by id
        if (l.id < q.cursor || l.gameId == q.omitGameId)
            continue;
        if (taken == q.perPage) {
            next = l.id;
            break;
        }
        data += (taken++ ? "," : "") + l.json;
    }
    data += "]";
    std::string meta = "{";
    if (next)
        meta += "\"next_cursor\":" + std::to_string(*next) + ",";
    meta += "\"per_page\":" + std::to_string(q.perPage) + "}";
    return "{\"data\":" + data + ",\"meta\":" + meta + "}";
}

std::string bdlStats(const League& league, const BdlQuery& q, Date today)
{
    return bdlStatsPage(bdlStatLines(league, q.date, today), q);
}

} // namespace nbaops::sim
