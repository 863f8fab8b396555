// About 400 lines on purpose: the history cache and the one date's rows (rosters, who is out,
// the teams' season to date) read the same player-game history, kept together.
#include "build.h"

#include "store/database.h"

#include <algorithm>
#include <map>
#include <set>

namespace nbaops::features {

namespace {

// The latest run of the player and team summaries over the dates in [from, until): any rerun
// of one of them raises it.
int64_t historyVersion(store::Database& db, Date from, Date until)
{
    auto st = db.prepare("SELECT coalesce(max(run_pk), 0) FROM processor_latest WHERE processor IN"
                         " ('player_game_summary', 'team_offense_game_summary', 'team_defense_game_summary')"
                         " AND game_date >= ? AND game_date < ?");
    st.bindAll(from.iso(), until.iso());
    st.step();
    return st.getInt(0);
}

} // namespace

void HistoryCache::load(store::Database& db, Date from, Date until)
{
    auto st = db.prepare(
        "SELECT player_id, game_date, season, team_id, opponent_team_id, home, starter, played, minutes,"
        " pts, fga, fta, fg3a, tov, team_pts, usage_rate FROM player_game_summary"
        " WHERE game_date >= ? AND game_date < ? ORDER BY game_date, player_id");
    st.bindAll(from.iso(), until.iso());
    std::string lastIso, lastSeason;
    Date lastDate;
    while (st.step()) {
        PlayerGame g;
        std::string iso = st.getText(1);
        if (iso != lastIso) { // rows come by date: parse each date and season once
            lastDate = Date::parse(iso).value_or(Date());
            lastIso = std::move(iso);
            lastSeason = st.getText(2);
        }
        g.date = lastDate;
        g.season = lastSeason;
        g.teamId = st.getInt(3);
        g.opponentId = st.getInt(4);
        g.home = st.getInt(5) != 0;
        g.starter = st.getInt(6) != 0;
        g.played = st.getInt(7) != 0;
        g.minutes = st.getDouble(8);
        g.pts = int(st.getInt(9));
        g.fga = int(st.getInt(10));
        g.fta = int(st.getInt(11));
        g.fg3a = int(st.getInt(12));
        g.tov = int(st.getInt(13));
        g.teamPts = int(st.getInt(14));
        g.usage = st.getOptDouble(15);
        m_players[st.getInt(0)].push_back(std::move(g)); // dates ascending: appended in order
    }
    auto teams = db.prepare("SELECT o.team_id, o.game_date, o.season, o.pace, o.off_rating, d.def_rating"
                            " FROM team_offense_game_summary o JOIN team_defense_game_summary d"
                            " ON d.game_id = o.game_id AND d.team_id = o.team_id"
                            " WHERE o.game_date >= ? AND o.game_date < ? ORDER BY o.game_date, o.team_id");
    teams.bindAll(from.iso(), until.iso());
    while (teams.step()) {
        m_teams[teams.getInt(0)].push_back({Date::parse(teams.getText(1)).value_or(Date()), teams.getText(2),
                                            teams.getOptDouble(3), teams.getOptDouble(4), teams.getOptDouble(5)});
    }
}

void HistoryCache::update(store::Database& db, Date date)
{
    // Two seasons back is all a feature looks at (last season's means, the record against the
    // opponent over a year).
    const Date from = date.addDays(-800);
    if (m_until && (historyVersion(db, Date(), *m_until) != m_version || from < m_from ||
                    from.daysUntil(m_from) < -400)) {
        m_players.clear();
        m_teams.clear(); // a held date was redone, or the window moved too far: start again
        m_until.reset();
    }
    if (!m_until) {
        ++m_loads;
        m_from = from;
        load(db, from, date);
        m_until = date;
        m_version = historyVersion(db, Date(), date);
    } else if (*m_until < date) {
        // What was held is unchanged (checked above): only the dates just read can raise it.
        load(db, *m_until, date);
        m_version = std::max(m_version, historyVersion(db, *m_until, date));
        m_until = date;
    }
}

namespace {

struct Scheduled
{
    std::string gameId;
    int64_t home = 0, away = 0;
    std::string season;
};

// A player's latest appearance in the last 200 days: his team and season.
struct Latest
{
    int64_t team = 0;
    std::string season;
};

// A player on a game roster announced for the date.
struct Listed
{
    int64_t team = 0;
    bool starter = false, out = false;
};

// A team's players out for the date, with their usual minutes and points.
struct Out
{
    int count = 0;
    double minutes = 0, points = 0;
};

// One date's feature rows: who plays (rosters), who is out, each team's season to date, then a
// row per rostered player. Reads only games before the date, and the date's announced rosters.
class DateFeatures
{
public:
    DateFeatures(store::Database& db, Date date, HistoryCache& history) : m_db(db), m_date(date), m_hc(history) {}
    FeatureBatch build();

private:
    store::Database& m_db;
    const Date m_date;
    HistoryCache& m_hc;
    std::vector<Scheduled> m_games;
    std::string m_season;
    Date m_seasonStart;
    std::map<int64_t, std::pair<const Scheduled*, bool>> m_teamGame; // team -> (game, home)
    std::map<int64_t, Latest> m_latest;                              // by player
    std::map<int64_t, Listed> m_listed;                              // by player
    std::set<int64_t> m_teamsListed;
    std::map<int64_t, Out> m_outByTeam;
    std::map<int64_t, TeamToDate> m_teams;

    void readSchedule();
    void findLatestAppearances();
    void readAnnouncedRosters();
    std::vector<std::pair<int64_t, int64_t>> roster() const;
    void countPlayersOut();
    Availability availability(int64_t player, int64_t team, int64_t opponent);
    void teamsToDate(FeatureBatch& batch);
    FeatureRow rowFor(int64_t player, int64_t team, const FeatureBatch& batch);
};

void DateFeatures::readSchedule()
{
    auto st = m_db.prepare("SELECT game_id, home_team_id, visitor_team_id, season FROM game_schedule"
                           " WHERE game_date = ? ORDER BY game_id");
    st.bindAll(m_date.iso());
    while (st.step())
        m_games.push_back({st.getText(0), st.getInt(1), st.getInt(2), st.getText(3)});
    if (m_games.empty())
        return;
    m_season = m_games.front().season;
    m_seasonStart = m_date;
    auto start = m_db.prepare("SELECT min(game_date) FROM game_schedule WHERE season = ?");
    start.bindAll(m_season);
    if (start.step() && !start.isNull(0))
        m_seasonStart = Date::parse(start.getText(0)).value_or(m_date);
    for (const auto& g : m_games) {
        m_teamGame[g.home] = {&g, true};
        m_teamGame[g.away] = {&g, false};
    }
}

// Rosters from the latest appearances in the last 200 days.
void DateFeatures::findLatestAppearances()
{
    const Date rosterFrom = m_date.addDays(-200);
    for (const auto& [player, played] : m_hc.players()) {
        for (auto it = played.rbegin(); it != played.rend(); ++it) {
            if (it->date >= m_date)
                continue;
            if (it->date >= rosterFrom)
                m_latest[player] = {it->teamId, it->season};
            break;
        }
    }
}

// The game rosters announced for the date (read: team, starting five, ruled-out comment;
// never the game's own numbers).
void DateFeatures::readAnnouncedRosters()
{
    auto st = m_db.prepare("SELECT player_id, team_id, starter, coalesce(dnp_reason, '') FROM player_game_summary"
                           " WHERE game_date = ?");
    st.bindAll(m_date.iso());
    while (st.step()) {
        Listed l{st.getInt(1), st.getInt(2) != 0, outBeforeTipoff(st.getText(3))};
        if (!m_teamGame.count(l.team))
            continue;
        m_listed[st.getInt(0)] = l;
        m_teamsListed.insert(l.team);
    }
}

// (player, team), sorted. A team with an announced roster plays the players on it who are not
// ruled out; a team without one is taken from the latest appearances (this season's, once the
// team has played this season).
std::vector<std::pair<int64_t, int64_t>> DateFeatures::roster() const
{
    std::set<int64_t> teamsStarted;
    for (const auto& [player, l] : m_latest) {
        if (l.season == m_season)
            teamsStarted.insert(l.team);
    }
    std::vector<std::pair<int64_t, int64_t>> out;
    for (const auto& [player, l] : m_listed) {
        if (!l.out)
            out.emplace_back(player, l.team);
    }
    for (const auto& [player, l] : m_latest) {
        if (!m_teamGame.count(l.team) || m_teamsListed.count(l.team))
            continue;
        if (teamsStarted.count(l.team) && l.season != m_season)
            continue; // the team has played this season without him
        out.emplace_back(player, l.team);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Out: a player whose latest game, in the last 21 days, was for a team with an announced
// roster, and who is not on it or is ruled out. His usual minutes and points are his
// season-to-date means (zero before his first game of the season).
void DateFeatures::countPlayersOut()
{
    const Date recentFrom = m_date.addDays(-21);
    for (const auto& [player, pgames] : m_hc.players()) {
        const auto lt = m_latest.find(player);
        if (lt == m_latest.end() || !m_teamsListed.count(lt->second.team))
            continue;
        const auto li = m_listed.find(player);
        const bool onRoster = li != m_listed.end() && li->second.team == lt->second.team;
        if (onRoster && !li->second.out)
            continue;
        double minutes = 0, points = 0;
        int n = 0;
        bool recent = false;
        for (auto it = pgames.rbegin(); it != pgames.rend(); ++it) {
            if (it->date >= m_date)
                continue;
            if (it->season != m_season)
                break;
            recent = recent || it->date >= recentFrom;
            if (it->played) {
                minutes += it->minutes;
                points += it->pts;
                ++n;
            }
        }
        if (!recent)
            continue;
        Out& o = m_outByTeam[lt->second.team];
        ++o.count;
        if (n > 0) {
            o.minutes += minutes / n;
            o.points += points / n;
        }
    }
}

Availability DateFeatures::availability(int64_t player, int64_t team, int64_t opponent)
{
    Availability a;
    if (m_teamsListed.count(team)) {
        a.known = true;
        const auto li = m_listed.find(player);
        a.starter = li != m_listed.end() && li->second.starter;
        const Out& o = m_outByTeam[team];
        a.teammatesOut = o.count;
        a.outMinutes = o.minutes;
        a.outPoints = o.points;
    }
    if (m_teamsListed.count(opponent)) {
        a.opponentKnown = true;
        a.opponentOutPoints = m_outByTeam[opponent].points;
    }
    return a;
}

// Each team's season to date: games, mean pace and ratings (of the games that have them), and
// the league's means over the teams.
void DateFeatures::teamsToDate(FeatureBatch& batch)
{
    double paceSum = 0, defSum = 0;
    int n = 0;
    for (const auto& [team, tgames] : m_hc.teams()) {
        int count = 0, paces = 0, offs = 0, defs = 0;
        double pace = 0, off = 0, def = 0;
        for (auto it = tgames.rbegin(); it != tgames.rend(); ++it) {
            if (it->date >= m_date)
                continue;
            if (it->season != m_season)
                break;
            ++count;
            if (it->pace) {
                pace += *it->pace;
                ++paces;
            }
            if (it->offRating) {
                off += *it->offRating;
                ++offs;
            }
            if (it->defRating) {
                def += *it->defRating;
                ++defs;
            }
        }
        if (count == 0)
            continue;
        TeamToDate t;
        t.games = count;
        if (paces > 0)
            t.pace = pace / paces;
        if (offs > 0)
            t.offRating = off / offs;
        if (defs > 0)
            t.defRating = def / defs;
        m_teams[team] = t;
        paceSum += t.pace.value_or(0);
        defSum += t.defRating.value_or(0);
        ++n;
    }
    if (n > 0) {
        batch.leaguePace = paceSum / n;
        batch.leagueDefRating = defSum / n;
    }
}

FeatureRow DateFeatures::rowFor(int64_t player, int64_t team, const FeatureBatch& batch)
{
    static const std::vector<PlayerGame> kNone;
    const auto& [game, home] = m_teamGame.at(team);
    FeatureRow row;
    row.gameId = game->gameId;
    row.target.date = m_date;
    row.target.season = m_season;
    row.target.seasonStart = m_seasonStart;
    row.target.playerId = player;
    row.target.teamId = team;
    row.target.opponentId = home ? game->away : game->home;
    row.target.home = home;
    row.target.availability = availability(player, team, row.target.opponentId);
    const auto h = m_hc.players().find(player);
    const auto teamIt = m_teams.find(team);
    const auto oppIt = m_teams.find(row.target.opponentId);
    row.values = compute(row.target, h == m_hc.players().end() ? kNone : h->second,
                         teamIt == m_teams.end() ? TeamToDate{} : teamIt->second,
                         oppIt == m_teams.end() ? TeamToDate{} : oppIt->second);
    row.composite = composite(row.values, batch.leaguePace, batch.leagueDefRating);
    return row;
}

FeatureBatch DateFeatures::build()
{
    FeatureBatch batch;
    readSchedule();
    batch.games = int(m_games.size());
    if (m_games.empty())
        return batch;
    m_hc.update(m_db, m_date);
    findLatestAppearances();
    readAnnouncedRosters();
    const auto players = roster();
    countPlayersOut();
    // compute() looks only at games before the date within a year of the season's start.
    const Date historyFrom = m_seasonStart.addDays(-366);
    const auto byDate = [](const PlayerGame& g, Date d) { return g.date < d; };
    for (const auto& [player, team] : players) {
        const auto h = m_hc.players().find(player);
        if (h == m_hc.players().end())
            continue; // his first game
        const auto& games = h->second; // oldest first
        batch.historyRows += std::lower_bound(games.begin(), games.end(), m_date, byDate) -
                             std::lower_bound(games.begin(), games.end(), historyFrom, byDate);
    }
    teamsToDate(batch);
    for (const auto& [player, team] : players)
        batch.rows.push_back(rowFor(player, team, batch));
    return batch;
}

} // namespace

FeatureBatch buildFeatures(store::Database& db, Date date, HistoryCache* cache)
{
    HistoryCache local;
    return DateFeatures(db, date, cache ? *cache : local).build();
}

} // namespace nbaops::features
