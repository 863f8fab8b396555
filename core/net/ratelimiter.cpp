#include "ratelimiter.h"

#include <thread>

namespace nbaops::net {

void RateLimiter::setLimit(const std::string& source, double perSecond)
{
    std::lock_guard lock(m_mutex);
    if (perSecond <= 0) {
        m_spacing.erase(source);
        return;
    }
    m_spacing[source] = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / perSecond));
}

double RateLimiter::limit(const std::string& source) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_spacing.find(source);
    return it == m_spacing.end() ? 0.0 : 1.0 / std::chrono::duration<double>(it->second).count();
}

bool RateLimiter::acquire(const std::string& source, const std::atomic<bool>* cancel)
{
    std::chrono::steady_clock::time_point slot;
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_spacing.find(source);
        if (it == m_spacing.end())
            return true;
        const auto now = std::chrono::steady_clock::now();
        auto& next = m_next[source];
        slot = std::max(now, next);
        next = slot + it->second; // reserve the slot: concurrent callers queue behind it
    }
    while (std::chrono::steady_clock::now() < slot) {
        if (cancel && cancel->load())
            return false;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            slot - std::chrono::steady_clock::now(), std::chrono::milliseconds(20)));
    }
    return true;
}

} // namespace nbaops::net
