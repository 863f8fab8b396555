#include "session.h"

#include "registry/registry.h"
#include "sim/league.h"
#include "sim/server.h"
#include "store/database.h"
#include "store/objectstore.h"

#include <cstdlib>

namespace nbaops::pipeline {

Session::Session(SessionOptions options) : m_options(std::move(options))
{
    const Clock& clock = m_options.clock ? *m_options.clock : m_systemClock;
    m_db = std::make_unique<store::Database>(store::Database::open(m_options.dbPath));
    m_objects = std::make_unique<store::ObjectStore>(store::ObjectStore::forDatabase(*m_db));
    SourceUrls urls;
    std::string live = m_options.nbaStatsUrl;
    if (live.empty()) {
        if (const char* env = std::getenv("NBAOPS_NBA_STATS_URL"); env && *env)
            live = env;
    }
    if (!live.empty()) {
        urls.nbaStats = live;
        urls.simulated = false;
    } else {
        m_league = std::make_unique<sim::League>(m_options.seed);
        m_server = std::make_unique<sim::SimServer>(*m_league, clock);
        for (const auto& f : m_options.faults)
            m_server->addFault(f);
        m_server->start();
        urls.nbaStats = m_server->statsBaseUrl();
        urls.simulated = true;
    }
    m_http = std::make_unique<net::HttpClient>(m_options.http);
    m_http->setCancelFlag(m_options.cancel);
    m_ctx = std::make_unique<Context>(Context{*m_db, *m_objects, registry::Registry::builtin(),
                                              *m_http, urls, clock, Runner::newRunId(clock),
                                              m_options.cancel});
    m_runner = std::make_unique<Runner>(*m_ctx);
}

Session::~Session()
{
    // Close the client's keep-alive connections first, so the server's workers end at once.
    m_runner.reset();
    m_ctx.reset();
    m_http.reset();
    if (m_server)
        m_server->stop();
}

} // namespace nbaops::pipeline
