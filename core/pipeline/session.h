#pragma once

#include "context.h"
#include "net/httpclient.h"
#include "runner.h"
#include "sim/faults.h"
#include "sim/league.h"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace nbaops::sim {
class League;
class SimServer;
} // namespace nbaops::sim
namespace nbaops::store {
class Database;
class ObjectStore;
} // namespace nbaops::store

namespace nbaops::pipeline {

struct SessionOptions
{
    std::filesystem::path dbPath;
    // Live stats.nba.com base URL; empty: NBAOPS_NBA_STATS_URL, else the embedded simulator.
    std::string nbaStatsUrl;
    uint64_t seed = sim::League::kDefaultSeed;
    std::vector<sim::FaultRule> faults;
    net::HttpOptions http;
    const Clock* clock = nullptr; // default: the system clock
    const std::atomic<bool>* cancel = nullptr;
    int workers = 0;              // 0: one per core
    std::optional<std::chrono::milliseconds> timeoutOverride; // default: the registry's
    bool force = false;           // rerun processors whose inputs did not change
    std::chrono::milliseconds heartbeat{15000};
    std::chrono::seconds breakerCoolDown{60};
    int breakerThreshold = 3;
    // Requests per second per source; default: none on the simulator, polite ones on live
    // sources (nba_com 2/s, espn 2/s, the_odds_api 1/s, balldontlie 0.5/s).
    std::map<std::string, double> rateLimits;
    // Phase 6 queues its documents and the session writes each path's latest version once, at
    // flushPublished() or when it ends: for runs over many dates (a player's page would be
    // rewritten every night of a backfill).
    bool deferPublishing = false;
};

// One pipeline invocation: the database, the object store, the sources (the simulated league
// on loopback unless a live URL is configured), the HTTP client and the runner.
class Session
{
public:
    explicit Session(SessionOptions options);
    ~Session();

    Runner& runner() { return *m_runner; }
    Context& context() { return *m_slots.front()->ctx; }
    store::Database& db() { return *m_slots.front()->db; }
    sim::SimServer* simulator() { return m_server.get(); }
    net::CircuitBreakers& breakers() { return *m_breakers; }
    bool simulated() const { return m_simulated; }
    // Writes the queued documents; returns how many. Also done at the start (a crashed run's
    // queue) and at the end of a session.
    int flushPublished();
    // Queue phase 6's documents until flushPublished() (a run over several dates) or write
    // them as each date publishes (one date).
    void setDeferPublishing(bool defer);

private:
    SourceUrls sourceUrls(const Clock& clock);
    SessionOptions m_options;
    SystemClock m_systemClock;
    struct Slot
    {
        std::unique_ptr<store::Database> db;
        std::unique_ptr<net::HttpClient> http;
        std::unique_ptr<Context> ctx;
        std::atomic<bool> stop{false};
    };
    bool m_simulated = true;
    std::unique_ptr<store::ObjectStore> m_objects;
    std::unique_ptr<net::CircuitBreakers> m_breakers;
    std::unique_ptr<net::RateLimiter> m_limiter;
    std::unique_ptr<sim::League> m_league;
    std::unique_ptr<sim::SimServer> m_server;
    std::vector<std::unique_ptr<Slot>> m_slots;
    std::unique_ptr<Runner> m_runner;
};

} // namespace nbaops::pipeline
