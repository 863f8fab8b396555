#include "league.h"

#include "util/rng.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nbaops::sim {

namespace {

struct TeamSeed
{
    int id;
    const char* abbr;
    const char* city;
    const char* name;
    const char* arena;
};

const TeamSeed kTeams[30] = {
    {1610612737, "ATL", "Atlanta", "Hawks", "State Farm Arena"},
    {1610612738, "BOS", "Boston", "Celtics", "TD Garden"},
    {1610612739, "CLE", "Cleveland", "Cavaliers", "Rocket Mortgage FieldHouse"},
    {1610612740, "NOP", "New Orleans", "Pelicans", "Smoothie King Center"},
    {1610612741, "CHI", "Chicago", "Bulls", "United Center"},
    {1610612742, "DAL", "Dallas", "Mavericks", "American Airlines Center"},
    {1610612743, "DEN", "Denver", "Nuggets", "Ball Arena"},
    {1610612744, "GSW", "Golden State", "Warriors", "Chase Center"},
    {1610612745, "HOU", "Houston", "Rockets", "Toyota Center"},
    {1610612746, "LAC", "LA", "Clippers", "Intuit Dome"},
    {1610612747, "LAL", "Los Angeles", "Lakers", "Crypto.com Arena"},
    {1610612748, "MIA", "Miami", "Heat", "Kaseya Center"},
    {1610612749, "MIL", "Milwaukee", "Bucks", "Fiserv Forum"},
    {1610612750, "MIN", "Minnesota", "Timberwolves", "Target Center"},
    {1610612751, "BKN", "Brooklyn", "Nets", "Barclays Center"},
    {1610612752, "NYK", "New York", "Knicks", "Madison Square Garden"},
    {1610612753, "ORL", "Orlando", "Magic", "Kia Center"},
    {1610612754, "IND", "Indiana", "Pacers", "Gainbridge Fieldhouse"},
    {1610612755, "PHI", "Philadelphia", "76ers", "Wells Fargo Center"},
    {1610612756, "PHX", "Phoenix", "Suns", "Footprint Center"},
    {1610612757, "POR", "Portland", "Trail Blazers", "Moda Center"},
    {1610612758, "SAC", "Sacramento", "Kings", "Golden 1 Center"},
    {1610612759, "SAS", "San Antonio", "Spurs", "Frost Bank Center"},
    {1610612760, "OKC", "Oklahoma City", "Thunder", "Paycom Center"},
    {1610612761, "TOR", "Toronto", "Raptors", "Scotiabank Arena"},
    {1610612762, "UTA", "Utah", "Jazz", "Delta Center"},
    {1610612763, "MEM", "Memphis", "Grizzlies", "FedExForum"},
    {1610612764, "WAS", "Washington", "Wizards", "Capital One Arena"},
    {1610612765, "DET", "Detroit", "Pistons", "Little Caesars Arena"},
    {1610612766, "CHA", "Charlotte", "Hornets", "Spectrum Center"},
};

// Invented names: the simulated league must not be mistaken for real players.
const char* kFirst[] = {"Aren", "Bastian", "Caleb", "Dario", "Elias", "Fabian", "Gideon",
                        "Hollis", "Idris", "Jalen", "Kellan", "Linus", "Marek", "Nolan",
                        "Orrin", "Pascal", "Quincy", "Rowan", "Soren", "Tobias", "Ulric",
                        "Vance", "Wendell", "Xavi", "Yannick", "Zane", "Anders", "Brecken",
                        "Cyrus", "Dorian", "Emeric", "Ferris", "Grady", "Harlan", "Ivo",
                        "Jonas", "Kasimir", "Leland", "Milo", "Nico"};
const char* kLast[] = {"Abernathy", "Blackwood", "Castellano", "Dunmore", "Eastbrook", "Fairbanks",
                       "Galloway", "Holloway", "Ingram-Vale", "Jasperson", "Kettleby", "Larkspur",
                       "Merriweather", "Northcott", "Oakhurst", "Pemberton", "Quarles",
                       "Ravensworth", "Sterling", "Thornbury", "Underhill", "Vantassel",
                       "Whitlock", "Yardley", "Zellweger", "Ashdown", "Brightwater", "Coldwell",
                       "Drummond", "Ellingham", "Foxworth", "Glenister", "Hartigan", "Ironside",
                       "Kingsley", "Lockridge", "Mortimer", "Nettleton", "Ormsby", "Pryce",
                       "Radcliffe", "Stanhope", "Tremaine", "Upton", "Wexley", "Aldridge",
                       "Bramwell", "Carrow", "Delacroix", "Everly"};

constexpr double kMinutesMean[15] = {34, 33, 31, 30, 28, 24, 22, 20, 17, 14, 10, 8, 5, 4, 3};
constexpr double kPtsPer36[15] = {27, 22, 19, 17, 15, 15, 13, 12, 11, 10, 9, 9, 8, 8, 7};
constexpr const char* kPositions[15] = {"G", "G", "F", "F", "C", "G", "F", "C", "G",
                                        "F", "C", "G", "F", "C", "G"};


} // namespace

League::League(uint64_t seed) : m_seed(seed)
{
    Rng rng(seed);
    for (const auto& t : kTeams) {
        Team team{t.id, t.abbr, t.city, t.name, t.arena, rng.uniform(0.95, 1.05),
                  rng.uniform(0.95, 1.05), rng.uniform(0.95, 1.05)};
        m_teams.push_back(team);
    }
    for (int ti = 0; ti < 30; ++ti) {
        for (int r = 0; r < 15; ++r) {
            Player p;
            p.id = 5000000 + int64_t(ti) * 100 + r;
            p.team = ti;
            p.rotation = r;
            p.firstName = kFirst[rng.below(int(std::size(kFirst)))];
            p.lastName = kLast[rng.below(int(std::size(kLast)))];
            p.position = kPositions[r];
            p.minutesMean = std::clamp(kMinutesMean[r] + rng.normal(0, 1.5), 2.0, 38.0);
            p.minutesSd = r < 5 ? 4.0 : (r < 11 ? 5.0 : 3.0);
            p.ptsPer36 = kPtsPer36[r] * rng.uniform(0.8, 1.2);
            p.fg3Share = p.position == "C" ? rng.uniform(0.0, 0.15) : rng.uniform(0.2, 0.45);
            p.ftShare = rng.uniform(0.1, 0.24);
            p.fgPct = p.position == "C" ? rng.uniform(0.52, 0.62) : rng.uniform(0.42, 0.50);
            p.fg3Pct = rng.uniform(0.31, 0.40);
            p.ftPct = rng.uniform(0.68, 0.90);
            p.rebPer36 = p.position == "C" ? rng.uniform(9, 13) : rng.uniform(4, 7.5);
            p.astPer36 = p.position == "G" ? rng.uniform(4.5, 8.5) : rng.uniform(1.5, 4);
            p.injuryRate = rng.uniform(0.02, 0.09);
            m_players.push_back(p);
        }
    }
}

League::~League() = default;

const Player* League::findPlayer(int64_t id) const
{
    const int64_t k = id - 5000000;
    if (k < 0 || k / 100 >= 30 || k % 100 >= 15)
        return nullptr;
    return &m_players[size_t((k / 100) * 15 + k % 100)];
}

Date League::openingDay(int y)
{
    // The Tuesday on or after October 18 (2022-10-18, 2023-10-24, 2024-10-22, 2025-10-21).
    Date d = Date::ymd(y, 10, 18);
    while (d.weekday() != 2)
        d = d.addDays(1);
    return d;
}

Date League::lastDay(int y)
{
    // The Sunday on or after April 9 (2023-04-09, 2024-04-14, 2025-04-13).
    Date d = Date::ymd(y + 1, 4, 9);
    while (d.weekday() != 0)
        d = d.addDays(1);
    return d;
}

std::optional<int> League::seasonOf(Date d)
{
    const int y = d.month() >= 7 ? d.year() : d.year() - 1;
    if (d < openingDay(y) || d > lastDay(y))
        return std::nullopt;
    return y;
}

std::string League::seasonLabel(int y)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%d-%02d", y, (y + 1) % 100);
    return buf;
}

namespace {

bool isBreakDay(Date d, int startYear)
{
    // Thanksgiving (4th Thursday of November), Christmas Eve, the All-Star break (Thursday to
    // Wednesday around the third Sunday of February).
    if (d.year() == startYear && d.month() == 11) {
        Date t = Date::ymd(startYear, 11, 1);
        while (t.weekday() != 4)
            t = t.addDays(1);
        if (d == t.addDays(21))
            return true;
    }
    if (d.month() == 12 && d.day() == 24)
        return true;
    if (d.year() == startYear + 1 && d.month() == 2) {
        Date s = Date::ymd(startYear + 1, 2, 1);
        while (s.weekday() != 0)
            s = s.addDays(1);
        const Date allStar = s.addDays(14);
        if (d >= allStar.addDays(-3) && d <= allStar.addDays(3))
            return true;
    }
    return false;
}

struct Matchup
{
    int home, away;
};

// A double round robin (circle method, 58 rounds) plus 24 more rounds = 82 games per team,
// 1,230 in all: the return games swap home and away, the extra ones balance them.
std::vector<Matchup> matchups()
{
    std::vector<std::vector<Matchup>> rounds;
    std::vector<int> circle(30);
    std::iota(circle.begin(), circle.end(), 0);
    for (int r = 0; r < 29; ++r) {
        std::vector<Matchup> round;
        for (int i = 0; i < 15; ++i) {
            int a = circle[size_t(i)], b = circle[size_t(29 - i)];
            if ((r + i) % 2)
                std::swap(a, b);
            round.push_back({a, b});
        }
        rounds.push_back(round);
        std::rotate(circle.begin() + 1, circle.end() - 1, circle.end());
    }
    std::vector<Matchup> pool;
    std::vector<int> homeGames(30, 0);
    for (int cycle = 0; cycle < 3; ++cycle) {
        const int count = cycle < 2 ? 29 : 24;
        for (int r = 0; r < count; ++r) {
            for (Matchup m : rounds[size_t(r)]) {
                if (cycle == 1 || (cycle == 2 && homeGames[size_t(m.home)] > homeGames[size_t(m.away)]))
                    std::swap(m.home, m.away);
                ++homeGames[size_t(m.home)];
                pool.push_back(m);
            }
        }
    }
    return pool;
}

// Puts matchups on dates: rest days from each team's previous game, ids in date order, and
// nobody plays a third day in a row.
class Calendar
{
public:
    explicit Calendar(int y) : m_year(y) {}
    std::vector<Game> games;

    void schedule(const Matchup& m, Date d, int sequence)
    {
        Game g;
        g.date = d;
        g.seasonStartYear = m_year;
        g.sequence = sequence;
        g.home = m.home;
        g.away = m.away;
        g.homeRestDays = std::min(7, m_lastPlayed[size_t(m.home)].daysUntil(d) - 1);
        g.awayRestDays = std::min(7, m_lastPlayed[size_t(m.away)].daysUntil(d) - 1);
        for (int t : {m.home, m.away}) {
            m_streak[size_t(t)] = m_lastPlayed[size_t(t)].daysUntil(d) == 1 ? m_streak[size_t(t)] + 1 : 1;
            m_lastPlayed[size_t(t)] = d;
        }
        char id[32];
        std::snprintf(id, sizeof id, "002%02d%05d", m_year % 100, ++m_seq);
        g.id = id;
        games.push_back(g);
    }

    // Up to `target` games of the pool on `d`, in pool order, each team once and rested.
    void fillDay(std::vector<Matchup>& pool, Date d, int target)
    {
        std::vector<bool> busy(30, false);
        const auto tired = [&](int t) { return m_lastPlayed[size_t(t)].daysUntil(d) == 1 && m_streak[size_t(t)] >= 2; };
        int placed = 0;
        for (size_t i = 0; i < pool.size() && placed < target;) {
            const Matchup m = pool[i];
            if (busy[size_t(m.home)] || busy[size_t(m.away)] || tired(m.home) || tired(m.away)) {
                ++i;
                continue;
            }
            schedule(m, d, ++placed);
            busy[size_t(m.home)] = busy[size_t(m.away)] = true;
            pool.erase(pool.begin() + std::ptrdiff_t(i));
        }
    }

private:
    int m_year;
    int m_seq = 0;
    std::vector<Date> m_lastPlayed = std::vector<Date>(30, Date::ymd(1900, 1, 1));
    std::vector<int> m_streak = std::vector<int>(30, 0); // consecutive days played up to the last game
};

} // namespace

std::vector<Game> League::buildSeason(int y) const
{
    Rng rng(m_seed ^ stableHash("season") ^ uint64_t(y) * 0x9E37u);
    std::vector<Matchup> pool = matchups();
    // The last round (all 30 teams) is kept for the season's final day, as the NBA does.
    const std::vector<Matchup> finalRound(pool.end() - 15, pool.end());
    pool.resize(pool.size() - 15);
    // Shuffle inside windows of ~4 rounds so the order stays spread across the season.
    for (size_t start = 0; start < pool.size(); start += 60) {
        const size_t end = std::min(pool.size(), start + 60);
        for (size_t i = end - 1; i > start; --i)
            std::swap(pool[i], pool[start + size_t(rng.below(int(i - start + 1)))]);
    }
    const double weekdayFactor[7] = {0.9, 1.05, 0.85, 1.3, 0.6, 1.3, 1.0};
    const Date first = openingDay(y);
    const Date last = lastDay(y);
    int gameDays = 0;
    for (Date d = first; d <= last; d = d.addDays(1))
        gameDays += isBreakDay(d, y) || d == last ? 0 : 1;
    Calendar cal(y);
    for (Date d = first; !pool.empty() && d <= last.addDays(6); d = d.addDays(1)) {
        if (isBreakDay(d, y) || d == last)
            continue; // the final day is the reserved full round's
        const int daysLeft = std::max(1, gameDays--);
        const double mean = double(pool.size()) / daysLeft;
        // Random around the pace still needed, less random as the end nears.
        const double spread = daysLeft > 20 ? 1.0 : 0.3;
        int target = int(std::ceil(mean * (1.0 + spread * (weekdayFactor[d.weekday()] * rng.uniform(0.75, 1.3) - 1.0))));
        if (d == first)
            target = 2;
        if (d > last.addDays(-3))
            target = 15; // catch up before the final day
        cal.fillDay(pool, d, std::clamp(target, 2, 15));
    }
    // The final day: the reserved round, after any game the days before could not fit.
    Date finalDay = last;
    if (!cal.games.empty() && cal.games.back().date >= finalDay)
        finalDay = cal.games.back().date.addDays(1);
    int finalSeq = 0;
    for (const Matchup& m : finalRound)
        cal.schedule(m, finalDay, ++finalSeq);
    return cal.games;
}

const std::vector<Game>& League::season(int startYear) const
{
    std::lock_guard lock(m_mutex);
    auto& slot = m_seasons[startYear];
    if (!slot)
        slot = std::make_unique<std::vector<Game>>(buildSeason(startYear));
    return *slot;
}

std::vector<Game> League::gamesOn(Date d) const
{
    std::vector<Game> out;
    const int y = d.month() >= 7 ? d.year() : d.year() - 1;
    if (d < openingDay(y) || d > lastDay(y).addDays(7))
        return out;
    const auto& all = season(y);
    auto it = std::lower_bound(all.begin(), all.end(), d,
                               [](const Game& g, Date x) { return g.date < x; });
    for (; it != all.end() && it->date == d; ++it)
        out.push_back(*it);
    return out;
}

std::optional<Game> League::findGame(const std::string& gameId) const
{
    if (gameId.size() != 10 || gameId.compare(0, 3, "002") != 0)
        return std::nullopt;
    const int yy = std::atoi(gameId.substr(3, 2).c_str());
    const int seq = std::atoi(gameId.substr(5).c_str());
    const auto& all = season(2000 + yy);
    if (seq < 1 || size_t(seq) > all.size())
        return std::nullopt;
    return all[size_t(seq - 1)];
}

} // namespace nbaops::sim
