#include "processors.h"

#include "fetch.h"
#include "pipeline/payloads.h"
#include "net/httpclient.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "sources/balldontlie.h"

#include <map>
#include <memory>
#include <set>

namespace nbaops::pipeline {

namespace {

constexpr const char* kBdl = "balldontlie";
constexpr int kBdlPerPage = 100;
constexpr int kMaxPages = 50; // a day has at most ~15 games x 2 teams x 20 players

} // namespace

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
                w.outcome.category = transportCategory(r);
                w.outcome.error = where + ": " + describeFailure(r, "NBAOPS_BDL_API_KEY");
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

} // namespace nbaops::pipeline
