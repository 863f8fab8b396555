#include "analytics.h"

#include "helpers.h"
#include "sources/nbastats.h"
#include "store/database.h"

#include <map>
#include <memory>

namespace nbaops::pipeline {

namespace {

struct GameInfo
{
    std::string season;
    int64_t home = 0, visitor = 0;
    std::string homeAbbr, visitorAbbr;
};

struct Row
{
    std::string gameId, playerName, teamAbbr, startPosition, comment;
    int64_t playerId = 0, teamId = 0;
    double minutes = 0;
    bool played = false;
    int64_t fgm = 0, fga = 0, fg3m = 0, fg3a = 0, ftm = 0, fta = 0, oreb = 0, dreb = 0, reb = 0,
            ast = 0, stl = 0, blk = 0, tov = 0, pf = 0, pts = 0;
    std::optional<double> plusMinus;
};

struct TeamTotals
{
    int64_t pts = 0, fga = 0, fta = 0, tov = 0;
    double minutes = 0;
    int players = 0;
};

} // namespace

Work PlayerGameSummary::run(Context& ctx, Date date)
{
    Work w;
    w.outcome.source = "nba_com";
    std::map<std::string, GameInfo> games;
    {
        auto st = ctx.db.prepare("SELECT game_id, season, home_team_id, visitor_team_id, "
                                 "home_team_abbr, visitor_team_abbr FROM raw_nbac_schedule "
                                 "WHERE game_date = ? AND game_status = 3");
        st.bindAll(date.iso());
        while (st.step())
            games[st.getText(0)] = {st.getText(1), st.getInt(2), st.getInt(3), st.getText(4),
                                    st.getText(5)};
    }
    if (games.empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no final games on " + date.iso();
        return w;
    }
    auto rows = std::make_shared<std::vector<Row>>();
    {
        auto st = ctx.db.prepare(
            "SELECT game_id, player_id, team_id, team_abbr, player_name, start_position, comment,"
            " minutes, fgm, fga, fg3m, fg3a, ftm, fta, oreb, dreb, reb, ast, stl, blk, tov, pf,"
            " pts, plus_minus FROM raw_nbac_player_boxscores WHERE game_date = ?"
            " ORDER BY game_id, team_id, player_id");
        st.bindAll(date.iso());
        while (st.step()) {
            Row r;
            r.gameId = st.getText(0);
            r.playerId = st.getInt(1);
            r.teamId = st.getInt(2);
            r.teamAbbr = st.getText(3);
            r.playerName = st.getText(4);
            r.startPosition = st.getText(5);
            r.comment = st.getText(6);
            if (auto m = st.getOptText(7)) {
                const auto minutes = sources::parseMinutes(nlohmann::json(*m));
                if (!minutes) {
                    w.outcome.category = Category::ValidationFailed;
                    w.outcome.error = "raw box score of player " + std::to_string(r.playerId) +
                                      " in game " + r.gameId + " has unreadable minutes '" + *m + "'";
                    return w;
                }
                r.minutes = *minutes;
            }
            r.played = r.minutes > 0;
            int64_t* stats[] = {&r.fgm, &r.fga, &r.fg3m, &r.fg3a, &r.ftm, &r.fta, &r.oreb,
                                &r.dreb, &r.reb, &r.ast, &r.stl, &r.blk, &r.tov, &r.pf, &r.pts};
            for (int i = 0; i < 15; ++i)
                *stats[i] = st.getOptInt(8 + i).value_or(0);
            r.plusMinus = st.getOptDouble(23);
            rows->push_back(std::move(r));
        }
    }
    w.outcome.recordsIn = int64_t(rows->size());
    std::map<std::pair<std::string, int64_t>, TeamTotals> totals;
    for (const auto& r : *rows) {
        auto& t = totals[{r.gameId, r.teamId}];
        t.pts += r.pts;
        t.fga += r.fga;
        t.fta += r.fta;
        t.tov += r.tov;
        t.minutes += r.minutes;
        ++t.players;
    }
    std::string missing;
    for (const auto& [id, g] : games) {
        for (int64_t team : {g.home, g.visitor}) {
            if (!totals.count({id, team}))
                missing += (missing.empty() ? "" : ", ") + id + "/" + std::to_string(team);
        }
    }
    if (!missing.empty()) {
        w.outcome.category = Category::DependencyMissing;
        w.outcome.error = "raw box scores missing for game/team " + missing + " on " + date.iso() +
                          "; run nbac_player_boxscores for the date";
        return w;
    }
    w.outcome.recordsOut = 0;
    for (const auto& r : *rows)
        w.outcome.recordsOut += games.count(r.gameId) ? 1 : 0;
    const std::string at = toIsoUtc(ctx.clock.now());
    auto gamesPtr = std::make_shared<std::map<std::string, GameInfo>>(std::move(games));
    auto totalsPtr = std::make_shared<decltype(totals)>(std::move(totals));
    const int64_t outRows = w.outcome.recordsOut;
    w.write = [rows, gamesPtr, totalsPtr, date, at, outRows, runId = ctx.runId](store::Database& db) {
        db.prepare("DELETE FROM player_game_summary WHERE game_date = ?").bindAll(date.iso()).run();
        auto ins = db.prepare(
            "INSERT INTO player_game_summary(game_id, player_id, game_date, season, player_name,"
            " team_id, team_abbr, opponent_team_id, opponent_abbr, home, starter, played,"
            " dnp_reason, minutes, fgm, fga, fg3m, fg3a, ftm, fta, oreb, dreb, reb, ast, stl, blk,"
            " tov, pf, pts, plus_minus, ts_pct, usage_rate, pts_per36, team_pts, team_fga,"
            " team_fta, team_tov, team_minutes, opp_pts, opp_fga, opp_fta, opp_tov, source,"
            " run_id, processed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
            "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        for (const auto& r : *rows) {
            const auto git = gamesPtr->find(r.gameId);
            if (git == gamesPtr->end())
                continue;
            const GameInfo& g = git->second;
            const bool home = r.teamId == g.home;
            const int64_t oppId = home ? g.visitor : g.home;
            const TeamTotals& team = totalsPtr->at({r.gameId, r.teamId});
            const TeamTotals& opp = totalsPtr->at({r.gameId, oppId});
            const double attempts = double(r.fga) + 0.44 * double(r.fta);
            std::optional<double> ts, usage, per36;
            if (attempts > 0)
                ts = double(r.pts) / (2.0 * attempts);
            const double teamPoss = double(team.fga) + 0.44 * double(team.fta) + double(team.tov);
            if (r.played && teamPoss > 0)
                usage = 100.0 * (attempts + double(r.tov)) * (team.minutes / 5.0) /
                        (r.minutes * teamPoss);
            if (r.played)
                per36 = double(r.pts) * 36.0 / r.minutes;
            ins.bindAll(r.gameId, r.playerId, date.iso(), seasonLabelOf(g.season), r.playerName,
                        r.teamId, r.teamAbbr, oppId, home ? g.visitorAbbr : g.homeAbbr,
                        int64_t(home), int64_t(!r.startPosition.empty()), int64_t(r.played),
                        r.played ? std::optional<std::string>() : std::optional(r.comment),
                        r.minutes, r.fgm, r.fga, r.fg3m, r.fg3a, r.ftm, r.fta, r.oreb, r.dreb,
                        r.reb, r.ast, r.stl, r.blk, r.tov, r.pf, r.pts, r.plusMinus, ts, usage,
                        per36, team.pts, team.fga, team.fta, team.tov, team.minutes, opp.pts,
                        opp.fga, opp.fta, opp.tov, "nba_com", runId, at);
            ins.run();
            ins.reset();
        }
        touchFreshness(db, "player_game_summary", date, outRows, at);
    };
    return w;
}

} // namespace nbaops::pipeline
