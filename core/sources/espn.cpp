#include "espn.h"

#include "teams.h"

#include <nlohmann/json.hpp>

namespace nbaops::sources {

using nlohmann::json;

namespace {

const json& member(const json& o, const char* key, const std::string& where)
{
    if (!o.is_object() || !o.contains(key))
        throw PayloadError(where + " has no '" + key + "'");
    return o[key];
}

std::string textOf(const json& v, const std::string& where)
{
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_number_integer())
        return std::to_string(v.get<int64_t>());
    throw PayloadError(where + " is not text");
}

std::optional<int64_t> scoreOf(const json& c)
{
    if (!c.contains("score"))
        return std::nullopt;
    const json& s = c["score"];
    if (s.is_number_integer())
        return s.get<int64_t>();
    if (s.is_string() && !s.get<std::string>().empty()) {
        const std::string t = s.get<std::string>();
        char* end = nullptr;
        const long long v = std::strtoll(t.c_str(), &end, 10);
        if (end && *end == 0)
            return v;
    }
    return std::nullopt;
}

} // namespace

EspnScoreboard parseEspnScoreboard(std::string_view body)
{
    const json doc = json::parse(body, nullptr, false);
    if (doc.is_discarded())
        throw PayloadError("the body is not valid JSON (" + std::to_string(body.size()) + " bytes)");
    if (!doc.is_object() || !doc.contains("events") || !doc["events"].is_array())
        throw PayloadError("the scoreboard has no 'events' list");
    EspnScoreboard out;
    if (doc.contains("day") && doc["day"].is_object() && doc["day"].contains("date") && doc["day"]["date"].is_string()) {
        out.day = Date::parse(doc["day"]["date"].get<std::string>());
        if (!out.day)
            throw PayloadError("day.date '" + doc["day"]["date"].get<std::string>() + "' is not a date");
    }
    size_t index = 0;
    for (const json& e : doc["events"]) {
        const std::string where = "event " + std::to_string(index++);
        EspnGame g;
        g.eventId = textOf(member(e, "id", where), where + " id");
        const std::string at = where + " (" + g.eventId + ")";
        g.startUtc = textOf(member(e, "date", at), at + " date");
        const json& comps = member(e, "competitions", at);
        if (!comps.is_array() || comps.empty())
            throw PayloadError(at + " has no competition");
        const json& competitors = member(comps[0], "competitors", at);
        if (!competitors.is_array() || competitors.size() != 2)
            throw PayloadError(at + " does not have two competitors");
        for (const json& c : competitors) {
            const std::string side = textOf(member(c, "homeAway", at), at + " homeAway");
            const std::string abbr = textOf(member(member(c, "team", at), "abbreviation", at), at + " team abbreviation");
            const TeamIds* team = teamByEspnAbbr(abbr);
            if (!team)
                throw PayloadError(at + " names team '" + abbr + "', which is not an NBA team");
            if (side == "home") {
                g.homeAbbr = abbr;
                g.homeTeamId = team->nbaId;
                g.homeScore = scoreOf(c);
            } else if (side == "away") {
                g.awayAbbr = abbr;
                g.awayTeamId = team->nbaId;
                g.awayScore = scoreOf(c);
            } else {
                throw PayloadError(at + " has a competitor that is neither home nor away ('" + side + "')");
            }
        }
        if (!g.homeTeamId || !g.awayTeamId)
            throw PayloadError(at + " lacks a home or an away team");
        const json* status = nullptr;
        if (e.contains("status"))
            status = &e["status"];
        else if (comps[0].contains("status"))
            status = &comps[0]["status"];
        if (!status || !status->contains("type"))
            throw PayloadError(at + " has no status");
        const json& type = (*status)["type"];
        g.state = type.value("state", "");
        g.completed = type.value("completed", false);
        g.detail = type.value("shortDetail", type.value("detail", ""));
        if (g.completed && (!g.homeScore || !g.awayScore))
            throw PayloadError(at + " is completed but has no score");
        out.games.push_back(std::move(g));
    }
    return out;
}

} // namespace nbaops::sources
