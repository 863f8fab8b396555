#include "processors.h"

#include "fetch.h"
#include "pipeline/payloads.h"
#include "net/httpclient.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "sources/espn.h"

#include <memory>

namespace nbaops::pipeline {

namespace {

constexpr const char* kEspn = "espn";

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
        w.outcome.category = transportCategory(r);
        w.outcome.error = "ESPN scoreboard for " + date.iso() + ": " + describeFailure(r);
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

} // namespace nbaops::pipeline
