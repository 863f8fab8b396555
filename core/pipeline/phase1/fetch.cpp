#include "fetch.h"

#include "net/circuitbreaker.h"
#include "net/httpclient.h"
#include "net/ratelimiter.h"

namespace nbaops::pipeline {

// One request to a source through its circuit breaker: refused at once while the breaker is
// open, and its outcome counted (transport failures only; a bad payload is not the link's fault).
net::HttpResponse fetchFrom(Context& ctx, const std::string& source, const std::string& url,
                            const std::vector<std::pair<std::string, std::string>>& headers)
{
    if (ctx.breakers && !ctx.breakers->allow(ctx.db, source, ctx.clock.now())) {
        net::HttpResponse refused;
        const auto s = ctx.breakers->status(source);
        const auto next = ctx.breakers->nextProbe(source);
        refused.error = "circuit breaker for " + source + " is OPEN after " + std::to_string(s.failures) +
                        " consecutive failures; no request sent" +
                        (next ? ", next probe after " + formatEastern(*next) : std::string());
        return refused;
    }
    if (ctx.limiter && !ctx.limiter->acquire(source, ctx.cancel)) {
        net::HttpResponse cancelled;
        cancelled.error = "cancelled";
        return cancelled;
    }
    net::HttpResponse r = ctx.http.get(url, headers);
    if (ctx.breakers && r.error != "cancelled") {
        if (r.status >= 500 || r.status == 429 || !r.error.empty())
            ctx.breakers->recordFailure(ctx.db, source, ctx.clock.now(), r.describe());
        else
            ctx.breakers->recordSuccess(ctx.db, source, ctx.clock.now());
    }
    return r;
}

Category transportCategory(const net::HttpResponse& r)
{
    return r.timedOut ? Category::Timeout : Category::Error;
}

std::string describeFailure(const net::HttpResponse& r, const char* keyVariable)
{
    if (r.status == 401 && keyVariable)
        return "HTTP 401: the key was refused; set " + std::string(keyVariable) + " to a valid key";
    return r.attempts == 0 ? r.error : r.describe();
}

std::optional<Work> missingKey(const std::string& key, const std::string& source, const std::string& service,
                               const std::string& variable)
{
    if (!key.empty())
        return std::nullopt;
    Work w;
    w.outcome.source = source;
    w.outcome.category = Category::Error;
    w.outcome.error = "no key for " + service + ": set " + variable +
                      " (the key is read from the environment and never stored)";
    return w;
}

} // namespace nbaops::pipeline
