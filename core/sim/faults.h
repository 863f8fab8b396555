#pragma once

#include "util/date.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nbaops::sim {

enum class FaultKind {
    Http500,     // respond 500
    Http503,     // respond 503
    Http429,     // respond 429 with Retry-After
    Latency,     // answer after a delay
    Hang,        // hold the request (until the client gives up or the server stops)
    Malformed,   // 200 with a body that is not the expected JSON
    Truncated,   // 200 with the JSON cut short
    EmptyDay,    // scoreboard with no games
    MissingGame, // box score answered 404 for one game
};

std::string_view toString(FaultKind k);

// The simulator's endpoints that take faults ("*": all of them).
inline constexpr std::array<const char*, 8> kFaultEndpoints = {
    "*", "scoreboardv2", "boxscoretraditionalv2", "espn_scoreboard", "bdl_games", "bdl_stats",
    "odds_events", "odds_player_points"};

// One injected fault: which endpoint, optionally which date or game, how often and how many
// times. Text form, for the CLI and tests:
//   ENDPOINT:KIND[:count=N][:rate=P][:ms=N][:date=YYYY-MM-DD][:game=ID]
// e.g. "boxscoretraditionalv2:http500:count=5", "scoreboardv2:hang:ms=30000:date=2024-01-02".
struct FaultRule
{
    std::string endpoint;        // one of kFaultEndpoints
    FaultKind kind = FaultKind::Http500;
    int remaining = -1;          // -1: unlimited
    double rate = 1.0;           // probability that a matching request is hit
    int millis = 0;              // Latency / Hang duration, Retry-After for 429
    std::optional<Date> date;
    std::string gameId;

    static FaultRule parse(std::string_view spec); // throws UsageError
    std::string describe() const;
};

} // namespace nbaops::sim
