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

// Every page of one balldontlie endpoint for a date, following next_cursor, kept for the object
// store. On a failure the outcome says why and fetch() returns false.
class Pages
{
public:
    Pages(Context& ctx, Date date, Outcome& out)
        : m_ctx(ctx), m_date(date), m_out(out), m_headers{{"Authorization", ctx.urls.bdlApiKey}}
    {
    }
    FetchedPayloads kept = std::make_shared<std::vector<FetchedPayload>>();

    // `parse` reads one page's body and returns its next cursor (none: the last page).
    template <typename Parse>
    bool fetch(const std::string& endpoint, Parse&& parse)
    {
        std::optional<int64_t> cursor;
        for (int pageNo = 1;; ++pageNo) {
            if (m_ctx.cancelled())
                return fail(Category::Error, "cancelled");
            if (pageNo > kMaxPages)
                return fail(Category::ValidationFailed, "balldontlie " + endpoint + " for " + m_date.iso() +
                                                            " did not end after " + std::to_string(kMaxPages) + " pages");
            std::optional<int64_t> next;
            if (!page(endpoint, pageNo, cursor, parse, next))
                return false;
            if (!next)
                return true;
            if (cursor && *next <= *cursor)
                return fail(Category::ValidationFailed, where(endpoint, pageNo) + ": next_cursor " +
                                                            std::to_string(*next) + " does not advance");
            cursor = next;
        }
    }

private:
    Context& m_ctx;
    const Date m_date;
    Outcome& m_out;
    const std::vector<std::pair<std::string, std::string>> m_headers;

    bool fail(Category c, std::string error)
    {
        m_out.category = c;
        m_out.error = std::move(error);
        return false;
    }
    std::string where(const std::string& endpoint, int pageNo) const
    {
        return "balldontlie " + endpoint + " for " + m_date.iso() + " page " + std::to_string(pageNo);
    }

    template <typename Parse>
    bool page(const std::string& endpoint, int pageNo, std::optional<int64_t> cursor, Parse&& parse,
              std::optional<int64_t>& next)
    {
        const std::string url = m_ctx.urls.bdl + "/" + endpoint + "?dates%5B%5D=" + m_date.iso() + "&per_page=" +
                                std::to_string(kBdlPerPage) +
                                (cursor ? "&cursor=" + std::to_string(*cursor) : std::string());
        const auto r = fetchFrom(m_ctx, kBdl, url, m_headers);
        if (!r.ok())
            return fail(transportCategory(r), where(endpoint, pageNo) + ": " + describeFailure(r, "NBAOPS_BDL_API_KEY"));
        auto pi = payloadInfo(m_ctx, kBdl, endpoint, m_date, "page-" + std::to_string(pageNo), r.status);
        try {
            next = parse(r.body);
        } catch (const sources::PayloadError& e) {
            pi.accepted = false;
            pi.reason = e.what();
            kept->clear(); // a partial set of pages is worth nothing; keep the bad page only
            kept->push_back({pi, r.body});
            return fail(Category::ValidationFailed, where(endpoint, pageNo) + " rejected: " + e.what() + " (kept as " +
                                                        store::ObjectStore::relativePath(pi) + ")");
        }
        kept->push_back({pi, r.body});
        return true;
    }
};

// The final games without stat lines for both teams ("" when none), as "id (AWY @ HOM), ...".
std::string incompleteGames(const std::map<int64_t, sources::BdlGame>& games,
                            std::map<int64_t, std::set<int64_t>>& teamsSeen)
{
    std::string missing;
    for (const auto& [id, g] : games) {
        if (g.final && teamsSeen[id].size() < 2)
            missing += (missing.empty() ? "" : ", ") + std::to_string(id) + " (" + g.visitorAbbr + " @ " + g.homeAbbr + ")";
    }
    return missing;
}

} // namespace

Work BdlBoxscoreScraper::run(Context& ctx, Date date)
{
    if (auto none = missingKey(ctx.urls.bdlApiKey, kBdl, "balldontlie", "NBAOPS_BDL_API_KEY"))
        return *none;
    Work w;
    w.outcome.source = kBdl;
    Pages pages(ctx, date, w.outcome);
    std::map<int64_t, sources::BdlGame> games;
    const bool gamesOk = pages.fetch("games", [&](const std::string& body) {
        auto page = sources::parseBdlGames(body);
        for (auto& g : page.data) {
            if (g.date != date)
                throw sources::PayloadError("game " + std::to_string(g.id) + " is dated " + g.date.iso() + ", not " +
                                            date.iso());
            games[g.id] = g;
        }
        return page.nextCursor;
    });
    size_t finals = 0;
    for (const auto& [id, g] : games)
        finals += g.final;
    std::map<int64_t, std::set<int64_t>> teamsSeen; // game -> teams with stat lines
    int64_t lines = 0;
    const bool statsOk = gamesOk && (finals == 0 || pages.fetch("stats", [&](const std::string& body) {
        auto page = sources::parseBdlStats(body);
        for (const auto& st : page.data) {
            if (!games.count(st.gameId))
                throw sources::PayloadError("stat line " + std::to_string(st.id) + " belongs to game " +
                                            std::to_string(st.gameId) + ", not one of " + date.iso());
            teamsSeen[st.gameId].insert(st.teamId);
            ++lines;
        }
        return page.nextCursor;
    }));
    if (!statsOk) {
        if (w.outcome.category != Category::ValidationFailed)
            pages.kept->clear(); // a transport failure keeps nothing
        if (!gamesOk) {
            w.write = storePayloads(ctx, pages.kept);
            return w;
        }
    } else if (const std::string missing = incompleteGames(games, teamsSeen); !missing.empty()) {
        // Every page was well formed, but the listing is incomplete: keep the pages for
        // inspection, marked rejected, so no loader takes a partial date.
        for (auto& p : *pages.kept) {
            p.info.accepted = false;
            p.info.reason = "stats incomplete: no lines for both teams of " + missing;
        }
        w.outcome.category = Category::ValidationFailed;
        w.outcome.error = "balldontlie stats for " + date.iso() + " are incomplete: no lines for both teams of " +
                          missing + " (pages kept as rejected)";
    }
    if (w.outcome.category == Category::Success && games.empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "balldontlie lists no games on " + date.iso();
    } else if (w.outcome.category == Category::Success && finals == 0) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no final games yet on " + date.iso() + " (balldontlie)";
    }
    w.outcome.recordsIn = int64_t(pages.kept->size());
    w.outcome.recordsOut = w.outcome.category == Category::Success ? lines : 0;
    w.write = storePayloads(ctx, pages.kept);
    return w;
}

} // namespace nbaops::pipeline
