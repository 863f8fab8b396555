#include "featurebuild.h"

#include "helpers.h"

#include "store/database.h"

#include <nlohmann/json.hpp>

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

FeatureBatch buildFeatures(store::Database& db, Date date)
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

    // Rosters from the latest appearances in the last 200 days.
    struct Latest
    {
        int64_t team = 0;
        std::string season;
    };
    std::map<int64_t, Latest> latest;
    {
        auto st = db.prepare("SELECT player_id, team_id, season FROM player_game_summary"
                             " WHERE game_date >= ? AND game_date < ? ORDER BY game_date");
        st.bindAll(date.addDays(-200).iso(), date.iso());
        while (st.step())
            latest[st.getInt(0)] = {st.getInt(1), st.getText(2)};
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
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& [player, l] : latest) {
        if (!teamGame.count(l.team))
            continue;
        if (teamsStarted.count(l.team) && l.season != season)
            continue; // the team has played this season without him
        roster.emplace_back(player, l.team);
        ids.push_back(player);
    }

    std::map<int64_t, std::vector<features::PlayerGame>> history;
    {
        auto st = db.prepare(
            "SELECT player_id, game_date, season, team_id, opponent_team_id, home, starter, played, minutes,"
            " pts, fga, fta, fg3a, tov, team_pts, usage_rate FROM player_game_summary"
            " WHERE player_id IN (SELECT value FROM json_each(?)) AND game_date < ? AND game_date >= ?"
            " ORDER BY player_id, game_date");
        st.bindAll(ids.dump(), date.iso(), seasonStart.addDays(-366).iso());
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
            history[st.getInt(0)].push_back(std::move(g));
            ++batch.historyRows;
        }
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
        const auto h = history.find(player);
        const auto teamIt = teams.find(team);
        const auto oppIt = teams.find(row.target.opponentId);
        row.values = features::compute(row.target, h == history.end() ? kNone : h->second,
                                       teamIt == teams.end() ? features::TeamToDate{} : teamIt->second,
                                       oppIt == teams.end() ? features::TeamToDate{} : oppIt->second);
        row.composite = features::composite(row.values, batch.leaguePace, batch.leagueDefRating);
        batch.rows.push_back(std::move(row));
    }
    return batch;
}

} // namespace nbaops::pipeline
