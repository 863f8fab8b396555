#pragma once

#include "context.h"
#include "store/objectstore.h"
#include "util/date.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}
namespace nbaops::net {
struct HttpResponse;
}

namespace nbaops::pipeline {

struct PayloadRef
{
    int64_t id = 0;
    std::string path;
    std::string name;
};

// The newest accepted payload of (source, endpoint, date), or the newest per name.
std::optional<PayloadRef> latestPayload(store::Database& db, const std::string& source,
                                        const std::string& endpoint, Date date);
std::vector<PayloadRef> acceptedPayloads(store::Database& db, const std::string& source,
                                         const std::string& endpoint, Date date);
// The accepted payloads of (source, endpoint, date) stored by the run that stored the newest
// one, by name: the pages of one paged listing, never mixed with an older run's pages.
std::vector<PayloadRef> latestRunPayloads(store::Database& db, const std::string& source,
                                          const std::string& endpoint, Date date);

// The failure category of the latest run of `processor` for `date`, if it ran.
std::optional<std::string> latestCategory(store::Database& db, const std::string& processor, Date date);
// True when that latest run succeeded or found no data: an input a processor may read (a
// phase-4 run for today needs yesterday's games, not today's).
bool servedDate(const std::optional<std::string>& category);
bool servedDate(store::Database& db, const std::string& processor, Date date);

// "2024-25" from the start year as NBA.com serves it in SEASON ("2024"); other text is kept.
std::string seasonLabelOf(const std::string& startYear);

// A payload's description for the object store, fetched now by this run.
store::PayloadInfo payloadInfo(const Context& ctx, const std::string& source, const std::string& endpoint,
                               Date date, const std::string& name, int httpStatus = 200);

// One request to a source through its circuit breaker: refused at once while the breaker is
// open (attempts == 0 and an error saying so), and its outcome counted otherwise.
net::HttpResponse fetchFrom(Context& ctx, const std::string& source, const std::string& url,
                            const std::vector<std::pair<std::string, std::string>>& headers);

// A scraper's outcome when its service's key is not configured (nullopt when it is): an error
// naming the environment variable. Keys are read from the environment, never stored.
std::optional<Work> missingKey(const std::string& key, const std::string& source, const std::string& service,
                               const std::string& variable);

// Payloads fetched by a scraper, stored in the transaction that records its run.
struct FetchedPayload
{
    store::PayloadInfo info;
    std::string body;
};
using FetchedPayloads = std::shared_ptr<std::vector<FetchedPayload>>;
std::function<void(store::Database&)> storePayloads(const Context& ctx, FetchedPayloads payloads);

// Records the latest write to a data table (for the freshness check), inside the caller's
// transaction.
void touchFreshness(store::Database& db, const std::string& table, Date date, int64_t rows,
                    const std::string& at);

} // namespace nbaops::pipeline
