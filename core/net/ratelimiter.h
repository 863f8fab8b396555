#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace nbaops::net {

// Spaces the requests to each source so that no more than `perSecond` start in any second,
// across all workers (one limiter per session). A source without a limit is not slowed.
class RateLimiter
{
public:
    void setLimit(const std::string& source, double perSecond);
    // Waits for the source's next slot; false when cancelled while waiting.
    bool acquire(const std::string& source, const std::atomic<bool>* cancel = nullptr);
    double limit(const std::string& source) const;

private:
    mutable std::mutex m_mutex;
    std::map<std::string, std::chrono::steady_clock::duration> m_spacing;
    std::map<std::string, std::chrono::steady_clock::time_point> m_next;
};

} // namespace nbaops::net
