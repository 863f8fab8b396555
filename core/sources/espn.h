#pragma once

#include "nbastats.h" // PayloadError

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nbaops::sources {

// ESPN's NBA scoreboard (site.api.espn.com/apis/site/v2/sports/basketball/nba/scoreboard?dates=
// YYYYMMDD): {"day":{"date"}, "events":[{"id","date","competitions":[{"competitors":[{"homeAway",
// "team":{"id","abbreviation"},"score"}]}],"status":{"type":{"state","completed"}}}]}.
struct EspnGame
{
    std::string eventId;
    std::string startUtc;      // "2024-01-30T00:00Z" as served
    std::string homeAbbr, awayAbbr; // ESPN's abbreviations ("NY", "GS")
    int64_t homeTeamId = 0, awayTeamId = 0; // NBA.com ids, mapped
    std::optional<int64_t> homeScore, awayScore;
    std::string state;         // "pre" | "in" | "post"
    bool completed = false;
    std::string detail;        // "Final", "Final/OT", "7:00 PM ET"
};

struct EspnScoreboard
{
    std::optional<Date> day; // the scoreboard's own "day.date" when present
    std::vector<EspnGame> games;
};

// Throws PayloadError on a body that is not this document or names a team it does not know.
EspnScoreboard parseEspnScoreboard(std::string_view body);

} // namespace nbaops::sources
