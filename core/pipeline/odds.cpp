#include "odds.h"

#include "helpers.h"
#include "net/httpclient.h"
#include "sources/oddsapi.h"
#include "store/database.h"
#include "store/objectstore.h"

#include <memory>

namespace nbaops::pipeline {

namespace {

constexpr const char* kSource = "the_odds_api";

std::string isoZ(TimePoint t) { return toIsoUtc(t).substr(0, 19) + "Z"; }

Category transport(const net::HttpResponse& r) { return r.timedOut ? Category::Timeout : Category::Error; }

std::string problem(const net::HttpResponse& r)
{
    if (r.status == 401)
        return "HTTP 401: the key was refused; set NBAOPS_ODDS_API_KEY to a valid key";
    if (r.status == 429)
        return "HTTP 429: the request quota is used up (" +
               (r.headers.count("x-requests-remaining") ? r.headers.at("x-requests-remaining") : std::string("?")) +
               " left)";
    return r.attempts == 0 ? r.error : r.describe();
}

} // namespace

Work OddsScraper::run(Context& ctx, Date date)
{
    if (auto none = missingKey(ctx.urls.oddsApiKey, kSource, "The Odds API", "NBAOPS_ODDS_API_KEY"))
        return *none;
    Work w;
    w.outcome.source = kSource;
    const std::string key = "apiKey=" + ctx.urls.oddsApiKey;
    const std::string url = ctx.urls.oddsApi + "/sports/basketball_nba/events?" + key +
                            "&commenceTimeFrom=" + isoZ(easternTime(date, 12, 0)) +
                            "&commenceTimeTo=" + isoZ(easternTime(date.addDays(1), 6, 0));
    const auto r = fetchFrom(ctx, kSource, url, {});
    if (!r.ok()) {
        w.outcome.category = transport(r);
        w.outcome.error = "events for " + date.iso() + ": " + problem(r);
        return w;
    }
    std::vector<sources::OddsEvent> events;
    try {
        events = sources::parseOddsEvents(r.body);
    } catch (const sources::PayloadError& e) {
        auto pi = payloadInfo(ctx, kSource, "events", date, "events");
        pi.accepted = false;
        pi.reason = e.what();
        w.outcome.category = Category::ValidationFailed;
        w.outcome.error = std::string("events for ") + date.iso() + " rejected: " + e.what();
        w.write = [&objects = ctx.objects, pi, body = r.body](store::Database& db) { objects.put(db, pi, body); };
        return w;
    }
    auto keep = std::make_shared<std::vector<FetchedPayload>>();
    keep->push_back({payloadInfo(ctx, kSource, "events", date, "events"), r.body});
    if (events.empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no NBA events on " + date.iso();
    }
    std::string problems;
    std::optional<Category> failure;
    for (const auto& e : events) {
        if (ctx.cancelled())
            break;
        const auto o = fetchFrom(ctx, kSource,
                                 ctx.urls.oddsApi + "/sports/basketball_nba/events/" + e.id + "/odds?" + key +
                                     "&regions=us&markets=player_points&oddsFormat=american", {});
        if (!o.ok()) {
            problems += (problems.empty() ? "" : "; ") + e.awayTeam + " at " + e.homeTeam + ": " + problem(o);
            failure = failure.value_or(transport(o));
            continue;
        }
        auto pi = payloadInfo(ctx, kSource, "player_points", date, e.id);
        try {
            sources::parsePlayerPointsOdds(o.body);
        } catch (const sources::PayloadError& err) {
            pi.accepted = false;
            pi.reason = err.what();
            problems += (problems.empty() ? "" : "; ") + e.id + " rejected: " + err.what();
            failure = failure.value_or(Category::ValidationFailed);
        }
        keep->push_back({pi, o.body});
    }
    w.outcome.recordsIn = int64_t(events.size());
    w.outcome.recordsOut = int64_t(keep->size()) - 1;
    if (failure) {
        w.outcome.category = *failure;
        w.outcome.error = "player points odds for " + date.iso() + ": " + problems;
    }
    w.write = storePayloads(ctx, keep);
    return w;
}

Work OddsLoader::run(Context& ctx, Date date)
{
    Work w;
    w.outcome.source = kSource;
    const auto refs = acceptedPayloads(ctx.db, kSource, "player_points", date);
    std::map<std::string, sources::OddsEvent> events;
    if (const auto ev = latestPayload(ctx.db, kSource, "events", date)) {
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
