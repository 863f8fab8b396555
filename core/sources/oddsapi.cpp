#include "oddsapi.h"

#include <nlohmann/json.hpp>

#include <cmath>

#include <map>

namespace nbaops::sources {

using nlohmann::json;

namespace {

json parse(std::string_view body)
{
    json doc = json::parse(body, nullptr, false);
    if (doc.is_discarded())
        throw PayloadError("the body is not valid JSON (" + std::to_string(body.size()) + " bytes)");
    return doc;
}

std::string text(const json& o, const char* key)
{
    if (!o.contains(key) || !o[key].is_string())
        throw PayloadError(std::string("an event has no text field '") + key + "'");
    return o[key].get<std::string>();
}

} // namespace

std::vector<OddsEvent> parseOddsEvents(std::string_view body)
{
    const json doc = parse(body);
    if (!doc.is_array())
        throw PayloadError("the events document is not a list");
    std::vector<OddsEvent> out;
    for (const json& e : doc) {
        if (!e.is_object())
            throw PayloadError("an event is not an object");
        out.push_back({text(e, "id"), text(e, "commence_time"), text(e, "home_team"), text(e, "away_team")});
    }
    return out;
}

std::vector<PropLine> parsePlayerPointsOdds(std::string_view body)
{
    const json doc = parse(body);
    if (!doc.is_object() || !doc.contains("bookmakers") || !doc["bookmakers"].is_array())
        throw PayloadError("the event odds have no 'bookmakers' list");
    const std::string eventId = text(doc, "id");
    std::vector<PropLine> out;
    for (const json& b : doc["bookmakers"]) {
        if (!b.is_object() || !b.contains("markets") || !b["markets"].is_array())
            throw PayloadError("a bookmaker has no 'markets' list");
        const std::string book = text(b, "key");
        for (const json& m : b["markets"]) {
            if (!m.is_object() || m.value("key", "") != "player_points" || !m.contains("outcomes"))
                continue;
            std::map<std::pair<std::string, double>, PropLine> pairs;
            std::map<std::pair<std::string, double>, int> seen;
            for (const json& o : m["outcomes"]) {
                if (!o.is_object() || !o.contains("point") || !o["point"].is_number() ||
                    !o.contains("price") || !o["price"].is_number() || !o.contains("description"))
                    continue;
                const std::string player = o["description"].get<std::string>();
                const double point = o["point"].get<double>();
                PropLine& line = pairs[{player, point}];
                line.eventId = eventId;
                line.bookmaker = book;
                line.player = player;
                line.point = point;
                const std::string side = o.value("name", "");
                const double price = o["price"].get<double>(); // American odds: -110, +150
                if (!std::isfinite(price) || std::fabs(price) > 1e6)
                    continue;
                if (side == "Over")
                    line.overPrice = int(std::lround(price)), seen[{player, point}] |= 1;
                else if (side == "Under")
                    line.underPrice = int(std::lround(price)), seen[{player, point}] |= 2;
            }
            for (auto& [key, line] : pairs) {
                if (seen[key] == 3)
                    out.push_back(std::move(line));
            }
        }
    }
    return out;
}

} // namespace nbaops::sources
