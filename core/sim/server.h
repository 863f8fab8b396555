#pragma once

#include "faults.h"
#include "league.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nbaops::sim {

// The simulated league served over real HTTP on 127.0.0.1 (an ephemeral port unless one is
// given), as four upstream services in their real formats:
//   GET /stats/scoreboardv2?GameDate=MM/DD/YYYY&LeagueID=00&DayOffset=0     (stats.nba.com)
//   GET /stats/boxscoretraditionalv2?GameID=...&StartPeriod=0&EndPeriod=0&...
//   GET /apis/site/v2/sports/basketball/nba/scoreboard?dates=YYYYMMDD         (ESPN)
//   GET /v1/games|/v1/stats?dates[]=YYYY-MM-DD&per_page=N&cursor=C           (balldontlie, key)
//   GET /v4/sports/basketball_nba/events, /events/{id}/odds                   (The Odds API, key)
// Games dated before the clock's Eastern date are final. Faults can be injected per endpoint.
class SimServer
{
public:
    SimServer(const League& league, const Clock& clock);
    ~SimServer();
    SimServer(const SimServer&) = delete;
    SimServer& operator=(const SimServer&) = delete;

    int start(int port = 0); // returns the bound port; throws OpsError
    void stop();             // wakes hung requests, joins the listener
    int port() const;
    std::string statsBaseUrl() const; // "http://127.0.0.1:PORT/stats"
    std::string oddsBaseUrl() const;  // "http://127.0.0.1:PORT/v4" (The Odds API)
    std::string espnBaseUrl() const;  // ".../apis/site/v2/sports/basketball/nba" (ESPN)
    std::string bdlBaseUrl() const;   // "http://127.0.0.1:PORT/v1" (balldontlie)

    void addFault(const FaultRule& rule);
    void clearFaults();
    std::vector<FaultRule> faults() const;
    int requestCount(const std::string& endpoint) const;

private:
    void addOddsRoutes();
    void addFeedRoutes();
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace nbaops::sim
