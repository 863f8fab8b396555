#include "featurebuild.h"

#include "helpers.h"

#include "store/database.h"


#include <algorithm>
#include <map>
#include <set>

namespace nbaops::pipeline {

namespace {

struct Scheduled
{
    std::string gameId;
    int64_t home = 0, away = 0;
    std::string season;
};

} // namespace

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
        features::PlayerGame g;
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

FeatureBatch buildFeatures(store::Database& db, Date date, HistoryCache* cache)

{
    FeatureBatch batch;
    std::vector<Scheduled> games;
    {
        auto st = db.prepare("SELECT game_id, home_team_id, visitor_team_id, season FROM game_schedule"
                             " WHERE game_date = ? ORDER BY game_id");
        st.bindAll(date.iso());
        while (st.step())
            games.push_back({st.getText(0), st.getInt(1), st.getInt(2), st.getText(3)});
    }
    batch.games = int(games.size());
    if (games.empty())
        return batch;
    const std::string season = games.front().season;
    Date seasonStart = date;
    {
        auto st = db.prepare("SELECT min(game_date) FROM game_schedule WHERE season = ?");
        st.bindAll(season);
        if (st.step() && !st.isNull(0))
            seasonStart = Date::parse(st.getText(0)).value_or(date);
    }

    HistoryCache local;
    HistoryCache& hc = cache ? *cache : local;
    hc.update(db, date);

    // Rosters from the latest appearances in the last 200 days.
    struct Latest
    {
        int64_t team = 0;
        std::string season;
    };
    std::map<int64_t, Latest> latest;
    const Date rosterFrom = date.addDays(-200);
    for (const auto& [player, played] : hc.players()) {
        for (auto it = played.rbegin(); it != played.rend(); ++it) {
            if (it->date >= date)
                continue;
            if (it->date >= rosterFrom)
                latest[player] = {it->teamId, it->season};
            break;
        }
    }
    std::set<int64_t> teamsStarted;
    for (const auto& [player, l] : latest) {
        if (l.season == season)
            teamsStarted.insert(l.team);
    }
    std::map<int64_t, std::pair<const Scheduled*, bool>> teamGame; // team -> (game, home)
    for (const auto& g : games) {
        teamGame[g.home] = {&g, true};
        teamGame[g.away] = {&g, false};
    }
    // The game rosters announced for the date (read: team, starting five, ruled-out comment;
    // never the game's own numbers). A team with a roster plays the players on it who are
    // not ruled out; a team without one is taken from the latest appearances.
    struct Listed
    {
        int64_t team = 0;
        bool starter = false, out = false;
    };
    std::map<int64_t, Listed> listed;
    std::set<int64_t> teamsListed;
    {
        auto st = db.prepare("SELECT player_id, team_id, starter, coalesce(dnp_reason, '') FROM player_game_summary"
                             " WHERE game_date = ?");
        st.bindAll(date.iso());
        while (st.step()) {
            Listed l{st.getInt(1), st.getInt(2) != 0, features::outBeforeTipoff(st.getText(3))};
            if (!teamGame.count(l.team))
                continue;
            listed[st.getInt(0)] = l;
            teamsListed.insert(l.team);
        }
    }
    std::vector<std::pair<int64_t, int64_t>> roster; // player, team
    for (const auto& [player, l] : listed) {
        if (!l.out)
            roster.emplace_back(player, l.team);
    }
    for (const auto& [player, l] : latest) {
        if (!teamGame.count(l.team) || teamsListed.count(l.team))
            continue;
        if (teamsStarted.count(l.team) && l.season != season)
            continue; // the team has played this season without him
        roster.emplace_back(player, l.team);
    }
    std::sort(roster.begin(), roster.end());

    // Out: a player whose latest game, in the last 21 days, was for a team with an announced
    // roster, and who is not on it or is ruled out. His usual minutes and points are his
    // season-to-date means (zero before his first game of the season).
    struct Out
    {
        int count = 0;
        double minutes = 0, points = 0;
    };
    std::map<int64_t, Out> outByTeam;
    const Date recentFrom = date.addDays(-21);
    for (const auto& [player, pgames] : hc.players()) {
        const auto lt = latest.find(player);
        if (lt == latest.end() || !teamsListed.count(lt->second.team))
            continue;
        const auto li = listed.find(player);
        const bool onRoster = li != listed.end() && li->second.team == lt->second.team;
        if (onRoster && !li->second.out)
            continue;
        double minutes = 0, points = 0;
        int n = 0;
        bool recent = false;
        for (auto it = pgames.rbegin(); it != pgames.rend(); ++it) {
            if (it->date >= date)
                continue;
            if (it->season != season)
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
        Out& o = outByTeam[lt->second.team];
        ++o.count;
        if (n > 0) {
            o.minutes += minutes / n;
            o.points += points / n;
        }
    }
    const auto availability = [&](int64_t player, int64_t team, int64_t opponent) {
        features::Availability a;
        if (teamsListed.count(team)) {
            a.known = true;
            const auto li = listed.find(player);
            a.starter = li != listed.end() && li->second.starter;
            const Out& o = outByTeam[team];
            a.teammatesOut = o.count;
            a.outMinutes = o.minutes;
            a.outPoints = o.points;
        }
        if (teamsListed.count(opponent)) {
            a.opponentKnown = true;
            a.opponentOutPoints = outByTeam[opponent].points;
        }
        return a;
    };

    // compute() looks only at games before the date within a year of the season's start.
    const Date historyFrom = seasonStart.addDays(-366);
    for (const auto& [player, team] : roster) {
        const auto h = hc.players().find(player);
        if (h == hc.players().end())
            continue; // his first game
        for (const auto& g : h->second)
            batch.historyRows += g.date < date && g.date >= historyFrom;
    }

    // Each team's season to date: games, mean pace and ratings (of the games that have them).
    std::map<int64_t, features::TeamToDate> teams;
    {
        double paceSum = 0, defSum = 0;
        int n = 0;
        for (const auto& [team, tgames] : hc.teams()) {
            int count = 0, paces = 0, offs = 0, defs = 0;
            double pace = 0, off = 0, def = 0;
            for (auto it = tgames.rbegin(); it != tgames.rend(); ++it) {
                if (it->date >= date)
                    continue;
                if (it->season != season)
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
            features::TeamToDate t;
            t.games = count;
            if (paces > 0)
                t.pace = pace / paces;
            if (offs > 0)
                t.offRating = off / offs;
            if (defs > 0)
                t.defRating = def / defs;
            teams[team] = t;
            paceSum += t.pace.value_or(0);
            defSum += t.defRating.value_or(0);
            ++n;
        }
        if (n > 0) {
            batch.leaguePace = paceSum / n;
            batch.leagueDefRating = defSum / n;
        }
    }

    static const std::vector<features::PlayerGame> kNone;
    for (const auto& [player, team] : roster) {
        const auto& [game, home] = teamGame.at(team);
        FeatureRow row;
        row.gameId = game->gameId;
        row.target.date = date;
        row.target.season = season;
        row.target.seasonStart = seasonStart;
        row.target.playerId = player;
        row.target.teamId = team;
        row.target.opponentId = home ? game->away : game->home;
        row.target.home = home;
        row.target.availability = availability(player, team, row.target.opponentId);
        const auto h = hc.players().find(player);
        const auto teamIt = teams.find(team);
        const auto oppIt = teams.find(row.target.opponentId);
        row.values = features::compute(row.target, h == hc.players().end() ? kNone : h->second,
                                       teamIt == teams.end() ? features::TeamToDate{} : teamIt->second,
                                       oppIt == teams.end() ? features::TeamToDate{} : oppIt->second);
        row.composite = features::composite(row.values, batch.leaguePace, batch.leagueDefRating);
        batch.rows.push_back(std::move(row));
    }
    return batch;
}

} // namespace nbaops::pipeline
