#include "oddsformat.h"

#include "util/rng.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace nbaops::sim {

using ojson = nlohmann::ordered_json;

namespace {

std::string commenceUtc(const Game& g)
{
    // Tip-off 7 pm ET, written in UTC as the API does ("2024-02-23T00:00:00Z").
    const auto t = easternTime(g.date, 19, 0);
    std::string iso = toIsoUtc(t);
    return iso.substr(0, 19) + "Z";
}

ojson eventJson(const League& league, const Game& g)
{
    const Team& h = league.teams()[size_t(g.home)];
    const Team& a = league.teams()[size_t(g.away)];
    return {{"id", oddsEventId(g)}, {"sport_key", "basketball_nba"}, {"sport_title", "NBA"},
            {"commence_time", commenceUtc(g)}, {"home_team", h.city + " " + h.name},
            {"away_team", a.city + " " + a.name}};
}

int americanPrice(double probability)
{
    const double p = std::clamp(probability, 0.05, 0.95);
    return p >= 0.5 ? -int(std::lround(100.0 * p / (1.0 - p))) : int(std::lround(100.0 * (1.0 - p) / p));
}

} // namespace

std::string oddsEventId(const Game& game)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(stableHash(game.id)),
                  static_cast<unsigned long long>(stableHash("odds:" + game.id)));
    return buf;
}

std::string oddsEvents(const League& league, Date date)
{
    ojson out = ojson::array();
    for (const auto& g : league.gamesOn(date))
        out.push_back(eventJson(league, g));
    return out.dump();
}

std::string oddsEventPlayerPoints(const League& league, const Game& g)
{
    {
        {
            ojson doc = eventJson(league, g);
            doc["bookmakers"] = ojson::array();
            const char* books[3][2] = {{"draftkings", "DraftKings"}, {"fanduel", "FanDuel"}, {"betmgm", "BetMGM"}};
            for (int b = 0; b < 3; ++b) {
                Rng rng(league.seed() ^ stableHash(g.id) ^ uint64_t(b * 7919));
                ojson outcomes = ojson::array();
                for (const int team : {g.away, g.home}) {
                    for (const auto& p : league.players()) {
                        if (p.team != team || p.rotation >= 9)
                            continue;
                        // The book's line: the player's usual scoring, a little noise, to .5.
                        const double mean = p.ptsPer36 * p.minutesMean / 36.0 * rng.normal(1.0, 0.05);
                        const double point = std::floor(std::max(2.0, mean)) + 0.5;
                        const double over = std::clamp(0.52 + rng.normal(0, 0.02), 0.4, 0.6);
                        const std::string name = p.firstName + " " + p.lastName;
                        outcomes.push_back({{"name", "Over"}, {"description", name}, {"price", americanPrice(over)}, {"point", point}});
                        outcomes.push_back({{"name", "Under"}, {"description", name}, {"price", americanPrice(1.04 - over)}, {"point", point}});
                    }
                }
                const std::string updated = toIsoUtc(easternTime(g.date, 18, 55)).substr(0, 19) + "Z";
                doc["bookmakers"].push_back({{"key", books[b][0]}, {"title", books[b][1]},
                                             {"markets", ojson::array({{{"key", "player_points"}, {"last_update", updated},
                                                                       {"outcomes", outcomes}}})}});
            }
            return doc.dump();
        }
    }
}

} // namespace nbaops::sim
