// About 400 lines on purpose: the simulated league's HTTP server serves every upstream API's
// routes (NBA.com stats, ESPN, balldontlie, The Odds API) with their keys and injected faults.
#include "server.h"

#include "feedsformat.h"
#include "oddsformat.h"
#include "statsformat.h"
#include "util/errors.h"
#include "util/log.h"
#include "util/rng.h"

#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace nbaops::sim {

struct SimServer::Impl
{
    const League& league;
    const Clock& clock;
    httplib::Server http;
    std::thread thread;
    int port = 0;
    mutable std::mutex mutex;
    std::condition_variable stopping;
    bool stopped = false;
    std::vector<FaultRule> faults;
    std::map<std::string, int> counts;
    int oddsUsed = 0;
    std::map<std::string, std::string> oddsEvents; // event id -> game id, as listed
    std::shared_ptr<const std::vector<BdlStatLine>> bdlLines; // one date's, rendered once
    Date bdlLinesDate, bdlLinesToday;
    Rng rng{0xFA017};

    Impl(const League& l, const Clock& c) : league(l), clock(c) {}

    // Finds and consumes the first fault matching this request.
    std::optional<FaultRule> takeFault(const std::string& endpoint, std::optional<Date> date,
                                       const std::string& gameId)
    {
        std::lock_guard lock(mutex);
        ++counts[endpoint];
        for (auto& f : faults) {
            if (f.endpoint != "*" && f.endpoint != endpoint)
                continue;
            if (f.remaining == 0)
                continue;
            if (f.date && (!date || *f.date != *date))
                continue;
            if (!f.gameId.empty() && f.gameId != gameId)
                continue;
            if (f.rate < 1.0 && !rng.chance(f.rate))
                continue;
            if (f.remaining > 0)
                --f.remaining;
            return f;
        }
        return std::nullopt;
    }

    void waitFor(int millis)
    {
        std::unique_lock lock(mutex);
        stopping.wait_for(lock, std::chrono::milliseconds(millis), [this] { return stopped; });
    }

    // Applies a fault; true when the response is complete (the handler must not go on).
    bool apply(const FaultRule& f, httplib::Response& res, std::string& body)
    {
        switch (f.kind) {
        case FaultKind::Http500:
            res.status = 500;
            res.set_content("{\"message\":\"An error has occurred.\"}", "application/json");
            return true;
        case FaultKind::Http503:
            res.status = 503;
            res.set_content("Service Unavailable", "text/plain");
            return true;
        case FaultKind::Http429:
            res.status = 429;
            res.set_header("Retry-After", std::to_string(std::max(1, f.millis / 1000)));
            res.set_content("Too Many Requests", "text/plain");
            return true;
        case FaultKind::Hang:
            waitFor(f.millis);
            res.status = 504;
            res.set_content("Gateway Timeout", "text/plain");
            return true;
        case FaultKind::Latency:
            waitFor(f.millis);
            return false;
        case FaultKind::Malformed:
            body = "<html><body><h1>Access Denied</h1>Reference #18.2c</body></html>";
            return false;
        case FaultKind::Truncated:
            body = body.substr(0, body.size() / 2);
            return false;
        case FaultKind::MissingGame:
            res.status = 404;
            res.set_content("{\"message\":\"Game not found.\"}", "application/json");
            return true;
        case FaultKind::EmptyDay:
            return false; // handled by the scoreboard handler
        }
        return false;
    }
};

SimServer::SimServer(const League& league, const Clock& clock)
    : d(std::make_unique<Impl>(league, clock))
{
    d->http.new_task_queue = [] { return new httplib::ThreadPool(24); };
    d->http.set_keep_alive_max_count(1000);
    d->http.set_tcp_nodelay(true); // else delayed ACKs add ~40 ms to every response
    d->http.set_read_timeout(std::chrono::seconds(10));
    d->http.set_write_timeout(std::chrono::seconds(10));

    d->http.Get("/stats/scoreboardv2", [this](const httplib::Request& req, httplib::Response& res) {
        const std::string gd = req.get_param_value("GameDate");
        std::optional<Date> date;
        // stats.nba.com takes MM/DD/YYYY (and also YYYY-MM-DD).
        if (gd.size() == 10 && gd[2] == '/' && gd[5] == '/')
            date = Date::parse(gd.substr(6, 4) + "-" + gd.substr(0, 2) + "-" + gd.substr(3, 2));
        else
            date = Date::parse(gd);
        auto fault = d->takeFault("scoreboardv2", date, "");
        if (!date || req.get_param_value("LeagueID").empty()) {
            res.status = 400;
            res.set_content("GameDate is required and must be a date (MM/DD/YYYY); LeagueID is "
                            "required.", "text/plain");
            return;
        }
        const Date today = Date::fromDays(std::chrono::floor<std::chrono::days>(
            d->clock.now() + easternOffset(d->clock.now())));
        const bool empty = fault && fault->kind == FaultKind::EmptyDay;
        std::string body = scoreboardV2(d->league, *date, today, !empty);
        if (fault && d->apply(*fault, res, body))
            return;
        res.set_content(body, "application/json; charset=utf-8");
    });

    d->http.Get("/stats/boxscoretraditionalv2",
                [this](const httplib::Request& req, httplib::Response& res) {
        const std::string gameId = req.get_param_value("GameID");
        const auto game = d->league.findGame(gameId);
        auto fault = d->takeFault("boxscoretraditionalv2",
                                  game ? std::optional<Date>(game->date) : std::nullopt, gameId);
        if (gameId.empty() || !game) {
            res.status = 400;
            res.set_content("GameID is required and must name a game.", "text/plain");
            return;
        }
        const Date today = Date::fromDays(std::chrono::floor<std::chrono::days>(
            d->clock.now() + easternOffset(d->clock.now())));
        std::string body = boxscoreTraditionalV2(d->league, *game, today);
        if (fault && d->apply(*fault, res, body))
            return;
        res.set_content(body, "application/json; charset=utf-8");
    });
    addOddsRoutes();
    addFeedRoutes();
}

SimServer::~SimServer() { stop(); }

void SimServer::addOddsRoutes()
{
    // The Odds API v4: the key is demanded like the real service demands it, and every answer
    // carries the quota headers.
    const auto checkKey = [this](const httplib::Request& req, httplib::Response& res) {
        if (req.get_param_value("apiKey").empty()) {
            res.status = 401;
            res.set_content("{\"message\":\"API key is missing. Pass the key in the apiKey query parameter.\"}",
                            "application/json");
            return false;
        }
        std::lock_guard lock(d->mutex);
        ++d->oddsUsed;
        res.set_header("x-requests-used", std::to_string(d->oddsUsed));
        res.set_header("x-requests-remaining", std::to_string(std::max(0, 500 - d->oddsUsed)));
        res.set_header("x-requests-last", "1");
        return true;
    };
    d->http.Get("/v4/sports/basketball_nba/events", [this, checkKey](const httplib::Request& req, httplib::Response& res) {
        const auto from = parseIsoUtc(req.get_param_value("commenceTimeFrom"));
        auto fault = d->takeFault("odds_events", std::nullopt, "");
        if (!checkKey(req, res))
            return;
        if (!from) {
            res.status = 422;
            res.set_content("{\"message\":\"commenceTimeFrom must be an ISO 8601 time\"}", "application/json");
            return;
        }
        const Date date = Date::fromDays(std::chrono::floor<std::chrono::days>(*from + easternOffset(*from)));
        {
            std::lock_guard lock(d->mutex);
            for (const auto& g : d->league.gamesOn(date))
                d->oddsEvents[oddsEventId(g)] = g.id;
        }
        std::string body = oddsEvents(d->league, date);
        if (fault && d->apply(*fault, res, body))
            return;
        res.set_content(body, "application/json; charset=utf-8");
    });
    d->http.Get(R"(/v4/sports/basketball_nba/events/([0-9a-f]+)/odds)",
                [this, checkKey](const httplib::Request& req, httplib::Response& res) {
        const std::string id = req.matches[1];
        auto fault = d->takeFault("odds_player_points", std::nullopt, id);
        if (!checkKey(req, res))
            return;
        if (req.get_param_value("markets") != "player_points") {
            res.status = 422;
            res.set_content("{\"message\":\"markets must be player_points here\"}", "application/json");
            return;
        }
        std::optional<Game> game;
        {
            std::lock_guard lock(d->mutex);
            const auto it = d->oddsEvents.find(id);
            if (it != d->oddsEvents.end())
                game = d->league.findGame(it->second);
        }
        if (!game) {
            res.status = 404;
            res.set_content("{\"message\":\"Event not found.\"}", "application/json");
            return;
        }
        std::string body = oddsEventPlayerPoints(d->league, *game);
        if (fault && d->apply(*fault, res, body))
            return;
        res.set_content(body, "application/json; charset=utf-8");
    });
}

void SimServer::addFeedRoutes()
{
    const auto today = [this] {
        return Date::fromDays(std::chrono::floor<std::chrono::days>(d->clock.now() + easternOffset(d->clock.now())));
    };
    // ESPN's public scoreboard: no key; dates=YYYYMMDD.
    d->http.Get("/apis/site/v2/sports/basketball/nba/scoreboard",
                [this, today](const httplib::Request& req, httplib::Response& res) {
        const std::string ds = req.get_param_value("dates");
        std::optional<Date> date;
        if (ds.size() == 8)
            date = Date::parse(ds.substr(0, 4) + "-" + ds.substr(4, 2) + "-" + ds.substr(6, 2));
        auto fault = d->takeFault("espn_scoreboard", date, "");
        if (!date) {
            res.status = 400;
            res.set_content("{\"code\":400,\"message\":\"dates must be YYYYMMDD\"}", "application/json");
            return;
        }
        const bool empty = fault && fault->kind == FaultKind::EmptyDay;
        std::string body = espnScoreboard(d->league, *date, today(), !empty);
        if (fault && d->apply(*fault, res, body))
            return;
        res.set_content(body, "application/json;charset=UTF-8");
    });
    // balldontlie v1: the key in the Authorization header; dates[] and cursor pagination.
    const auto query = [](const httplib::Request& req, httplib::Response& res) -> std::optional<BdlQuery> {
        if (req.get_header_value("Authorization").empty()) {
            res.status = 401;
            res.set_content("{\"error\":\"Unauthorized. Send your API key in the Authorization header.\"}",
                            "application/json");
            return std::nullopt;
        }
        BdlQuery q;
        const auto date = Date::parse(req.get_param_value("dates[]"));
        const std::string perPage = req.get_param_value("per_page");
        const std::string cursor = req.get_param_value("cursor");
        q.perPage = perPage.empty() ? 25 : std::atoi(perPage.c_str());
        q.cursor = cursor.empty() ? 0 : std::atoll(cursor.c_str());
        if (!date || q.perPage < 1 || q.perPage > 100 || q.cursor < 0) {
            res.status = 400;
            res.set_content("{\"error\":\"dates[] must be YYYY-MM-DD, per_page 1-100, cursor a game or stat id\"}",
                            "application/json");
            return std::nullopt;
        }
        q.date = *date;
        return q;
    };
    d->http.Get("/v1/games", [this, today, query](const httplib::Request& req, httplib::Response& res) {
        auto fault = d->takeFault("bdl_games", Date::parse(req.get_param_value("dates[]")), "");
        const auto q = query(req, res);
        if (!q)
            return;
        const bool empty = fault && fault->kind == FaultKind::EmptyDay;
        std::string body = bdlGames(d->league, *q, today(), !empty);
        if (fault && d->apply(*fault, res, body))
            return;
        res.set_content(body, "application/json; charset=utf-8");
    });
    d->http.Get("/v1/stats", [this, today, query](const httplib::Request& req, httplib::Response& res) {
        auto fault = d->takeFault("bdl_stats", Date::parse(req.get_param_value("dates[]")), "");
        auto q = query(req, res);
        if (!q)
            return;
        if (fault && fault->kind == FaultKind::MissingGame) {
            // One game's stat lines left out of the listing (the given game, else the first).
            const auto games = d->league.gamesOn(q->date);
            q->omitGameId = !fault->gameId.empty() ? fault->gameId : games.empty() ? std::string() : games.front().id;
            fault.reset();
        }
        std::shared_ptr<const std::vector<BdlStatLine>> lines;
        {
            // The date's lines are rendered once while its pages are fetched.
            std::lock_guard lock(d->mutex);
            if (d->bdlLinesDate == q->date && d->bdlLinesToday == today())
                lines = d->bdlLines;
        }
        if (!lines) {
            lines = std::make_shared<const std::vector<BdlStatLine>>(bdlStatLines(d->league, q->date, today()));
            std::lock_guard lock(d->mutex);
            d->bdlLines = lines;
            d->bdlLinesDate = q->date;
            d->bdlLinesToday = today();
        }
        std::string body = bdlStatsPage(*lines, *q);
        if (fault && d->apply(*fault, res, body))
            return;
        res.set_content(body, "application/json; charset=utf-8");
    });
}

int SimServer::start(int port)
{
    if (d->thread.joinable())
        return d->port;
    {
        std::lock_guard lock(d->mutex);
        d->stopped = false;
    }
    d->port = port > 0 ? (d->http.bind_to_port("127.0.0.1", port) ? port : -1)
                       : d->http.bind_to_any_port("127.0.0.1");
    if (d->port <= 0)
        throw OpsError("The simulated league could not listen on 127.0.0.1" +
                       (port > 0 ? ":" + std::to_string(port) : std::string()) +
                       ". Choose another port or stop the process that holds it.");
    d->thread = std::thread([this] { d->http.listen_after_bind(); });
    // listen_after_bind() marks the server running; stop() before that would be lost.
    for (int i = 0; i < 500 && !d->http.is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    log::info("sim", "simulated league listening on " + statsBaseUrl());
    return d->port;
}

void SimServer::stop()
{
    {
        std::lock_guard lock(d->mutex);
        d->stopped = true;
    }
    d->stopping.notify_all();
    if (d->thread.joinable()) {
        d->http.stop();
        d->thread.join();
    }
}

int SimServer::port() const { return d->port; }
std::string SimServer::oddsBaseUrl() const
{
    return "http://127.0.0.1:" + std::to_string(d->port) + "/v4";
}

std::string SimServer::espnBaseUrl() const
{
    return "http://127.0.0.1:" + std::to_string(d->port) + "/apis/site/v2/sports/basketball/nba";
}

std::string SimServer::bdlBaseUrl() const
{
    return "http://127.0.0.1:" + std::to_string(d->port) + "/v1";
}

std::string SimServer::statsBaseUrl() const
{
    return "http://127.0.0.1:" + std::to_string(d->port) + "/stats";
}

void SimServer::addFault(const FaultRule& rule)
{
    std::lock_guard lock(d->mutex);
    d->faults.push_back(rule);
}

void SimServer::clearFaults()
{
    std::lock_guard lock(d->mutex);
    d->faults.clear();
}

std::vector<FaultRule> SimServer::faults() const
{
    std::lock_guard lock(d->mutex);
    return d->faults;
}

int SimServer::requestCount(const std::string& endpoint) const
{
    std::lock_guard lock(d->mutex);
    const auto it = d->counts.find(endpoint);
    return it == d->counts.end() ? 0 : it->second;
}

} // namespace nbaops::sim
