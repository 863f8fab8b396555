#include "processors.h"

#include "fetch.h"
#include "pipeline/payloads.h"
#include "net/httpclient.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "sources/nbastats.h"

#include <cctype>
#include <memory>

namespace nbaops::pipeline {

namespace {

constexpr const char* kSource = "nba_com";
constexpr size_t kMinBytes = 64;

const std::vector<std::pair<std::string, std::string>>& statsHeaders()
{
    // stats.nba.com answers only requests that look like they come from its own site.
    static const std::vector<std::pair<std::string, std::string>> h = {
        {"Referer", "https://www.nba.com/"},
        {"Origin", "https://www.nba.com"},
        {"x-nba-stats-origin", "stats"},
        {"x-nba-stats-token", "true"},
    };
    return h;
}

std::string urlEncode(const std::string& s)
{
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(char(c));
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

// Checks a body beyond the HTTP status: size, JSON, expected result sets. Returns the reason
// it is unacceptable, or "" when it is fine.
template <typename ParseFn>
std::string validate(const std::string& body, ParseFn&& parse)
{
    if (body.size() < kMinBytes)
        return "the body has only " + std::to_string(body.size()) + " bytes";
    try {
        parse(sources::StatsDocument::parse(body));
    } catch (const sources::PayloadError& e) {
        return e.what();
    }
    return {};
}

} // namespace

Work ScheduleScraper::run(Context& ctx, Date date)
{
    Work w;
    w.outcome.source = kSource;
    const std::string url = ctx.urls.nbaStats + "/scoreboardv2?GameDate=" +
                            urlEncode(date.nbaStatsFormat()) + "&LeagueID=00&DayOffset=0";
    const net::HttpResponse r = fetchFrom(ctx, kSource, url, statsHeaders());
    if (!r.ok()) {
        w.outcome.category = transportCategory(r);
        w.outcome.error = "scoreboardv2 for " + date.iso() + ": " + (r.attempts == 0 ? r.error : r.describe());
        return w;
    }
    size_t games = 0;
    std::string reason = validate(r.body, [&](const sources::StatsDocument& doc) {
        const auto list = sources::parseScoreboardV2(doc);
        for (const auto& g : list) {
            if (g.date != date)
                throw sources::PayloadError("game " + g.gameId + " is dated " + g.date.iso() +
                                            ", not " + date.iso());
        }
        games = list.size();
    });
    auto pi = payloadInfo(ctx, kSource, "scoreboardv2", date, "scoreboardv2", r.status);
    auto body = std::make_shared<std::string>(r.body);
    if (!reason.empty()) {
        pi.accepted = false;
        pi.reason = reason;
        w.outcome.category = Category::ValidationFailed;
        w.outcome.error = "scoreboardv2 for " + date.iso() + " rejected: " + reason +
                          " (kept as raw/" + std::string(kSource) + "/scoreboardv2/" +
                          date.iso() + "/scoreboardv2.rejected.json)";
    } else if (games == 0) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no games scheduled on " + date.iso();
    }
    w.outcome.recordsIn = 1;
    w.outcome.recordsOut = int64_t(games);
    w.write = [&objects = ctx.objects, pi, body](store::Database& db) {
        objects.put(db, pi, *body);
    };
    return w;
}

Work BoxscoreScraper::run(Context& ctx, Date date)
{
    Work w;
    w.outcome.source = kSource;
    const auto sb = latestPayload(ctx.db, kSource, "scoreboardv2", date);
    if (!sb) {
        w.outcome.category = Category::DependencyMissing;
        w.outcome.error = "no stored scoreboard for " + date.iso() + "; run nbac_schedule_scraper";
        return w;
    }
    std::vector<sources::ScheduledGame> games;
    try {
        games = sources::parseScoreboardV2(sources::StatsDocument::parse(ctx.objects.read(sb->path)));
    } catch (const sources::PayloadError& e) {
        w.outcome.category = Category::ValidationFailed;
        w.outcome.error = "stored scoreboard " + sb->path + " cannot be read: " + e.what();
        return w;
    }
    std::vector<sources::ScheduledGame> finals;
    for (const auto& g : games) {
        if (g.status == 3)
            finals.push_back(g);
    }
    w.outcome.recordsIn = int64_t(finals.size());
    if (finals.empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = games.empty() ? "no games on " + date.iso()
                                        : "no final games yet on " + date.iso();
        return w;
    }
    auto keep = std::make_shared<std::vector<FetchedPayload>>();
    std::vector<std::string> problems;
    std::optional<Category> firstFailure;
    int stored = 0;
    for (const auto& g : finals) {
        if (ctx.cancelled()) {
            problems.push_back("cancelled before " + g.gameId);
            firstFailure = firstFailure.value_or(Category::Error);
            break;
        }
        const std::string url = ctx.urls.nbaStats + "/boxscoretraditionalv2?GameID=" + g.gameId +
                                "&StartPeriod=0&EndPeriod=0&StartRange=0&EndRange=0&RangeType=0";
        const net::HttpResponse r = fetchFrom(ctx, kSource, url, statsHeaders());
        if (!r.ok()) {
            problems.push_back(g.gameId + " " + (r.attempts == 0 ? r.error : r.describe()));
            firstFailure = firstFailure.value_or(transportCategory(r));
            continue;
        }
        const std::string reason = validate(r.body, [&](const sources::StatsDocument& doc) {
            const auto rows = sources::parseBoxscoreTraditionalV2(doc);
            if (rows.empty())
                throw sources::PayloadError("PlayerStats is empty for a final game");
            bool home = false, away = false;
            for (const auto& row : rows) {
                if (row.gameId != g.gameId)
                    throw sources::PayloadError("a row belongs to game " + row.gameId);
                home = home || row.teamId == g.homeTeamId;
                away = away || row.teamId == g.visitorTeamId;
            }
            if (!home || !away)
                throw sources::PayloadError("players of only one team are listed");
        });
        auto pi = payloadInfo(ctx, kSource, "boxscoretraditionalv2", date, g.gameId, r.status);
        if (!reason.empty()) {
            pi.accepted = false;
            pi.reason = reason;
            problems.push_back(g.gameId + " rejected: " + reason + " (kept as " +
                               store::ObjectStore::relativePath(pi) + ")");
            firstFailure = firstFailure.value_or(Category::ValidationFailed);
        } else {
            ++stored;
        }
        keep->push_back({pi, r.body});
    }
    w.outcome.recordsOut = stored;
    if (firstFailure) {
        w.outcome.category = *firstFailure;
        w.outcome.error = std::to_string(problems.size()) + " of " + std::to_string(finals.size()) +
                          " box scores failed for " + date.iso() + ": ";
        for (size_t i = 0; i < problems.size(); ++i)
            w.outcome.error += (i ? "; " : "") + problems[i];
    }
    w.write = storePayloads(ctx, keep);
    return w;
}

} // namespace nbaops::pipeline
