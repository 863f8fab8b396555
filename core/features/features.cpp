#include "features.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace nbaops::features {

std::optional<size_t> indexOf(std::string_view name)
{
    for (size_t i = 0; i < kCount; ++i) {
        if (kNames[i] == name)
            return i;
    }
    return std::nullopt;
}

bool outBeforeTipoff(std::string_view comment)
{
    std::string c;
    for (char ch : comment)
        c += char(std::toupper(static_cast<unsigned char>(ch)));
    if (c.rfind("DND", 0) == 0 || c.rfind("NWT", 0) == 0 || c.rfind("INACTIVE", 0) == 0)
        return true;
    for (const char* word : {"INJURY", "ILLNESS", "SUSPENSION", "NOT WITH TEAM", "PROTOCOL"}) {
        if (c.find(word) != std::string::npos)
            return true;
    }
    return false;
}

const std::vector<Family>& families()
{
    static const std::vector<Family> all = {
        {"scoring", {"pts_last5", "pts_last10", "pts_season", "pts_ewm", "pts_std_last10", "pts_max_last10",
                     "pts_min_last10", "pts_per36_season"}},
        {"minutes", {"min_last5", "min_last10", "min_season", "minutes_last7d", "starter_rate_last10",
                     "dnp_rate_last10", "games_played_season"}},
        {"usage and shooting", {"usage_last5", "usage_season", "ts_pct_last10", "fga_last5", "fta_last5", "fg3a_last5",
                                "pts_share_season"}},
        {"schedule", {"home", "rest_days", "back_to_back", "venue_streak", "days_into_season"}},
        {"team context", {"opp_def_rating", "opp_pace", "team_pace", "team_off_rating"}},
        {"history", {"pts_prev_season", "min_prev_season", "pts_vs_opp"}},
        {"availability", {"starter", "teammates_out", "teammates_out_min", "teammates_out_pts", "opp_out_pts"}},
    };
    return all;
}

namespace {

template <typename F>
std::optional<double> meanLast(const std::vector<const PlayerGame*>& played, size_t n, F&& value)
{
    if (played.empty())
        return std::nullopt;
    const size_t k = std::min(n, played.size());
    double sum = 0;
    for (size_t i = played.size() - k; i < played.size(); ++i)
        sum += value(*played[i]);
    return sum / double(k);
}

void set(Vector& v, size_t index, std::optional<double> x)
{
    v[index] = x;
}

// The player's earlier games the features look at (never the target game or later).
struct Slices
{
    std::vector<const PlayerGame*> season;    // this season, played
    std::vector<const PlayerGame*> seasonAll; // this season, played or not
    std::vector<const PlayerGame*> prev;      // the year before this season, played
    std::vector<const PlayerGame*> vsOpp;     // against this opponent, played
};

// History comes in date order: only the year before the season's start and the season so far
// are looked at.
Slices slice(const Target& t, const std::vector<PlayerGame>& history)
{
    const Date from = t.seasonStart.addDays(-366);
    const auto byDate = [](const PlayerGame& g, Date d) { return g.date < d; };
    const auto first = std::lower_bound(history.begin(), history.end(), from, byDate);
    const auto last = std::lower_bound(first, history.end(), t.date, byDate);
    Slices s;
    s.season.reserve(size_t(last - first));
    s.seasonAll.reserve(size_t(last - first));
    for (auto it = first; it != last; ++it) {
        const PlayerGame& g = *it;
        if (g.played && g.opponentId == t.opponentId)
            s.vsOpp.push_back(&g);
        if (g.season == t.season) {
            s.seasonAll.push_back(&g);
            if (g.played)
                s.season.push_back(&g);
        } else if (g.played && g.date < t.seasonStart) {
            s.prev.push_back(&g);
        }
    }
    return s;
}

const auto kPts = [](const PlayerGame& g) { return double(g.pts); };
const auto kMins = [](const PlayerGame& g) { return g.minutes; };

// Scoring, minutes and attempts over the last 5 and 10 games and the season.
void volumeFeatures(Vector& v, const std::vector<const PlayerGame*>& season)
{
    set(v, ix("pts_last5"), meanLast(season, 5, kPts));
    set(v, ix("pts_last10"), meanLast(season, 10, kPts));
    set(v, ix("pts_season"), meanLast(season, season.size(), kPts));
    set(v, ix("min_last5"), meanLast(season, 5, kMins));
    set(v, ix("min_last10"), meanLast(season, 10, kMins));
    set(v, ix("min_season"), meanLast(season, season.size(), kMins));
    set(v, ix("fga_last5"), meanLast(season, 5, [](const PlayerGame& g) { return double(g.fga); }));
    set(v, ix("fta_last5"), meanLast(season, 5, [](const PlayerGame& g) { return double(g.fta); }));
    set(v, ix("fg3a_last5"), meanLast(season, 5, [](const PlayerGame& g) { return double(g.fg3a); }));
    set(v, ix("games_played_season"), double(season.size()));
}

// Form over the last 10 played games: the weighted mean, spread, extremes, starts and shooting.
void formFeatures(Vector& v, const std::vector<const PlayerGame*>& season)
{
    double ewm = season.front()->pts;
    for (size_t i = 1; i < season.size(); ++i)
        ewm = 0.2 * season[i]->pts + 0.8 * ewm;
    set(v, ix("pts_ewm"), ewm);
    const size_t k = std::min<size_t>(10, season.size());
    double mean = 0, mx = -1, mn = 1e9, attempts = 0, p10 = 0, starts = 0;
    for (size_t i = season.size() - k; i < season.size(); ++i) {
        mean += season[i]->pts;
        mx = std::max(mx, double(season[i]->pts));
        mn = std::min(mn, double(season[i]->pts));
        attempts += season[i]->fga + 0.44 * season[i]->fta;
        p10 += season[i]->pts;
        starts += season[i]->starter ? 1 : 0;
    }
    mean /= double(k);
    double var = 0;
    for (size_t i = season.size() - k; i < season.size(); ++i)
        var += (season[i]->pts - mean) * (season[i]->pts - mean);
    if (k >= 2)
        set(v, ix("pts_std_last10"), std::sqrt(var / double(k - 1)));
    set(v, ix("pts_max_last10"), mx);
    set(v, ix("pts_min_last10"), mn);
    set(v, ix("starter_rate_last10"), starts / double(k));
    if (attempts > 0)
        set(v, ix("ts_pct_last10"), p10 / (2.0 * attempts));
}

// The player's role on his team this season: points per 36, share of the team's points, usage.
void roleFeatures(Vector& v, const std::vector<const PlayerGame*>& season, int64_t teamId)
{
    double totalMin = 0, totalPts = 0, teamPts = 0, onTeam = 0;
    for (const auto* g : season) {
        totalMin += g->minutes;
        totalPts += g->pts;
        teamPts += g->teamId == teamId ? g->teamPts : 0;
        onTeam += g->teamId == teamId ? g->pts : 0;
    }
    if (totalMin > 0)
        set(v, ix("pts_per36_season"), totalPts * 36.0 / totalMin);
    if (teamPts > 0)
        set(v, ix("pts_share_season"), onTeam / teamPts);
    std::vector<const PlayerGame*> withUsage;
    for (const auto* g : season) {
        if (g->usage)
            withUsage.push_back(g);
    }
    const auto usage = [](const PlayerGame& g) { return *g.usage; };
    set(v, ix("usage_last5"), meanLast(withUsage, 5, usage));
    set(v, ix("usage_season"), meanLast(withUsage, withUsage.size(), usage));
}

// The schedule: venue, rest, back-to-backs, the venue streak, missed games, recent minutes.
void scheduleFeatures(Vector& v, const Slices& s, const Target& t)
{
    set(v, ix("home"), t.home ? 1.0 : 0.0);
    if (!s.seasonAll.empty()) {
        const int rest = s.seasonAll.back()->date.daysUntil(t.date) - 1;
        set(v, ix("rest_days"), std::min(rest, 7));
        set(v, ix("back_to_back"), rest == 0 ? 1.0 : 0.0);
        int streak = 0;
        for (auto it = s.seasonAll.rbegin(); it != s.seasonAll.rend() && (*it)->home == t.home; ++it)
            ++streak;
        set(v, ix("venue_streak"), double(streak));
        const size_t k = std::min<size_t>(10, s.seasonAll.size());
        int dnp = 0;
        for (size_t i = s.seasonAll.size() - k; i < s.seasonAll.size(); ++i)
            dnp += s.seasonAll[i]->played ? 0 : 1;
        set(v, ix("dnp_rate_last10"), dnp / double(k));
    }
    double last7 = 0;
    for (const auto* g : s.season) {
        if (g->date.daysUntil(t.date) <= 7)
            last7 += g->minutes;
    }
    set(v, ix("minutes_last7d"), last7);
}

// The game's context: the teams' pace and ratings, last season, this opponent, who is out.
void contextFeatures(Vector& v, const Slices& s, const Target& t, const TeamToDate& team, const TeamToDate& opp)
{
    set(v, ix("opp_def_rating"), opp.defRating);
    set(v, ix("opp_pace"), opp.pace);
    set(v, ix("team_pace"), team.pace);
    set(v, ix("team_off_rating"), team.offRating);
    set(v, ix("pts_prev_season"), meanLast(s.prev, s.prev.size(), kPts));
    set(v, ix("min_prev_season"), meanLast(s.prev, s.prev.size(), kMins));
    set(v, ix("days_into_season"), double(t.seasonStart.daysUntil(t.date)));
    set(v, ix("pts_vs_opp"), meanLast(s.vsOpp, s.vsOpp.size(), kPts));
    const Availability& a = t.availability;
    if (a.known) {
        set(v, ix("starter"), a.starter ? 1.0 : 0.0);
        set(v, ix("teammates_out"), double(a.teammatesOut));
        set(v, ix("teammates_out_min"), a.outMinutes);
        set(v, ix("teammates_out_pts"), a.outPoints);
    }
    if (a.opponentKnown)
        set(v, ix("opp_out_pts"), a.opponentOutPoints);
}

} // namespace

Vector compute(const Target& t, const std::vector<PlayerGame>& history, const TeamToDate& team,
               const TeamToDate& opp)
{
    Vector v{};
    const Slices s = slice(t, history);
    volumeFeatures(v, s.season);
    if (!s.season.empty()) {
        formFeatures(v, s.season);
        roleFeatures(v, s.season, t.teamId);
    }
    scheduleFeatures(v, s, t);
    contextFeatures(v, s, t, team, opp);
    return v;
}

Composite composite(const Vector& f, std::optional<double> leaguePace, std::optional<double> leagueDef)
{
    const auto get = [&](size_t i) { return f[i]; };
    Composite c;
    if (const auto m7 = get(ix("minutes_last7d"))) {
        const double b2b = get(ix("back_to_back")).value_or(0);
        c.fatigue = std::clamp(*m7 / 150.0 * 80.0 + b2b * 20.0, 0.0, 100.0);
    }
    if (leaguePace && *leaguePace > 0 && get(ix("team_pace")) && get(ix("opp_pace")))
        c.pace = (*get(ix("team_pace")) + *get(ix("opp_pace"))) / (2.0 * *leaguePace);
    if (leagueDef && *leagueDef > 0 && get(ix("opp_def_rating")))
        c.matchup = *get(ix("opp_def_rating")) / *leagueDef;
    if (get(ix("usage_last5")) && get(ix("usage_season")))
        c.usageTrend = *get(ix("usage_last5")) - *get(ix("usage_season"));
    if (get(ix("pts_last5")) && get(ix("pts_season")) && *get(ix("pts_season")) > 0)
        c.form = *get(ix("pts_last5")) / *get(ix("pts_season"));
    return c;
}

} // namespace nbaops::features
