#include "balldontlie.h"

#include "teams.h"
#include "util/jsonnum.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace nbaops::sources {

using nlohmann::json;

namespace {

json parsePage(std::string_view body, const char* what)
{
    json doc = json::parse(body, nullptr, false);
    if (doc.is_discarded())
        throw PayloadError("the body is not valid JSON (" + std::to_string(body.size()) + " bytes)");
    if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array())
        throw PayloadError(std::string("the ") + what + " page has no 'data' list");
    if (!doc.contains("meta") || !doc["meta"].is_object())
        throw PayloadError(std::string("the ") + what + " page has no 'meta' object");
    return doc;
}

template <typename T>
void readMeta(const json& doc, BdlPage<T>& page)
{
    const json& meta = doc["meta"];
    if (meta.contains("next_cursor") && !meta["next_cursor"].is_null()) {
        if (!meta["next_cursor"].is_number_integer())
            throw PayloadError("meta.next_cursor is not a number");
        page.nextCursor = meta["next_cursor"].get<int64_t>();
    }
    const auto perPage = meta.contains("per_page") ? jsonWholeNumber(meta["per_page"]) : std::nullopt;
    page.perPage = perPage && *perPage >= 0 && *perPage <= 1000000 ? int(*perPage) : 0;
}

int64_t intOf(const json& o, const char* key, const std::string& where)
{
    if (!o.is_object() || !o.contains(key) || !o[key].is_number_integer())
        throw PayloadError(where + " has no whole number '" + key + "'");
    return o[key].get<int64_t>();
}

int64_t statOf(const json& o, const char* key)
{
    // balldontlie serves null for stats a player did not record in some games.
    if (!o.contains(key) || o[key].is_null())
        return 0;
    if (!o[key].is_number())
        throw PayloadError(std::string("stat '") + key + "' is not a number");
    const double v = o[key].get<double>(); // 12 or 12.0; a fraction is cut, as the API's own totals do
    if (!std::isfinite(v) || std::fabs(v) > 1e9)
        throw PayloadError(std::string("stat '") + key + "' is out of range");
    return int64_t(v);
}

std::string textOf(const json& o, const char* key)
{
    if (!o.is_object() || !o.contains(key) || o[key].is_null())
        return {};
    if (!o[key].is_string())
        throw PayloadError(std::string("'") + key + "' is not text");
    return o[key].get<std::string>();
}

Date dateOf(const json& o, const std::string& where)
{
    const std::string text = textOf(o, "date");
    const auto d = Date::parse(text.substr(0, 10)); // "2024-01-29" or "2024-01-29T00:00:00.000Z"
    if (!d)
        throw PayloadError(where + " has no date (found '" + text + "')");
    return *d;
}

const TeamIds& teamOf(const json& t, const std::string& where)
{
    const int64_t id = intOf(t, "id", where + " team");
    const TeamIds* team = teamByBdlId(id);
    if (!team)
        throw PayloadError(where + " names balldontlie team " + std::to_string(id) + ", not an NBA team");
    return *team;
}

} // namespace

BdlPage<BdlGame> parseBdlGames(std::string_view body)
{
    const json doc = parsePage(body, "games");
    BdlPage<BdlGame> page;
    readMeta(doc, page);
    for (const json& g : doc["data"]) {
        BdlGame out;
        out.id = intOf(g, "id", "a game");
        const std::string where = "game " + std::to_string(out.id);
        out.date = dateOf(g, where);
        out.season = int(intOf(g, "season", where));
        out.status = textOf(g, "status");
        out.final = out.status == "Final";
        if (!g.contains("home_team") || !g.contains("visitor_team"))
            throw PayloadError(where + " has no home_team or visitor_team");
        const TeamIds& home = teamOf(g["home_team"], where);
        const TeamIds& visitor = teamOf(g["visitor_team"], where);
        out.homeTeamBdl = home.bdlId;
        out.visitorTeamBdl = visitor.bdlId;
        out.homeTeamId = home.nbaId;
        out.visitorTeamId = visitor.nbaId;
        out.homeAbbr = home.tricode;
        out.visitorAbbr = visitor.tricode;
        out.homeScore = statOf(g, "home_team_score");
        out.visitorScore = statOf(g, "visitor_team_score");
        page.data.push_back(std::move(out));
    }
    return page;
}

BdlPage<BdlStat> parseBdlStats(std::string_view body)
{
    const json doc = parsePage(body, "stats");
    BdlPage<BdlStat> page;
    readMeta(doc, page);
    for (const json& s : doc["data"]) {
        BdlStat out;
        out.id = intOf(s, "id", "a stat line");
        const std::string where = "stat line " + std::to_string(out.id);
        if (!s.contains("player") || !s.contains("team") || !s.contains("game"))
            throw PayloadError(where + " lacks its player, team or game");
        const json& p = s["player"];
        out.playerId = intOf(p, "id", where + " player");
        out.firstName = textOf(p, "first_name");
        out.lastName = textOf(p, "last_name");
        out.position = textOf(p, "position");
        if (out.firstName.empty() && out.lastName.empty())
            throw PayloadError(where + " has a player without a name");
        const TeamIds& team = teamOf(s["team"], where);
        out.teamBdl = team.bdlId;
        out.teamId = team.nbaId;
        out.teamAbbr = team.tricode;
        out.gameId = intOf(s["game"], "id", where + " game");
        out.gameDate = dateOf(s["game"], where + " game");
        if (s.contains("min") && s["min"].is_string())
            out.minutesText = s["min"].get<std::string>();
        else if (s.contains("min") && s["min"].is_number())
            out.minutesText = std::to_string(s["min"].get<int64_t>());
        if (!out.minutesText.empty()) {
            out.minutes = parseMinutesText(out.minutesText);
            if (!out.minutes)
                throw PayloadError(where + " has unreadable minutes '" + out.minutesText + "'");
        } else {
            out.minutes = 0.0;
        }
        out.fgm = statOf(s, "fgm");
        out.fga = statOf(s, "fga");
        out.fg3m = statOf(s, "fg3m");
        out.fg3a = statOf(s, "fg3a");
        out.ftm = statOf(s, "ftm");
        out.fta = statOf(s, "fta");
        out.oreb = statOf(s, "oreb");
        out.dreb = statOf(s, "dreb");
        out.reb = statOf(s, "reb");
        out.ast = statOf(s, "ast");
        out.stl = statOf(s, "stl");
        out.blk = statOf(s, "blk");
        out.tov = statOf(s, "turnover");
        out.pf = statOf(s, "pf");
        out.pts = statOf(s, "pts");
        page.data.push_back(std::move(out));
    }
    return page;
}

} // namespace nbaops::sources
