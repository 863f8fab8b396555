#include "processors.h"

#include "pipeline/history.h"
#include "pipeline/payloads.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "sources/oddsapi.h"

#include <memory>

namespace nbaops::pipeline {

namespace {

constexpr const char* kOddsFeed = "the_odds_api";

} // namespace

Work OddsLoader::run(Context& ctx, Date date)
{
    Work w;
    w.outcome.source = kOddsFeed;
    const auto refs = acceptedPayloads(ctx.db, kOddsFeed, "player_points", date);
    std::map<std::string, sources::OddsEvent> events;
    if (const auto ev = latestPayload(ctx.db, kOddsFeed, "events", date)) {
        for (auto& e : sources::parseOddsEvents(ctx.objects.read(ev->path)))
            events[e.id] = e;
    }
    if (refs.empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no player points odds stored for " + date.iso();
        return w;
    }
    struct Loaded
    {
        int64_t payload;
        std::vector<sources::PropLine> lines;
    };
    auto loaded = std::make_shared<std::vector<Loaded>>();
    int64_t rows = 0;
    for (const auto& r : refs) {
        auto lines = sources::parsePlayerPointsOdds(ctx.objects.read(r.path)); // PayloadError: validation_failed
        rows += int64_t(lines.size());
        loaded->push_back({r.id, std::move(lines)});
    }
    w.outcome.recordsIn = int64_t(refs.size());
    w.outcome.recordsOut = rows;
    const std::string at = toIsoUtc(ctx.clock.now());
    auto ev = std::make_shared<std::map<std::string, sources::OddsEvent>>(std::move(events));
    w.write = [loaded, ev, date, at, rows, runId = ctx.runId](store::Database& db) {
        db.prepare("DELETE FROM raw_odds_player_points WHERE game_date = ?").bindAll(date.iso()).run();
        auto ins = db.prepare("INSERT OR REPLACE INTO raw_odds_player_points(game_date, event_id, bookmaker, player_name,"
                              " point, over_price, under_price, home_team, away_team, payload_id, run_id, loaded_at)"
                              " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
        for (const auto& l : *loaded) {
            for (const auto& p : l.lines) {
                const auto e = ev->find(p.eventId);
                ins.bindAll(date.iso(), p.eventId, p.bookmaker, p.player, p.point, int64_t(p.overPrice),
                            int64_t(p.underPrice), e == ev->end() ? std::optional<std::string>() : std::optional(e->second.homeTeam),
                            e == ev->end() ? std::optional<std::string>() : std::optional(e->second.awayTeam), l.payload, runId, at);
                ins.run();
                ins.reset();
            }
        }
        touchFreshness(db, "raw_odds_player_points", date, rows, at);
    };
    return w;
}

} // namespace nbaops::pipeline
