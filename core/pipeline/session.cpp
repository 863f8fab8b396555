#include "session.h"

#include "orphans.h"
#include "phase6/processors.h"
#include "net/circuitbreaker.h"
#include "net/ratelimiter.h"
#include "registry/registry.h"
#include "secrets/secrets.h"
#include "sim/league.h"
#include "sim/server.h"
#include "store/database.h"
#include "store/objectstore.h"

#include "util/errors.h"
#include "util/log.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace nbaops::pipeline {

// The sources' addresses: the live APIs when NBAOPS_NBA_STATS_URL (or the options) names one,
// else the simulated league started here on loopback. Keys are asked of the secrets (their
// environment variable, else the keychain) only for the live APIs.
SourceUrls Session::sourceUrls(const Clock& clock)
{
    SourceUrls urls;
    std::string live = m_options.nbaStatsUrl;
    if (live.empty()) {
        if (const char* env = std::getenv("NBAOPS_NBA_STATS_URL"); env && *env)
            live = env;
    }
    const auto env = [](const char* name, const char* fallback) {
        const char* v = std::getenv(name);
        return std::string(v && *v ? v : fallback);
    };
    if (!live.empty()) {
        for (const auto& [name, key] : {std::pair{"odds_api_key", &urls.oddsApiKey}, std::pair{"bdl_api_key", &urls.bdlApiKey}}) {
            const auto r = secrets::get(name);
            *key = r.value;
            if (r.value.empty())
                log::warning("session", std::string(name) + " is not set (nbaops secrets set " + name + ")" +
                                            (r.problem.empty() ? std::string() : ": " + r.problem));
        }
        urls.nbaStats = live;
        urls.simulated = false;
        urls.oddsApi = env("NBAOPS_ODDS_API_URL", "https://api.the-odds-api.com/v4");
        urls.espn = env("NBAOPS_ESPN_URL", "https://site.api.espn.com/apis/site/v2/sports/basketball/nba");
        urls.bdl = env("NBAOPS_BDL_URL", "https://api.balldontlie.io/v1");
    } else {
        m_league = std::make_unique<sim::League>(m_options.seed);
        m_server = std::make_unique<sim::SimServer>(*m_league, clock);
        for (const auto& f : m_options.faults)
            m_server->addFault(f);
        m_server->start();
        urls.nbaStats = m_server->statsBaseUrl();
        urls.oddsApi = m_server->oddsBaseUrl();
        urls.espn = m_server->espnBaseUrl();
        urls.bdl = m_server->bdlBaseUrl();
        // The simulator demands keys like the real APIs, so the code path is the live one; a key
        // in the environment is sent as it would be live (never the keychain's: no D-Bus here).
        urls.oddsApiKey = env("NBAOPS_ODDS_API_KEY", "simulated-key");
        urls.bdlApiKey = env("NBAOPS_BDL_API_KEY", "simulated-key");
        urls.simulated = true;
    }
    return urls;
}

Session::Session(SessionOptions options) : m_options(std::move(options))
{
    const Clock& clock = m_options.clock ? *m_options.clock : m_systemClock;
    const int workers = m_options.workers > 0 ? m_options.workers
                                              : int(std::max(1u, std::thread::hardware_concurrency()));
    if (workers > 64)
        throw UsageError("--workers must be from 1 to 64.");
    auto first = std::make_unique<Slot>();
    first->db = std::make_unique<store::Database>(store::Database::open(m_options.dbPath)); // migrates
    m_objects = std::make_unique<store::ObjectStore>(store::ObjectStore::forDatabase(*first->db));
    m_breakers = std::make_unique<net::CircuitBreakers>(m_options.breakerThreshold, m_options.breakerCoolDown);
    m_breakers->load(*first->db);
    closeOrphans(*first->db, std::chrono::system_clock::now()); // what a killed run left open
    try {
        if (const int n = pipeline::flushPublished(*first->db, m_objects->root()); n > 0)
            log::info("session", std::to_string(n) + " document(s) queued by an earlier run were published");
    } catch (const std::exception& e) {
        log::warning("session", std::string("queued documents not published yet: ") + e.what());
    }
    const SourceUrls urls = sourceUrls(clock);
    m_simulated = urls.simulated;
    m_limiter = std::make_unique<net::RateLimiter>();
    auto limits = m_options.rateLimits;
    if (limits.empty() && !m_simulated)
        limits = {{"nba_com", 2.0}, {"the_odds_api", 1.0}, {"espn", 2.0}, {"balldontlie", 0.5}};
    for (const auto& [source, perSecond] : limits)
        m_limiter->setLimit(source, perSecond);
    const std::string runId = Runner::newRunId(clock);
    m_slots.push_back(std::move(first));
    for (int i = 1; i < workers; ++i) {
        auto slot = std::make_unique<Slot>();
        slot->db = std::make_unique<store::Database>(store::Database::open(m_options.dbPath));
        m_slots.push_back(std::move(slot));
    }
    std::vector<Worker> ws;
    for (auto& slot : m_slots) {
        slot->http = std::make_unique<net::HttpClient>(m_options.http);
        slot->http->setCancelFlag(&slot->stop);
        slot->ctx = std::make_unique<Context>(Context{*slot->db, *m_objects, registry::Registry::builtin(),
                                                      *slot->http, urls, clock, runId, &slot->stop,
                                                      m_breakers.get(), m_limiter.get(),
                                                      m_options.deferPublishing});
        ws.push_back({slot->ctx.get(), &slot->stop});
    }
    RunnerOptions ro;
    ro.cancel = m_options.cancel;
    ro.timeoutOverride = m_options.timeoutOverride;
    ro.force = m_options.force;
    ro.heartbeat = m_options.heartbeat;
    m_runner = std::make_unique<Runner>(std::move(ws), ro);
}

int Session::flushPublished()
{
    return pipeline::flushPublished(*m_slots.front()->db, m_objects->root());
}

void Session::setDeferPublishing(bool defer)
{
    m_options.deferPublishing = defer;
    for (auto& slot : m_slots)
        slot->ctx->deferPublishing = defer;
}

Session::~Session()
{
    if (m_options.deferPublishing && !m_slots.empty()) {
        try {
            flushPublished();
        } catch (const std::exception& e) {
            log::warning("session", std::string("queued documents not published (the next run will): ") + e.what());
        }
    }
    // Close the clients' keep-alive connections first, so the server's workers end at once.
    m_runner.reset();
    for (auto& slot : m_slots) {
        slot->ctx.reset();
        slot->http.reset();
    }
    if (m_server)
        m_server->stop();
}

} // namespace nbaops::pipeline
