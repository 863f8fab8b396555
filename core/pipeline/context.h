#pragma once

#include "outcome.h"
#include "util/date.h"

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

namespace nbaops::store {
class Database;
class ObjectStore;
} // namespace nbaops::store
namespace nbaops::registry {
class Registry;
}
namespace nbaops::net {
class HttpClient;
class CircuitBreakers;
class RateLimiter;
} // namespace nbaops::net

namespace nbaops::pipeline {

struct SourceUrls
{
    std::string nbaStats; // e.g. "https://stats.nba.com/stats" or the simulator's loopback URL
    std::string oddsApi;  // e.g. "https://api.the-odds-api.com/v4"
    std::string oddsApiKey; // from NBAOPS_ODDS_API_KEY; never stored or logged
    std::string espn;       // e.g. "https://site.api.espn.com/apis/site/v2/sports/basketball/nba"
    std::string bdl;        // e.g. "https://api.balldontlie.io/v1"
    std::string bdlApiKey;  // from NBAOPS_BDL_API_KEY; never stored or logged
    bool simulated = true;
};

// What a processor may use. One per worker thread (the database connection and the HTTP
// client are not shared between threads).
struct Context
{
    store::Database& db;
    store::ObjectStore& objects;
    const registry::Registry& registry;
    net::HttpClient& http;
    SourceUrls urls;
    const Clock& clock;
    std::string runId;
    const std::atomic<bool>* cancel = nullptr;
    net::CircuitBreakers* breakers = nullptr; // shared by the workers; none: no breaker
    net::RateLimiter* limiter = nullptr;      // shared by the workers; none: no limit
    // Phase 6 queues documents in the database instead of writing their files; the owner of
    // the run writes them once at its end (flushPublished), the latest version of each only.
    bool deferPublishing = false;
    bool cancelled() const { return cancel && cancel->load(); }
};

// A processor's result: the outcome, and the writes to make in the same transaction that
// records the run (so a run's data and its history row land together or not at all).
struct Work
{
    Outcome outcome;
    std::function<void(store::Database&)> write;
};

class Processor
{
public:
    virtual ~Processor() = default;
    virtual std::string_view name() const = 0;
    // Raised when what the processor writes changes: stored runs of an older version are
    // redone even when their inputs did not change.
    virtual int version() const { return 1; }
    // Called after the runner checked the registry dependencies for the date.
    virtual Work run(Context& ctx, Date date) = 0;
};

} // namespace nbaops::pipeline
