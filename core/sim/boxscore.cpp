// Box-score generation for the simulated league: minutes from each player's latent profile,
// points from minutes, scoring rate, the opponent's defence, home court and rest.
#include "league.h"

#include "util/rng.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace nbaops::sim {

namespace {

int binomial(Rng& rng, int n, double p)
{
    int k = 0;
    for (int i = 0; i < n; ++i)
        k += rng.chance(p) ? 1 : 0;
    return k;
}

double restFactor(int restDays)
{
    if (restDays <= 0)
        return 0.94; // back-to-back
    if (restDays == 1)
        return 1.0;
    return 1.03;
}

struct Slot
{
    const Player* p;
    double minutes;
    std::string comment;
};

// Who is available: now and then a player is away, injured, or left on the bench.
std::vector<Slot> rollAvailability(Rng& rng, const std::vector<Player>& players, int team)
{
    std::vector<Slot> slots;
    for (int r = 0; r < 15; ++r) {
        const Player& p = players[size_t(team) * 15 + size_t(r)];
        Slot s{&p, 0.0, {}};
        if (rng.chance(0.004))
            s.comment = "NWT - Not With Team";
        else if (rng.chance(p.injuryRate))
            s.comment = "DNP - Injury/Illness";
        else if ((r >= 12 && rng.chance(0.6)) || (r >= 10 && rng.chance(0.25)))
            s.comment = "DNP - Coach's Decision";
        slots.push_back(s);
    }
    return slots;
}

// Minutes: sampled around the profile, starters a little less on a back-to-back, then scaled to
// the team's 240 (+25 per overtime) minutes with nobody over the game length.
void assignMinutes(Rng& rng, std::vector<Slot>& slots, int rest, double gameMinutes)
{
    const double teamMinutes = 5.0 * gameMinutes;
    double sum = 0;
    for (auto& s : slots) {
        if (!s.comment.empty())
            continue;
        double m = std::max(2.0, rng.normal(s.p->minutesMean, s.p->minutesSd));
        if (rest <= 0 && s.p->minutesMean > 25)
            m -= 1.5;
        s.minutes = m;
        sum += m;
    }
    for (int iter = 0; iter < 4 && sum > 0; ++iter) {
        const double scale = teamMinutes / sum;
        sum = 0;
        for (auto& s : slots) {
            s.minutes = std::min(gameMinutes - 2.0, s.minutes * scale);
            sum += s.minutes;
        }
    }
}

// The players' lines with their seconds (the first five who play start); the rounding is
// given to the player with the most minutes, so the team's seconds add up.
std::vector<PlayerLine> playerLines(const std::vector<Slot>& slots, double teamMinutes)
{
    std::vector<PlayerLine> lines;
    int totalSeconds = 0, starters = 0;
    for (const auto& s : slots) {
        PlayerLine pl;
        pl.playerId = s.p->id;
        pl.comment = s.comment;
        if (s.comment.empty() && s.minutes > 0) {
            pl.seconds = std::max(1, int(std::lround(s.minutes * 60)));
            if (starters < 5) {
                pl.startPosition = s.p->position;
                ++starters;
            }
        }
        totalSeconds += pl.seconds;
        lines.push_back(pl);
    }
    PlayerLine* biggest = nullptr;
    for (auto& pl : lines) {
        if (!biggest || pl.seconds > biggest->seconds)
            biggest = &pl;
    }
    if (biggest)
        biggest->seconds += int(teamMinutes * 60) - totalSeconds;
    return lines;
}

// A player's shooting profile: three-point rate, two-point percentage, and field-goal and
// free-throw attempts per 36 minutes.
std::array<double, 4> profile(const Player& p)
{
    const double threeRate = std::min(0.6, p.fg3Share * 1.2);
    const double fg2Pct = std::min(0.68, p.fgPct + 0.05);
    const double ptsPerAttempt = 2.0 * fg2Pct * (1 - threeRate) + 3.0 * p.fg3Pct * threeRate;
    return {threeRate, fg2Pct, p.ptsPer36 * (1.0 - p.ftShare) / ptsPerAttempt, p.ptsPer36 * p.ftShare / p.ftPct};
}

// The team's attempts, shared among the players like a multinomial draw (sequential
// binomials), so the team's shot count stays realistic however the shares fall.
struct Attempts
{
    std::vector<double> fgaWant, ftaWant;
    double fgaWeightLeft = 0, ftaWeightLeft = 0;
    int fgaLeft = 0, ftaLeft = 0;
};

Attempts planAttempts(Rng& rng, const TeamLine& line, const std::vector<Slot>& slots, double pace, int periods)
{
    Attempts a;
    a.fgaWant.assign(line.players.size(), 0.0);
    a.ftaWant.assign(line.players.size(), 0.0);
    for (size_t i = 0; i < line.players.size(); ++i) {
        if (!line.players[i].played())
            continue;
        const auto pr = profile(*slots[i].p);
        const double min = line.players[i].seconds / 60.0;
        a.fgaWant[i] = pr[2] * min / 36.0;
        a.ftaWant[i] = pr[3] * min / 36.0;
    }
    // A team takes about 88 shots and 22 free throws at league pace whoever is available.
    const double periodsFactor = (48.0 + 5.0 * (periods - 4)) / 48.0;
    a.fgaLeft = int(std::lround(88.0 * pace * periodsFactor * rng.normal(1.0, 0.04)));
    a.ftaLeft = int(std::lround(22.0 * periodsFactor * std::exp(rng.normal(0, 0.2))));
    for (size_t i = 0; i < line.players.size(); ++i) {
        a.fgaWant[i] *= std::exp(rng.normal(0, 0.12)); // the night's volume
        a.fgaWeightLeft += a.fgaWant[i];
        a.ftaWeightLeft += a.ftaWant[i];
    }
    return a;
}

// One player's night: his share of the attempts, the makes his form allows, the rest of the line.
void playerNight(Rng& rng, PlayerLine& pl, const Player& p, size_t i, Attempts& a, double efficiency)
{
    const double min = pl.seconds / 60.0;
    const auto pr = profile(p);
    pl.fga = a.fgaWeightLeft > 0 ? binomial(rng, a.fgaLeft, std::min(1.0, a.fgaWant[i] / a.fgaWeightLeft)) : 0;
    a.fgaLeft -= pl.fga;
    a.fgaWeightLeft -= a.fgaWant[i];
    pl.fg3a = binomial(rng, pl.fga, pr[0]);
    const int fg2a = pl.fga - pl.fg3a;
    const double form = std::clamp(efficiency * rng.normal(1.0, 0.04), 0.6, 1.4);
    pl.fg3m = binomial(rng, pl.fg3a, std::min(0.75, p.fg3Pct * form));
    const int fg2m = binomial(rng, fg2a, std::min(0.85, pr[1] * form));
    pl.fgm = fg2m + pl.fg3m;
    pl.fta = a.ftaWeightLeft > 0 ? binomial(rng, a.ftaLeft, std::min(1.0, a.ftaWant[i] / a.ftaWeightLeft)) : 0;
    a.ftaLeft -= pl.fta;
    a.ftaWeightLeft -= a.ftaWant[i];
    pl.ftm = binomial(rng, pl.fta, p.ftPct);
    pl.pts = 2 * fg2m + 3 * pl.fg3m + pl.ftm;
    const int reb = rng.poisson(p.rebPer36 * min / 36.0);
    pl.oreb = binomial(rng, reb, 0.24);
    pl.dreb = reb - pl.oreb;
    pl.ast = rng.poisson(p.astPer36 * min / 36.0);
    pl.stl = rng.poisson(1.0 * min / 36.0);
    pl.blk = rng.poisson((p.position == "C" ? 1.6 : 0.5) * min / 36.0);
    pl.tov = rng.poisson(1.5 * min / 36.0 * (0.6 + p.ptsPer36 / 40.0));
    pl.pf = std::min(6, rng.poisson(2.6 * min / 36.0));
}

} // namespace

// One team's box score. The random draws come in a fixed order (availability, minutes, the
// night's efficiency, the team's attempts, each player's line), so a seed always gives the
// same game.
TeamLine League::playTeam(const Game& g, bool home, int periods, uint64_t seed) const
{
    Rng rng(seed);
    const int ti = home ? g.home : g.away;
    const Team& team = m_teams[size_t(ti)];
    const Team& opp = m_teams[size_t(home ? g.away : g.home)];
    const int rest = home ? g.homeRestDays : g.awayRestDays;
    TeamLine line;
    line.team = ti;
    auto slots = rollAvailability(rng, m_players, ti);
    const double gameMinutes = 48.0 + 5.0 * (periods - 4);
    assignMinutes(rng, slots, rest, gameMinutes);
    line.players = playerLines(slots, 5.0 * gameMinutes);
    // Attempts follow minutes, the player's volume and the game's pace; makes follow
    // efficiency, which the opponent's defence, home court and rest move. Points are what the
    // makes add up to, so a cold night scores less on the same number of possessions.
    const double pace = (team.pace + opp.pace) / 2.0;
    const double efficiency = std::clamp(
        team.offense * opp.defense * restFactor(rest) * (home ? 1.01 : 0.99) * rng.normal(1.0, 0.035), 0.8, 1.2);
    Attempts attempts = planAttempts(rng, line, slots, pace, periods);
    for (size_t i = 0; i < line.players.size(); ++i) {
        if (!line.players[i].played())
            continue;
        playerNight(rng, line.players[i], *slots[i].p, i, attempts, efficiency);
        line.pts += line.players[i].pts;
    }
    return line;
}

BoxScore League::boxScore(const Game& g) const
{
    // Every endpoint of a date asks for the same games (the scoreboards for their scores, the
    // box-score feeds for their lines): the latest ones are kept.
    {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_boxes.find(g.id); it != m_boxes.end())
            return *it->second;
    }
    auto box = std::make_shared<const BoxScore>(playBoxScore(g));
    std::lock_guard lock(m_mutex);
    if (m_boxes.size() >= 128)
        m_boxes.clear();
    m_boxes.emplace(g.id, box);
    return *box;
}

BoxScore League::playBoxScore(const Game& g) const
{
    const uint64_t base = m_seed ^ stableHash(g.id);
    Rng rng(base);
    BoxScore box;
    box.game = g;
    box.periods = rng.chance(0.06) ? (rng.chance(0.12) ? 6 : 5) : 4;
    box.home = playTeam(g, true, box.periods, base ^ 0x1111);
    box.away = playTeam(g, false, box.periods, base ^ 0x2222);
    if (box.home.pts == box.away.pts) {
        // No ties in basketball: the home team's top scorer adds a basket.
        auto top = std::max_element(box.home.players.begin(), box.home.players.end(),
                                    [](const PlayerLine& a, const PlayerLine& b) { return a.pts < b.pts; });
        top->fgm += 1;
        top->fga += 1;
        top->pts += 2;
        box.home.pts += 2;
    }
    const int margin = box.home.pts - box.away.pts;
    const double gameSeconds = (48.0 + 5.0 * (box.periods - 4)) * 60.0;
    for (TeamLine* t : {&box.home, &box.away}) {
        const int m = t == &box.home ? margin : -margin;
        for (auto& pl : t->players) {
            if (pl.played())
                pl.plusMinus = int(std::lround(m * pl.seconds / gameSeconds + rng.normal(0, 4)));
        }
        // Points per period: overtimes are short, the rest spread over four quarters.
        int left = t->pts;
        std::vector<int> periods(size_t(box.periods), 0);
        for (int p = box.periods - 1; p >= 4; --p) {
            periods[size_t(p)] = std::min(left, 6 + rng.below(9));
            left -= periods[size_t(p)];
        }
        double w[4], wsum = 0;
        for (double& x : w)
            wsum += (x = rng.uniform(0.85, 1.15));
        int assigned = 0;
        for (int q = 0; q < 3; ++q) {
            periods[size_t(q)] = int(left * w[q] / wsum);
            assigned += periods[size_t(q)];
        }
        periods[3] = left - assigned;
        t->periodPoints = periods;
    }
    // Overtime only makes sense when regulation was level; keep the periods honest by
    // equalising regulation totals when there was overtime.
    if (box.periods > 4) {
        int homeReg = 0, awayReg = 0;
        for (int q = 0; q < 4; ++q) {
            homeReg += box.home.periodPoints[size_t(q)];
            awayReg += box.away.periodPoints[size_t(q)];
        }
        const int diff = homeReg - awayReg; // move the difference into the overtimes
        box.home.periodPoints[3] -= diff;
        box.home.periodPoints[4] += diff;
        if (box.home.periodPoints[4] < 0 || box.home.periodPoints[3] < 0) {
            box.home.periodPoints[3] += diff;
            box.home.periodPoints[4] -= diff;
        }
    }
    return box;
}

} // namespace nbaops::sim
