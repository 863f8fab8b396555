#include "feeds.h"

#include "helpers.h"
#include "net/httpclient.h"
#include "sources/balldontlie.h"
#include "sources/espn.h"
#include "store/database.h"
#include "store/objectstore.h"

#include <map>
#include <memory>
#include <set>

namespace nbaops::pipeline {

namespace {

constexpr const char* kEspn = "espn";
constexpr const char* kBdl = "balldontlie";
constexpr int kBdlPerPage = 100;
constexpr int kMaxPages = 50; // a day has at most ~15 games x 2 teams x 20 players

Category transport(const net::HttpResponse& r) { return r.timedOut ? Category::Timeout : Category::Error; }

std::string problem(const net::HttpResponse& r, const char* keyVariable)
{
    if (r.status == 401 && keyVariable)
        return "HTTP 401: the key was refused; set " + std::string(keyVariable) + " to a valid key";
    return r.attempts == 0 ? r.error : r.describe();
}

std::string compactDate(Date d)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d%02u%02u", d.year(), d.month(), d.day());
    return buf;
}

} // namespace

Work EspnScoreboardScraper::run(Context& ctx, Date date)
{
    Work w;
    w.outcome.source = kEspn;
    const std::string url = ctx.urls.espn + "/scoreboard?dates=" + compactDate(date);
    const auto r = fetchFrom(ctx, kEspn, url, {});
    if (!r.ok()) {
        w.outcome.category = transport(r);
        w.outcome.error = "ESPN scoreboard for " + date.iso() + ": " + problem(r, nullptr);
        return w;
    }
    auto pi = payloadInfo(ctx, kEspn, "scoreboard", date, "scoreboard", r.status);
    size_t games = 0;
    try {
        const auto sb = sources::parseEspnScoreboard(r.body);
        if (sb.day && *sb.day != date)
            throw sources::PayloadError("the scoreboard is for " + sb.day->iso() + ", not " + date.iso());
        games = sb.games.size();
    } catch (const sources::PayloadError& e) {
        pi.accepted = false;
        pi.reason = e.what();
        w.outcome.category = Category::ValidationFailed;
        w.outcome.error = "ESPN scoreboard for " + date.iso() + " rejected: " + e.what() + " (kept as " +
                          store::ObjectStore::relativePath(pi) + ")";
    }
    if (pi.accepted && games == 0) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "ESPN lists no games on " + date.iso();
    }
    w.outcome.recordsIn = 1;
    w.outcome.recordsOut = pi.accepted ? int64_t(games) : 0;
    w.write = [&objects = ctx.objects, pi, body = r.body](store::Database& db) { objects.put(db, pi, body); };
    return w;
}

Work BdlBoxscoreScraper::run(Context& ctx, Date date)
{
    if (auto none = missingKey(ctx.urls.bdlApiKey, kBdl, "balldontlie", "NBAOPS_BDL_API_KEY"))
        return *none;
    Work w;
    w.outcome.source = kBdl;
    const std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", ctx.urls.bdlApiKey}};
    auto keep = std::make_shared<std::vector<FetchedPayload>>();
    // Fetches every page of one endpoint; on failure fills the outcome and returns false.
    const auto fetchAll = [&](const std::string& endpoint, auto&& parse) -> bool {
        std::optional<int64_t> cursor;
        for (int pageNo = 1;; ++pageNo) {
            if (ctx.cancelled()) {
                w.outcome.category = Category::Error;
                w.outcome.error = "cancelled";
                return false;
            }
            if (pageNo > kMaxPages) {
                w.outcome.category = Category::ValidationFailed;
                w.outcome.error = "balldontlie " + endpoint + " for " + date.iso() + " did not end after " +
                                  std::to_string(kMaxPages) + " pages";
                return false;
            }
            const std::string url = ctx.urls.bdl + "/" + endpoint + "?dates%5B%5D=" + date.iso() +
                                    "&per_page=" + std::to_string(kBdlPerPage) +
                                    (cursor ? "&cursor=" + std::to_string(*cursor) : std::string());
            const auto r = fetchFrom(ctx, kBdl, url, headers);
            const std::string where = "balldontlie " + endpoint + " for " + date.iso() + " page " + std::to_string(pageNo);
            if (!r.ok()) {
                w.outcome.category = transport(r);
                w.outcome.error = where + ": " + problem(r, "NBAOPS_BDL_API_KEY");
                return false;
            }
            auto pi = payloadInfo(ctx, kBdl, endpoint, date, "page-" + std::to_string(pageNo), r.status);
            std::optional<int64_t> next;
            try {
                next = parse(r.body);
            } catch (const sources::PayloadError& e) {
                pi.accepted = false;
                pi.reason = e.what();
                keep->clear(); // a partial set of pages is worth nothing; keep the bad page only
                keep->push_back({pi, r.body});
                w.outcome.category = Category::ValidationFailed;
                w.outcome.error = where + " rejected: " + e.what() + " (kept as " +
                                  store::ObjectStore::relativePath(pi) + ")";
                return false;
            }
            keep->push_back({pi, r.body});
            if (!next)
                return true;
            if (cursor && *next <= *cursor) {
                w.outcome.category = Category::ValidationFailed;
                w.outcome.error = where + ": next_cursor " + std::to_string(*next) + " does not advance";
                return false;
            }
            cursor = next;
        }
    };
    std::map<int64_t, sources::BdlGame> games;
    const bool gamesOk = fetchAll("games", [&](const std::string& body) {
        auto page = sources::parseBdlGames(body);
        for (auto& g : page.data) {
            if (g.date != date)
                throw sources::PayloadError("game " + std::to_string(g.id) + " is dated " + g.date.iso() +
                                            ", not " + date.iso());
            games[g.id] = g;
        }
        return page.nextCursor;
    });
    if (!gamesOk) {
        if (w.outcome.category != Category::ValidationFailed)
            keep->clear();
        w.write = storePayloads(ctx, keep);
        return w;
    }
    size_t finals = 0;
    for (const auto& [id, g] : games)
        finals += g.final;
    std::map<int64_t, std::set<int64_t>> teamsSeen; // game -> teams with stat lines
    int64_t lines = 0;
    bool statsOk = true;
    if (finals > 0) {
        statsOk = fetchAll("stats", [&](const std::string& body) {
            auto page = sources::parseBdlStats(body);
            for (const auto& s : page.data) {
                const auto g = games.find(s.gameId);
                if (g == games.end())
                    throw sources::PayloadError("stat line " + std::to_string(s.id) + " belongs to game " +
                                                std::to_string(s.gameId) + ", not one of " + date.iso());
                teamsSeen[s.gameId].insert(s.teamId);
                ++lines;
            }
            return page.nextCursor;
        });
    }
    if (statsOk) {
        std::string missing;
        for (const auto& [id, g] : games) {
            if (g.final && teamsSeen[id].size() < 2)
                missing += (missing.empty() ? "" : ", ") + std::to_string(id) + " (" + g.visitorAbbr + " @ " + g.homeAbbr + ")";
        }
        if (!missing.empty()) {
            // Every page was well formed, but the listing is incomplete: keep the pages for
            // inspection, marked rejected, so no loader takes a partial date.
            for (auto& s : *keep) {
                s.info.accepted = false;
                s.info.reason = "stats incomplete: no lines for both teams of " + missing;
            }
            w.outcome.category = Category::ValidationFailed;
            w.outcome.error = "balldontlie stats for " + date.iso() + " are incomplete: no lines for both teams of " +
                              missing + " (pages kept as rejected)";
        }
    } else if (w.outcome.category != Category::ValidationFailed) {
        keep->clear();
    }
    if (w.outcome.category == Category::Success && games.empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "balldontlie lists no games on " + date.iso();
    } else if (w.outcome.category == Category::Success && finals == 0) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no final games yet on " + date.iso() + " (balldontlie)";
    }
    w.outcome.recordsIn = int64_t(keep->size());
    w.outcome.recordsOut = w.outcome.category == Category::Success ? lines : 0;
    w.write = storePayloads(ctx, keep);
    return w;
}

Work EspnScoreboardLoader::run(Context& ctx, Date date)
{
    Work w;
    w.outcome.source = kEspn;
    const auto ref = latestPayload(ctx.db, kEspn, "scoreboard", date);
    if (!ref) {
        w.outcome.category = Category::DependencyMissing;
        w.outcome.error = "no accepted ESPN scoreboard for " + date.iso() + "; run espn_scoreboard_scraper";
        return w;
    }
    auto games = std::make_shared<std::vector<sources::EspnGame>>(
        sources::parseEspnScoreboard(ctx.objects.read(ref->path)).games); // PayloadError: validation_failed
    w.outcome.recordsIn = 1;
    w.outcome.recordsOut = int64_t(games->size());
    if (games->empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "ESPN lists no games on " + date.iso();
    }
    const std::string at = toIsoUtc(ctx.clock.now());
    w.write = [games, date, at, runId = ctx.runId, payloadId = ref->id](store::Database& db) {
        db.prepare("DELETE FROM raw_espn_scoreboard WHERE game_date = ?").bindAll(date.iso()).run();
        auto ins = db.prepare("INSERT OR REPLACE INTO raw_espn_scoreboard(event_id, game_date, start_utc, home_team_id,"
                              " away_team_id, home_abbr, away_abbr, home_score, away_score, state, completed, detail,"
                              " payload_id, run_id, loaded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        for (const auto& g : *games) {
            ins.bindAll(g.eventId, date.iso(), g.startUtc, g.homeTeamId, g.awayTeamId, g.homeAbbr, g.awayAbbr,
                        g.homeScore, g.awayScore, g.state, int64_t(g.completed), g.detail, payloadId, runId, at);
            ins.run();
            ins.reset();
        }
        touchFreshness(db, "raw_espn_scoreboard", date, int64_t(games->size()), at);
    };
    return w;
}

Work BdlBoxscoreLoader::run(Context& ctx, Date date)
{
    Work w;
    w.outcome.source = kBdl;
    const auto gamePages = latestRunPayloads(ctx.db, kBdl, "games", date);
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
        for (const auto& p : latestRunPayloads(ctx.db, kBdl, "stats", date)) {
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
