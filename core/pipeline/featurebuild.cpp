#include "featurebuild.h"

#include "helpers.h"

#include "store/database.h"


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

// The latest run of player_game_summary over the dates before `until`: any rerun of one of
// them raises it.
int64_t historyVersion(store::Database& db, Date until)
{
    auto st = db.prepare("SELECT coalesce(max(run_pk), 0) FROM processor_latest"
                         " WHERE processor = 'player_game_summary' AND game_date < ?");
    st.bindAll(until.iso());
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
    while (st.step()) {
        features::PlayerGame g;
        g.date = Date::parse(st.getText(1)).value_or(Date());
        g.season = st.getText(2);
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
}

void HistoryCache::update(store::Database& db, Date date)
{
    // Two seasons back is all a feature looks at (last season's means, the record against the
    // opponent over a year).
    const Date from = date.addDays(-800);
    if (m_until && (historyVersion(db, *m_until) != m_version || from < m_from || from.daysUntil(m_from) < -400)) {
        m_players.clear(); // a held date was redone, or the window moved too far: start again
        m_until.reset();
    }
    if (!m_until) {
        ++m_loads;
        m_from = from;
        load(db, from, date);
        m_until = date;
    } else if (*m_until < date) {
        load(db, *m_until, date);
        m_until = date;
    }
    m_version = historyVersion(db, *m_until);
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
    std::vector<std::pair<int64_t, int64_t>> roster; // player, team
    for (const auto& [player, l] : latest) {
        if (!teamGame.count(l.team))
            continue;
        if (teamsStarted.count(l.team) && l.season != season)
            continue; // the team has played this season without him
        roster.emplace_back(player, l.team);
    }
    // compute() looks only at games before the date within a year of the season's start.
    const Date historyFrom = seasonStart.addDays(-366);
    for (const auto& [player, team] : roster) {
        for (const auto& g : hc.players().at(player))
            batch.historyRows += g.date < date && g.date >= historyFrom;
    }

    std::map<int64_t, features::TeamToDate> teams;
    {
        auto st = db.prepare("SELECT o.team_id, count(*), avg(o.pace), avg(o.off_rating), avg(d.def_rating)"
                             " FROM team_offense_game_summary o JOIN team_defense_game_summary d"
                             " ON d.game_id = o.game_id AND d.team_id = o.team_id"
                             " WHERE o.season = ? AND o.game_date < ? GROUP BY o.team_id");
        st.bindAll(season, date.iso());
        double paceSum = 0, defSum = 0;
        int n = 0;
        while (st.step()) {
            features::TeamToDate t{int(st.getInt(1)), st.getOptDouble(2), st.getOptDouble(3), st.getOptDouble(4)};
            teams[st.getInt(0)] = t;
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
