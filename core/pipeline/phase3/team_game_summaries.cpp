#include "processors.h"

#include "pipeline/history.h"
#include "pipeline/payloads.h"
#include "sources/nbastats.h"
#include "store/database.h"

#include <map>
#include <memory>

namespace nbaops::pipeline {

namespace {

struct TeamGame
{
    std::string gameId, season, abbr, oppAbbr;
    int64_t teamId = 0, oppId = 0;
    bool home = false;
    int64_t pts = 0, fgm = 0, fga = 0, fg3m = 0, fg3a = 0, ftm = 0, fta = 0, oreb = 0, dreb = 0,
            ast = 0, stl = 0, blk = 0, tov = 0;
    double minutes = 0;
    std::optional<int64_t> restDays;
    double possessions() const { return double(fga - oreb + tov) + 0.44 * double(fta); }
};

using TeamGames = std::map<std::pair<std::string, int64_t>, TeamGame>; // by (game, team)

// Both sides of every final game of the date.
TeamGames finalTeamGames(store::Database& db, Date date)
{
    TeamGames teams;
    auto st = db.prepare("SELECT game_id, season, home_team_id, visitor_team_id, home_team_abbr,"
                         " visitor_team_abbr FROM game_schedule WHERE game_date = ? AND game_status = 3");
    st.bindAll(date.iso());
    while (st.step()) {
        for (const bool home : {true, false}) {
            TeamGame t;
            t.gameId = st.getText(0);
            t.season = st.getText(1);
            t.teamId = st.getInt(home ? 2 : 3);
            t.oppId = st.getInt(home ? 3 : 2);
            t.abbr = st.getText(home ? 4 : 5);
            t.oppAbbr = st.getText(home ? 5 : 4);
            t.home = home;
            teams[{t.gameId, t.teamId}] = t;
        }
    }
    return teams;
}

// The player-game rows of the date (whichever source served them), summed per team; returns
// how many rows were read and sets the source.
int64_t sumPlayers(store::Database& db, Date date, TeamGames& teams, std::string& source)
{
    auto st = db.prepare("SELECT game_id, team_id, minutes, fgm, fga, fg3m, fg3a, ftm, fta, oreb, dreb,"
                         " ast, stl, blk, tov, pts, source FROM player_game_summary WHERE game_date = ?");
    st.bindAll(date.iso());
    int64_t rowsIn = 0;
    while (st.step()) {
        ++rowsIn;
        const auto it = teams.find({st.getText(0), st.getInt(1)});
        if (it == teams.end())
            continue;
        TeamGame& t = it->second;
        t.minutes += st.getDouble(2);
        source = st.getText(16);
        int64_t* sums[] = {&t.fgm, &t.fga, &t.fg3m, &t.fg3a, &t.ftm, &t.fta, &t.oreb, &t.dreb,
                           &t.ast, &t.stl, &t.blk, &t.tov, &t.pts};
        for (int i = 0; i < 13; ++i)
            *sums[i] += st.getOptInt(3 + i).value_or(0);
    }
    return rowsIn;
}

// Rest: days since the team's previous scheduled game of the same season.
void addRestDays(store::Database& db, Date date, TeamGames& teams)
{
    auto prev = db.prepare("SELECT max(game_date) FROM game_schedule WHERE game_date < ? AND game_date >= ?"
                           " AND (home_team_id = ? OR visitor_team_id = ?)");
    for (auto& [key, t] : teams) {
        prev.reset();
        prev.bindAll(date.iso(), date.addDays(-120).iso(), t.teamId, t.teamId);
        if (prev.step() && !prev.isNull(0))
            if (const auto d = Date::parse(prev.getText(0)))
                t.restDays = d->daysUntil(date) - 1;
    }
}

void writeOffense(store::Database& db, const TeamGames& rows, Date date, const std::string& at,
                  const std::string& runId)
{
    db.prepare("DELETE FROM team_offense_game_summary WHERE game_date = ?").bindAll(date.iso()).run();
    auto ins = db.prepare(
        "INSERT INTO team_offense_game_summary(game_id, team_id, game_date, season, team_abbr,"
        " opponent_team_id, opponent_abbr, home, win, pts, opp_pts, margin, fgm, fga, fg3m, fg3a,"
        " ftm, fta, oreb, dreb, ast, stl, blk, tov, minutes, possessions, pace, off_rating,"
        " efg_pct, ts_pct, rest_days, back_to_back, run_id, processed_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (const auto& [key, t] : rows) {
        const TeamGame& o = rows.at({t.gameId, t.oppId});
        const double poss = t.possessions();
        const double pace = t.minutes > 0 ? poss * 48.0 / (t.minutes / 5.0) : 0;
        const std::optional<double> efg = t.fga > 0 ? std::optional((t.fgm + 0.5 * t.fg3m) / double(t.fga)) : std::nullopt;
        const double att = double(t.fga) + 0.44 * double(t.fta);
        const std::optional<double> ts = att > 0 ? std::optional(t.pts / (2.0 * att)) : std::nullopt;
        ins.bindAll(t.gameId, t.teamId, date.iso(), t.season, t.abbr, t.oppId, t.oppAbbr, int64_t(t.home),
                    int64_t(t.pts > o.pts), t.pts, o.pts, t.pts - o.pts, t.fgm, t.fga, t.fg3m, t.fg3a, t.ftm, t.fta,
                    t.oreb, t.dreb, t.ast, t.stl, t.blk, t.tov, t.minutes, poss, pace,
                    poss > 0 ? 100.0 * double(t.pts) / poss : 0.0, efg, ts, t.restDays,
                    int64_t(t.restDays && *t.restDays == 0), runId, at);
        ins.run();
        ins.reset();
    }
    touchFreshness(db, "team_offense_game_summary", date, int64_t(rows.size()), at);
}

} // namespace

Work TeamOffenseSummary::run(Context& ctx, Date date)
{
    Work w;
    auto teams = std::make_shared<TeamGames>(finalTeamGames(ctx.db, date));
    if (teams->empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no final games on " + date.iso();
        return w;
    }
    const int64_t rowsIn = sumPlayers(ctx.db, date, *teams, w.outcome.source);
    std::string missing;
    for (const auto& [key, t] : *teams) {
        if (t.minutes <= 0)
            missing += (missing.empty() ? "" : ", ") + t.gameId + "/" + t.abbr;
    }
    if (!missing.empty()) {
        w.outcome.category = Category::DependencyMissing;
        w.outcome.error = "player-game rows missing for " + missing + " on " + date.iso() +
                          "; run player_game_summary for the date";
        return w;
    }
    addRestDays(ctx.db, date, *teams);
    w.outcome.recordsIn = rowsIn;
    w.outcome.recordsOut = int64_t(teams->size());
    w.write = [teams, date, at = toIsoUtc(ctx.clock.now()), runId = ctx.runId](store::Database& db) {
        writeOffense(db, *teams, date, at, runId);
    };
    return w;
}

Work TeamDefenseSummary::run(Context& ctx, Date date)
{
    Work w;
    struct Row
    {
        std::string gameId, season;
        int64_t teamId, oppId, pts, fga, fg3a, fta, tov, oreb, dreb, stl, blk, fgm, fg3m;
        double possessions;
    };
    std::map<std::pair<std::string, int64_t>, Row> rows;
    auto st = ctx.db.prepare("SELECT game_id, season, team_id, opponent_team_id, pts, fga, fg3a, fta, tov, oreb,"
                             " dreb, stl, blk, fgm, fg3m, possessions FROM team_offense_game_summary WHERE game_date = ?");
    st.bindAll(date.iso());
    while (st.step()) {
        Row r{st.getText(0), st.getText(1), st.getInt(2), st.getInt(3), st.getInt(4), st.getInt(5), st.getInt(6),
              st.getInt(7), st.getInt(8), st.getInt(9), st.getInt(10), st.getInt(11), st.getInt(12),
              st.getInt(13), st.getInt(14), st.getDouble(15)};
        rows[{r.gameId, r.teamId}] = r;
    }
    if (rows.empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no team offence rows for " + date.iso();
        return w;
    }
    for (const auto& [key, r] : rows) {
        if (!rows.count({r.gameId, r.oppId})) {
            w.outcome.category = Category::DependencyMissing;
            w.outcome.error = "the opponent's offence row of game " + r.gameId + " is missing";
            return w;
        }
    }
    w.outcome.recordsIn = int64_t(rows.size());
    w.outcome.recordsOut = int64_t(rows.size());
    auto shared = std::make_shared<decltype(rows)>(std::move(rows));
    const std::string at = toIsoUtc(ctx.clock.now());
    w.write = [shared, date, at, runId = ctx.runId](store::Database& db) {
        db.prepare("DELETE FROM team_defense_game_summary WHERE game_date = ?").bindAll(date.iso()).run();
        auto ins = db.prepare(
            "INSERT INTO team_defense_game_summary(game_id, team_id, game_date, season, opponent_team_id,"
            " opp_pts, opp_fga, opp_fg3a, opp_fta, opp_tov, opp_oreb, opp_possessions, def_rating,"
            " opp_efg_pct, opp_tov_rate, dreb_rate, stl, blk, run_id, processed_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        for (const auto& [key, r] : *shared) {
            const Row& o = shared->at({r.gameId, r.oppId});
            const std::optional<double> efg = o.fga > 0 ? std::optional((o.fgm + 0.5 * o.fg3m) / double(o.fga)) : std::nullopt;
            const std::optional<double> tovRate = o.possessions > 0 ? std::optional(o.tov / o.possessions) : std::nullopt;
            const std::optional<double> drebRate = r.dreb + o.oreb > 0 ? std::optional(double(r.dreb) / double(r.dreb + o.oreb)) : std::nullopt;
            ins.bindAll(r.gameId, r.teamId, date.iso(), r.season, r.oppId, o.pts, o.fga, o.fg3a, o.fta, o.tov,
                        o.oreb, o.possessions, o.possessions > 0 ? 100.0 * double(o.pts) / o.possessions : 0.0,
                        efg, tovRate, drebRate, r.stl, r.blk, runId, at);
            ins.run();
            ins.reset();
        }
        touchFreshness(db, "team_defense_game_summary", date, int64_t(shared->size()), at);
    };
    return w;
}

} // namespace nbaops::pipeline
