#include "processors.h"

#include "pipeline/history.h"
#include "pipeline/payloads.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "sources/espn.h"

#include <memory>

namespace nbaops::pipeline {

namespace {

constexpr const char* kEspnFeed = "espn";

} // namespace

Work EspnScoreboardLoader::run(Context& ctx, Date date)
{
    Work w;
    w.outcome.source = kEspnFeed;
    const auto ref = latestPayload(ctx.db, kEspnFeed, "scoreboard", date);
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

} // namespace nbaops::pipeline
