#include "processors.h"

#include "playerids.h"

#include "pipeline/history.h"
#include "pipeline/payloads.h"
#include "sources/teams.h"
#include "sources/nbastats.h"
#include "store/database.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <memory>
#include <set>

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
    int64_t sourcePlayerId = 0; // balldontlie's id, for rows from that source
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

namespace {

using GameMap = std::map<std::string, GameInfo>;

// Minutes (text as served, at column `col`) and the 15 counting stats after them, into `r`.
// False, with the reason, when the minutes cannot be read.
bool readLine(const store::Statement& st, int col, Row& r, std::string& error)
{
    const std::string minutes = st.getOptText(col).value_or("");
    if (!minutes.empty()) {
        const auto m = sources::parseMinutesText(minutes);
        if (!m) {
            error = "the box-score line of " + r.playerName + " (" + std::to_string(r.playerId ? r.playerId : r.sourcePlayerId) + ") in game " +
                    r.gameId + " has unreadable minutes '" + minutes + "'";
            return false;
        }
        r.minutes = *m;
    }
    r.played = r.minutes > 0;
    int64_t* stats[] = {&r.fgm, &r.fga, &r.fg3m, &r.fg3a, &r.ftm, &r.fta, &r.oreb,
                        &r.dreb, &r.reb, &r.ast, &r.stl, &r.blk, &r.tov, &r.pf, &r.pts};
    for (int i = 0; i < 15; ++i)
        *stats[i] = st.getOptInt(col + 1 + i).value_or(0);
    return true;
}

// The NBA.com rows of the date. Returns false (with the reason) on unreadable minutes.
bool loadNbaRows(store::Database& db, Date date, std::vector<Row>& rows, std::string& error)
{
    auto st = db.prepare(
        "SELECT game_id, player_id, team_id, team_abbr, player_name, start_position, comment,"
        " minutes, fgm, fga, fg3m, fg3a, ftm, fta, oreb, dreb, reb, ast, stl, blk, tov, pf,"
        " pts, plus_minus FROM raw_nbac_player_boxscores WHERE game_date = ?");
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
        if (!readLine(st, 7, r, error))
            return false;
        r.plusMinus = st.getOptDouble(23);
        rows.push_back(std::move(r));
    }
    // By game, team and player (sorted here: cheaper than SQLite's sorter for a date's rows).
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        return std::tie(a.gameId, a.teamId, a.playerId) < std::tie(b.gameId, b.teamId, b.playerId);
    });
    return true;
}

// balldontlie's rows of the date with NBA.com game ids (by date and teams) and NBA.com player
// ids (see BdlPlayerIds). False, with the reason, when a line cannot be read or two players of
// the date end up on one stored NBA.com id.
bool loadBdlRows(store::Database& db, Date date, const GameMap& games, std::vector<Row>& rows, BdlPlayerIds& ids,
                 std::string& error)
{
    std::map<std::pair<int64_t, int64_t>, std::string> byTeams;
    for (const auto& [id, g] : games)
        byTeams[{g.home, g.visitor}] = id;
    auto st = db.prepare(
        "SELECT s.bdl_player_id, s.first_name, s.last_name, s.team_id, s.team_abbr, s.minutes, s.fgm, s.fga,"
        " s.fg3m, s.fg3a, s.ftm, s.fta, s.oreb, s.dreb, s.reb, s.ast, s.stl, s.blk, s.tov, s.pf, s.pts,"
        " g.home_team_id, g.visitor_team_id FROM raw_bdl_player_boxscores s JOIN raw_bdl_games g"
        " ON g.bdl_game_id = s.bdl_game_id WHERE s.game_date = ? ORDER BY s.bdl_game_id, s.team_id, s.bdl_stat_id");
    st.bindAll(date.iso());
    while (st.step()) {
        const auto game = byTeams.find({st.getInt(21), st.getInt(22)});
        if (game == byTeams.end())
            continue; // not a final game of the schedule
        Row r;
        r.sourcePlayerId = st.getInt(0);
        r.gameId = game->second;
        r.playerName = st.getText(1) + (st.getText(1).empty() ? "" : " ") + st.getText(2);
        r.teamId = st.getInt(3);
        r.teamAbbr = st.getText(4);
        if (!readLine(st, 5, r, error))
            return false;
        r.playerId = ids.idOf(r.sourcePlayerId, r.playerName, r.teamId);
        rows.push_back(std::move(r));
    }
    // Two players of the date on one NBA.com id: a name match was wrong (namesakes, one of them
    // not seen on NBA.com yet). Such new matches are undone; the players keep their own ids.
    std::map<int64_t, int> uses;
    for (const auto& r : rows)
        ++uses[r.playerId];
    for (auto& m : ids.newMappings) {
        if (m.method != "unmatched" && uses[m.playerId] > 1) {
            for (auto& r : rows) {
                if (r.sourcePlayerId == m.bdlId)
                    r.playerId = -m.bdlId;
            }
            ids.unmatch(m);
        }
    }
    uses.clear();
    for (const auto& r : rows) {
        if (++uses[r.playerId] > 1) {
            error = "balldontlie lines of two players map to NBA.com player " + std::to_string(r.playerId) + " on " +
                    date.iso() + " (stored in player_id_map); correct or delete the mapping and rerun";
            return false;
        }
    }
    return true;
}

// Which final games lack rows for a team, "" when none: "2 of 5 final games (0022400679
// CHI @ POR, ...)".
std::string missingTeams(const GameMap& games, const std::vector<Row>& rows)
{
    std::set<std::pair<std::string, int64_t>> have;
    for (const auto& r : rows)
        have.insert({r.gameId, r.teamId});
    std::string list;
    int count = 0;
    for (const auto& [id, g] : games) {
        if (have.count({id, g.home}) && have.count({id, g.visitor}))
            continue;
        if (++count <= 3)
            list += (list.empty() ? "" : ", ") + id + " " + g.visitorAbbr + " @ " + g.homeAbbr;
    }
    if (count == 0)
        return {};
    return std::to_string(count) + " of " + std::to_string(games.size()) + " final games (" + list +
           (count > 3 ? ", ..." : "") + ")";
}

GameMap finalGames(store::Database& db, Date date)
{
    GameMap games;
    auto st = db.prepare("SELECT game_id, season, home_team_id, visitor_team_id, "
                         "home_team_abbr, visitor_team_abbr FROM game_schedule "
                         "WHERE game_date = ? AND game_status = 3");
    st.bindAll(date.iso());
    while (st.step())
        games[st.getText(0)] = {st.getText(1), st.getInt(2), st.getInt(3), st.getText(4), st.getText(5)};
    return games;
}

// Box scores: NBA.com's when its loader succeeded for the date and they cover every final game,
// else balldontlie's on the same condition. Sets the outcome's source, or its failure (false).
bool pickBoxscores(store::Database& db, Date date, const GameMap& games, std::vector<Row>& rows, BdlPlayerIds& bdl,
                   Outcome& out)
{
    std::string tried, loadError;
    const auto nbaCat = latestCategory(db, "nbac_player_boxscores", date);
    if (nbaCat == "success") {
        if (!loadNbaRows(db, date, rows, loadError)) {
            out.category = Category::ValidationFailed;
            out.error = loadError;
            return false;
        }
        const std::string missing = missingTeams(games, rows);
        if (missing.empty()) {
            out.source = "nba_com";
            return true;
        }
        tried = "NBA.com lacks " + missing;
    } else {
        tried = "NBA.com box scores unavailable (nbac_player_boxscores: " + nbaCat.value_or("not run") + ")";
    }
    rows.clear();
    const auto bdlCat = latestCategory(db, "bdl_player_boxscores", date);
    if (bdlCat != "success") {
        out.category = Category::DependencyMissing;
        out.error = "no source has box scores for every final game on " + date.iso() + ": " + tried +
                    "; balldontlie unavailable (bdl_player_boxscores: " + bdlCat.value_or("not run") + ")";
        return false;
    }
    if (!loadBdlRows(db, date, games, rows, bdl, loadError)) {
        out.category = Category::ValidationFailed;
        out.error = loadError;
        return false;
    }
    if (const std::string missing = missingTeams(games, rows); !missing.empty()) {
        out.category = Category::DependencyMissing;
        out.error = "no source has box scores for every final game on " + date.iso() + ": " + tried +
                    "; balldontlie lacks " + missing;
        return false;
    }
    out.source = "balldontlie";
    out.error = "served by balldontlie (fallback): " + tried + "; players matched to NBA.com ids: " +
                std::to_string(bdl.known) + " known, " + std::to_string(bdl.count("name")) + " by name, " +
                std::to_string(bdl.count("name_team")) + " by name and team, " + std::to_string(bdl.count("unmatched")) +
                " unmatched (negative ids); this source has no starters or plus-minus";
    return true;
}

using Totals = std::map<std::pair<std::string, int64_t>, TeamTotals>;

Totals totalsOf(const std::vector<Row>& rows)
{
    Totals totals;
    for (const auto& r : rows) {
        auto& t = totals[{r.gameId, r.teamId}];
        t.pts += r.pts;
        t.fga += r.fga;
        t.fta += r.fta;
        t.tov += r.tov;
        t.minutes += r.minutes;
        ++t.players;
    }
    return totals;
}

// Everything the summaries' write needs, kept alive until the runner commits it.
struct Summaries
{
    std::vector<Row> rows;
    GameMap games;
    Totals totals;
    std::vector<IdMapping> mappings;
    std::string source, runId, at;
    Date date;
    int64_t outRows = 0;
};

// One player-game with its shooting, usage and per-36 figures and the teams' totals.
void insertRow(store::Statement& ins, const Row& r, const GameInfo& g, const Summaries& s)
{
    const bool home = r.teamId == g.home;
    const int64_t oppId = home ? g.visitor : g.home;
    const TeamTotals& team = s.totals.at({r.gameId, r.teamId});
    const TeamTotals& opp = s.totals.at({r.gameId, oppId});
    const double attempts = double(r.fga) + 0.44 * double(r.fta);
    std::optional<double> ts, usage, per36;
    if (attempts > 0)
        ts = double(r.pts) / (2.0 * attempts);
    const double teamPoss = double(team.fga) + 0.44 * double(team.fta) + double(team.tov);
    if (r.played && teamPoss > 0)
        usage = 100.0 * (attempts + double(r.tov)) * (team.minutes / 5.0) / (r.minutes * teamPoss);
    if (r.played)
        per36 = double(r.pts) * 36.0 / r.minutes;
    ins.bindAll(r.gameId, r.playerId, s.date.iso(), sources::seasonLabelOf(g.season), r.playerName, r.teamId,
                r.teamAbbr, oppId, home ? g.visitorAbbr : g.homeAbbr, int64_t(home), int64_t(!r.startPosition.empty()),
                int64_t(r.played),
                r.played || r.comment.empty() ? std::optional<std::string>() : std::optional(r.comment), r.minutes,
                r.fgm, r.fga, r.fg3m, r.fg3a, r.ftm, r.fta, r.oreb, r.dreb, r.reb, r.ast, r.stl, r.blk, r.tov, r.pf,
                r.pts, r.plusMinus, ts, usage, per36, team.pts, team.fga, team.fta, team.tov, team.minutes, opp.pts,
                opp.fga, opp.fta, opp.tov, s.source, s.runId, s.at);
    ins.run();
    ins.reset();
}

void writeSummaries(store::Database& db, const Summaries& s)
{
    db.prepare("DELETE FROM player_game_summary WHERE game_date = ?").bindAll(s.date.iso()).run();
    auto map = db.prepare("INSERT OR REPLACE INTO player_id_map(source, source_player_id, player_id, source_name,"
                          " method, mapped_at) VALUES ('balldontlie', ?, ?, ?, ?, ?)");
    for (const auto& m : s.mappings) {
        map.bindAll(m.bdlId, m.playerId, m.name, m.method, s.at);
        map.run();
        map.reset();
    }
    auto ins = db.prepare(
        "INSERT INTO player_game_summary(game_id, player_id, game_date, season, player_name,"
        " team_id, team_abbr, opponent_team_id, opponent_abbr, home, starter, played,"
        " dnp_reason, minutes, fgm, fga, fg3m, fg3a, ftm, fta, oreb, dreb, reb, ast, stl, blk,"
        " tov, pf, pts, plus_minus, ts_pct, usage_rate, pts_per36, team_pts, team_fga,"
        " team_fta, team_tov, team_minutes, opp_pts, opp_fga, opp_fta, opp_tov, source,"
        " run_id, processed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
        "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (const auto& r : s.rows) {
        if (const auto g = s.games.find(r.gameId); g != s.games.end())
            insertRow(ins, r, g->second, s);
    }
    touchFreshness(db, "player_game_summary", s.date, s.outRows, s.at);
}

} // namespace

Work PlayerGameSummary::run(Context& ctx, Date date)
{
    Work w;
    auto s = std::make_shared<Summaries>();
    s->games = finalGames(ctx.db, date);
    if (s->games.empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no final games on " + date.iso();
        return w;
    }
    BdlPlayerIds bdl(ctx.db, date);
    if (!pickBoxscores(ctx.db, date, s->games, s->rows, bdl, w.outcome))
        return w;
    w.outcome.recordsIn = int64_t(s->rows.size());
    for (const auto& r : s->rows)
        s->outRows += s->games.count(r.gameId) ? 1 : 0;
    w.outcome.recordsOut = s->outRows;
    s->totals = totalsOf(s->rows);
    s->mappings = std::move(bdl.newMappings);
    s->source = w.outcome.source;
    s->runId = ctx.runId;
    s->at = toIsoUtc(ctx.clock.now());
    s->date = date;
    w.write = [s](store::Database& db) { writeSummaries(db, *s); };
    return w;
}

} // namespace nbaops::pipeline
