#include "processors.h"

#include "fetch.h"
#include "pipeline/payloads.h"
#include "net/httpclient.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "sources/oddsapi.h"

#include <memory>

namespace nbaops::pipeline {

namespace {

constexpr const char* kOddsSource = "the_odds_api";

std::string isoZ(TimePoint t) { return toIsoUtc(t).substr(0, 19) + "Z"; }

std::string problem(const net::HttpResponse& r)
{
    if (r.status == 429)
        return "HTTP 429: the request quota is used up (" +
               (r.headers.count("x-requests-remaining") ? r.headers.at("x-requests-remaining") : std::string("?")) +
               " left)";
    return describeFailure(r, "NBAOPS_ODDS_API_KEY");
}

} // namespace

Work OddsScraper::run(Context& ctx, Date date)
{
    if (auto none = missingKey(ctx.urls.oddsApiKey, kOddsSource, "The Odds API", "NBAOPS_ODDS_API_KEY"))
        return *none;
    Work w;
    w.outcome.source = kOddsSource;
    const std::string key = "apiKey=" + ctx.urls.oddsApiKey;
    const std::string url = ctx.urls.oddsApi + "/sports/basketball_nba/events?" + key +
                            "&commenceTimeFrom=" + isoZ(easternTime(date, 12, 0)) +
                            "&commenceTimeTo=" + isoZ(easternTime(date.addDays(1), 6, 0));
    const auto r = fetchFrom(ctx, kOddsSource, url, {});
    if (!r.ok()) {
        w.outcome.category = transportCategory(r);
        w.outcome.error = "events for " + date.iso() + ": " + problem(r);
        return w;
    }
    std::vector<sources::OddsEvent> events;
    try {
        events = sources::parseOddsEvents(r.body);
    } catch (const sources::PayloadError& e) {
        auto pi = payloadInfo(ctx, kOddsSource, "events", date, "events");
        pi.accepted = false;
        pi.reason = e.what();
        w.outcome.category = Category::ValidationFailed;
        w.outcome.error = std::string("events for ") + date.iso() + " rejected: " + e.what();
        w.write = [&objects = ctx.objects, pi, body = r.body](store::Database& db) { objects.put(db, pi, body); };
        return w;
    }
    auto keep = std::make_shared<std::vector<FetchedPayload>>();
    keep->push_back({payloadInfo(ctx, kOddsSource, "events", date, "events"), r.body});
    if (events.empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no NBA events on " + date.iso();
    }
    std::string problems;
    std::optional<Category> failure;
    for (const auto& e : events) {
        if (ctx.cancelled())
            break;
        const auto o = fetchFrom(ctx, kOddsSource,
                                 ctx.urls.oddsApi + "/sports/basketball_nba/events/" + e.id + "/odds?" + key +
                                     "&regions=us&markets=player_points&oddsFormat=american", {});
        if (!o.ok()) {
            problems += (problems.empty() ? "" : "; ") + e.awayTeam + " at " + e.homeTeam + ": " + problem(o);
            failure = failure.value_or(transportCategory(o));
            continue;
        }
        auto pi = payloadInfo(ctx, kOddsSource, "player_points", date, e.id);
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

} // namespace nbaops::pipeline
