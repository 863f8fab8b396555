#include "processors.h"

#include "pipeline/history.h"
#include "pipeline/payloads.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "sources/nbastats.h"

#include <memory>
#include <set>

namespace nbaops::pipeline {

Work ScheduleLoader::run(Context& ctx, Date date)
{
    Work w;
    w.outcome.source = "nba_com";
    const auto ref = latestPayload(ctx.db, "nba_com", "scoreboardv2", date);
    if (!ref) {
        w.outcome.category = Category::DependencyMissing;
        w.outcome.error = "no accepted scoreboard payload for " + date.iso();
        return w;
    }
    auto games = std::make_shared<std::vector<sources::ScheduledGame>>();
    try {
        *games = sources::parseScoreboardV2(sources::StatsDocument::parse(ctx.objects.read(ref->path)));
    } catch (const sources::PayloadError& e) {
        w.outcome.category = Category::ValidationFailed;
        w.outcome.error = ref->path + ": " + e.what();
        return w;
    }
    w.outcome.recordsIn = 1;
    w.outcome.recordsOut = int64_t(games->size());
    if (games->empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no games scheduled on " + date.iso();
    }
    const std::string at = toIsoUtc(ctx.clock.now());
    w.write = [games, date, at, runId = ctx.runId, payloadId = ref->id](store::Database& db) {
        db.prepare("DELETE FROM raw_nbac_schedule WHERE game_date = ?").bindAll(date.iso()).run();
        auto ins = db.prepare(
            "INSERT INTO raw_nbac_schedule(game_id, game_date, season, game_sequence, game_status,"
            " game_status_text, gamecode, home_team_id, visitor_team_id, home_team_abbr,"
            " visitor_team_abbr, home_pts, visitor_pts, arena, payload_id, run_id, loaded_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        for (const auto& g : *games) {
            ins.bindAll(g.gameId, g.date.iso(), g.season, int64_t(g.sequence), int64_t(g.status),
                        g.statusText, g.gamecode, g.homeTeamId, g.visitorTeamId, g.homeAbbr,
                        g.visitorAbbr, g.homePts, g.visitorPts, g.arena, payloadId, runId, at);
            ins.run();
            ins.reset();
        }
        touchFreshness(db, "raw_nbac_schedule", date, int64_t(games->size()), at);
    };
    return w;
}

Work BoxscoreLoader::run(Context& ctx, Date date)
{
    Work w;
    w.outcome.source = "nba_com";
    const auto refs = acceptedPayloads(ctx.db, "nba_com", "boxscoretraditionalv2", date);
    // Every final game on the loaded schedule must have its box score: no partial dates.
    std::set<std::string> expected;
    auto st = ctx.db.prepare("SELECT game_id FROM raw_nbac_schedule WHERE game_date = ? AND game_status = 3");
    st.bindAll(date.iso());
    while (st.step())
        expected.insert(st.getText(0));
    std::set<std::string> have;
    for (const auto& r : refs)
        have.insert(r.name);
    std::string missing;
    int missingCount = 0;
    for (const auto& g : expected) {
        if (!have.count(g)) {
            missing += (missingCount++ ? ", " : "") + g;
        }
    }
    if (missingCount > 0) {
        w.outcome.category = Category::DependencyMissing;
        w.outcome.error = "box scores missing for " + std::to_string(missingCount) + " of " +
                          std::to_string(expected.size()) + " final games on " + date.iso() +
                          " (" + missing + "); nothing was loaded";
        return w;
    }
    if (refs.empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no box scores for " + date.iso();
        return w;
    }
    struct Loaded
    {
        int64_t payloadId;
        std::vector<sources::BoxPlayerRow> rows;
    };
    auto loaded = std::make_shared<std::vector<Loaded>>();
    int64_t rows = 0;
    for (const auto& r : refs) {
        if (!expected.empty() && !expected.count(r.name))
            continue; // a game no longer on the schedule
        try {
            auto parsed = sources::parseBoxscoreTraditionalV2(
                sources::StatsDocument::parse(ctx.objects.read(r.path)));
            rows += int64_t(parsed.size());
            loaded->push_back({r.id, std::move(parsed)});
        } catch (const sources::PayloadError& e) {
            w.outcome.category = Category::ValidationFailed;
            w.outcome.error = r.path + ": " + e.what() + "; nothing was loaded";
            return w;
        }
    }
    w.outcome.recordsIn = int64_t(loaded->size());
    w.outcome.recordsOut = rows;
    const std::string at = toIsoUtc(ctx.clock.now());
    w.write = [loaded, date, at, rows, runId = ctx.runId](store::Database& db) {
        db.prepare("DELETE FROM raw_nbac_player_boxscores WHERE game_date = ?").bindAll(date.iso()).run();
        auto ins = db.prepare(
            "INSERT INTO raw_nbac_player_boxscores(game_id, player_id, game_date, team_id,"
            " team_abbr, team_city, player_name, nickname, start_position, comment, minutes,"
            " fgm, fga, fg_pct, fg3m, fg3a, fg3_pct, ftm, fta, ft_pct, oreb, dreb, reb, ast, stl,"
            " blk, tov, pf, pts, plus_minus, payload_id, run_id, loaded_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        for (const auto& l : *loaded) {
            for (const auto& b : l.rows) {
                ins.bindAll(b.gameId, b.playerId, date.iso(), b.teamId, b.teamAbbr, b.teamCity,
                            b.playerName, b.nickname, b.startPosition, b.comment, b.minutesText,
                            b.fgm, b.fga, b.fgPct, b.fg3m, b.fg3a, b.fg3Pct, b.ftm, b.fta, b.ftPct,
                            b.oreb, b.dreb, b.reb, b.ast, b.stl, b.blk, b.tov, b.pf, b.pts,
                            b.plusMinus, l.payloadId, runId, at);
                ins.run();
                ins.reset();
            }
        }
        touchFreshness(db, "raw_nbac_player_boxscores", date, rows, at);
    };
    return w;
}

} // namespace nbaops::pipeline
