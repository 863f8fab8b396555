#include "processors.h"

#include "pipeline/history.h"
#include "pipeline/payloads.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "sources/balldontlie.h"

#include <map>
#include <memory>
#include <set>

namespace nbaops::pipeline {

namespace {

constexpr const char* kBdlFeed = "balldontlie";

} // namespace

Work BdlBoxscoreLoader::run(Context& ctx, Date date)
{
    Work w;
    w.outcome.source = kBdlFeed;
    const auto gamePages = latestRunPayloads(ctx.db, kBdlFeed, "games", date);
    if (gamePages.empty()) {
        w.outcome.category = Category::DependencyMissing;
        w.outcome.error = "no accepted balldontlie games for " + date.iso() + "; run bdl_boxscore_scraper";
        return w;
    }
    auto games = std::make_shared<std::vector<sources::BdlGame>>();
    for (const auto& p : gamePages) {
        for (auto& g : sources::parseBdlGames(ctx.objects.read(p.path)).data)
            games->push_back(std::move(g));
    }
    auto stats = std::make_shared<std::vector<std::pair<int64_t, sources::BdlStat>>>(); // payload id, line
    std::set<int64_t> finals;
    for (const auto& g : *games) {
        if (g.final)
            finals.insert(g.id);
    }
    if (!finals.empty()) {
        // The stat pages of the same run as the game pages (a run stores its pages together).
        for (const auto& p : latestRunPayloads(ctx.db, kBdlFeed, "stats", date)) {
            for (auto& s : sources::parseBdlStats(ctx.objects.read(p.path)).data)
                stats->emplace_back(p.id, std::move(s));
        }
        std::map<int64_t, std::set<int64_t>> teams;
        for (const auto& [pid, s] : *stats)
            teams[s.gameId].insert(s.teamId);
        std::string missing;
        for (int64_t id : finals) {
            if (teams[id].size() < 2)
                missing += (missing.empty() ? "" : ", ") + std::to_string(id);
        }
        if (!missing.empty()) {
            w.outcome.category = Category::DependencyMissing;
            w.outcome.error = "balldontlie stats missing for final game(s) " + missing + " on " + date.iso() +
                              "; nothing was loaded";
            return w;
        }
    }
    w.outcome.recordsIn = int64_t(games->size());
    w.outcome.recordsOut = int64_t(stats->size());
    if (finals.empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = games->empty() ? "balldontlie lists no games on " + date.iso()
                                         : "no final games yet on " + date.iso() + " (balldontlie)";
    }
    const std::string at = toIsoUtc(ctx.clock.now());
    const int64_t gamesPayload = gamePages.front().id;
    w.write = [games, stats, date, at, gamesPayload, runId = ctx.runId](store::Database& db) {
        db.prepare("DELETE FROM raw_bdl_games WHERE game_date = ?").bindAll(date.iso()).run();
        db.prepare("DELETE FROM raw_bdl_player_boxscores WHERE game_date = ?").bindAll(date.iso()).run();
        auto g = db.prepare("INSERT OR REPLACE INTO raw_bdl_games(bdl_game_id, game_date, season, status, final,"
                            " home_team_id, visitor_team_id, home_abbr, visitor_abbr, home_score, visitor_score,"
                            " payload_id, run_id, loaded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        for (const auto& x : *games) {
            g.bindAll(x.id, date.iso(), int64_t(x.season), x.status, int64_t(x.final), x.homeTeamId,
                      x.visitorTeamId, x.homeAbbr, x.visitorAbbr, x.homeScore, x.visitorScore, gamesPayload,
                      runId, at);
            g.run();
            g.reset();
        }
        auto s = db.prepare("INSERT OR REPLACE INTO raw_bdl_player_boxscores(bdl_stat_id, bdl_game_id, game_date,"
                            " bdl_player_id, first_name, last_name, position, team_id, team_abbr, minutes, fgm, fga,"
                            " fg3m, fg3a, ftm, fta, oreb, dreb, reb, ast, stl, blk, tov, pf, pts, payload_id, run_id,"
                            " loaded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        for (const auto& [pid, x] : *stats) {
            s.bindAll(x.id, x.gameId, date.iso(), x.playerId, x.firstName, x.lastName, x.position, x.teamId,
                      x.teamAbbr, x.minutesText, x.fgm, x.fga, x.fg3m, x.fg3a, x.ftm, x.fta, x.oreb, x.dreb, x.reb,
                      x.ast, x.stl, x.blk, x.tov, x.pf, x.pts, pid, runId, at);
            s.run();
            s.reset();
        }
        touchFreshness(db, "raw_bdl_player_boxscores", date, int64_t(stats->size()), at);
    };
    return w;
}

} // namespace nbaops::pipeline
