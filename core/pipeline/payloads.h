#pragma once

#include "context.h"
#include "store/objectstore.h"
#include "util/date.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::pipeline {

// The raw payloads of the object store as the processors find and store them: phase 1 stores
// what it fetched in the transaction that records its run, phase 2 reads the accepted ones.

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

// A payload's description for the object store, fetched now by this run.
store::PayloadInfo payloadInfo(const Context& ctx, const std::string& source, const std::string& endpoint,
                               Date date, const std::string& name, int httpStatus = 200);

// Payloads fetched by a scraper, stored in the transaction that records its run.
struct FetchedPayload
{
    store::PayloadInfo info;
    std::string body;
};
using FetchedPayloads = std::shared_ptr<std::vector<FetchedPayload>>;
std::function<void(store::Database&)> storePayloads(const Context& ctx, const FetchedPayloads& payloads);

} // namespace nbaops::pipeline
