#pragma once

#include "util/date.h"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::sim {

struct Team
{
    int id = 0;             // NBA team id, 1610612737..1610612766
    std::string abbr;       // real tricode
    std::string city;
    std::string name;
    std::string arena;
    double offense = 1.0;   // multiplier on its players' scoring
    double defense = 1.0;   // multiplier on opponents' scoring (lower is better defense)
    double pace = 1.0;      // multiplier on the possessions of its games
};

struct Player
{
    int64_t id = 0;
    int team = 0;           // index into League::teams()
    int rotation = 0;       // 0..14, 0-4 usual starters
    std::string firstName;
    std::string lastName;
    std::string position;   // G, F or C
    double minutesMean = 0; // latent minutes profile
    double minutesSd = 0;
    double ptsPer36 = 0;    // latent scoring rate
    double fg3Share = 0;    // share of points from threes
    double ftShare = 0;     // share of points from free throws
    double fgPct = 0;
    double fg3Pct = 0;
    double ftPct = 0;
    double rebPer36 = 0;
    double astPer36 = 0;
    double injuryRate = 0;
};

struct Game
{
    std::string id;         // "0022400123"
    Date date;
    int seasonStartYear = 0;
    int sequence = 0;       // order within the day, from 1
    int home = 0;           // team indices
    int away = 0;
    int homeRestDays = 0;   // days since the team's previous game (0 = back-to-back), 7 if first
    int awayRestDays = 0;
};

struct PlayerLine
{
    int64_t playerId = 0;
    std::string startPosition; // "G"/"F"/"C" for starters, "" for bench
    std::string comment;       // "DNP - Coach's Decision" etc., "" when played
    int seconds = 0;           // 0 when not played
    int fgm = 0, fga = 0, fg3m = 0, fg3a = 0, ftm = 0, fta = 0;
    int oreb = 0, dreb = 0, ast = 0, stl = 0, blk = 0, tov = 0, pf = 0, pts = 0;
    int plusMinus = 0;
    bool played() const { return seconds > 0; }
};

struct TeamLine
{
    int team = 0;
    std::vector<PlayerLine> players;
    std::vector<int> periodPoints; // per period, 4 + overtimes
    int pts = 0;
};

struct BoxScore
{
    Game game;
    int periods = 4;
    TeamLine home;
    TeamLine away;
};

// A deterministic simulated league: 30 real teams, 15 players each with latent profiles, a
// season calendar like the real one (late October to mid-April, no games in summer), and box
// scores whose points follow minutes, the opponent's defence and rest. Same seed, same league.
class League
{
public:
    static constexpr uint64_t kDefaultSeed = 20241022;
    explicit League(uint64_t seed = kDefaultSeed);
    ~League();

    uint64_t seed() const { return m_seed; }
    const std::vector<Team>& teams() const { return m_teams; }
    const std::vector<Player>& players() const { return m_players; }
    const Player* findPlayer(int64_t id) const;

    // The season a date falls in (its start year), or nullopt outside the regular season.
    static std::optional<int> seasonOf(Date d);
    static Date openingDay(int startYear);
    static Date lastDay(int startYear);
    static std::string seasonLabel(int startYear); // "2024-25"

    // The whole regular season (1,230 games), generated once per season and cached.
    const std::vector<Game>& season(int startYear) const;
    std::vector<Game> gamesOn(Date d) const;
    std::optional<Game> findGame(const std::string& gameId) const;
    BoxScore boxScore(const Game& g) const;

private:
    uint64_t m_seed;
    std::vector<Team> m_teams;
    std::vector<Player> m_players;
    mutable std::mutex m_mutex;
    mutable std::map<int, std::unique_ptr<std::vector<Game>>> m_seasons;
    std::vector<Game> buildSeason(int startYear) const;
    TeamLine playTeam(const Game& g, bool home, int periods, uint64_t seed) const;
    BoxScore playBoxScore(const Game& g) const;
    mutable std::map<std::string, std::shared_ptr<const BoxScore>> m_boxes; // recent games, by id
};

} // namespace nbaops::sim
