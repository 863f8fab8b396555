#pragma once

#include "pipeline/context.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nbaops::net {
struct HttpResponse;
}

namespace nbaops::pipeline {

// One request to a source through its circuit breaker: refused at once while the breaker is
// open (attempts == 0 and an error saying so), and its outcome counted otherwise.
net::HttpResponse fetchFrom(Context& ctx, const std::string& source, const std::string& url,
                            const std::vector<std::pair<std::string, std::string>>& headers);

// A transport failure's category: timeout when the client gave up waiting, else error.
Category transportCategory(const net::HttpResponse& r);
// What went wrong with a request, for the run's error; a 401 names the key's variable.
std::string describeFailure(const net::HttpResponse& r, const char* keyVariable = nullptr);

// A scraper's outcome when its service's key is not configured (nullopt when it is): an error
// naming the environment variable. Keys are read from the environment, never stored.
std::optional<Work> missingKey(const std::string& key, const std::string& source, const std::string& service,
                               const std::string& variable);

} // namespace nbaops::pipeline
