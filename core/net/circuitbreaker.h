#pragma once

#include "util/date.h"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::net {

// A circuit breaker per upstream source: CLOSED → OPEN after `threshold` consecutive failed
// requests → HALF_OPEN once the cool-down has passed (one probe request) → CLOSED when the
// probe succeeds, OPEN again when it fails. The state is kept in the database (one row per
// source, so it cannot grow without bound) and every change is recorded as an event.
class CircuitBreakers
{
public:
    enum class State { Closed, Open, HalfOpen };
    static std::string_view toString(State s);

    struct Status
    {
        std::string source;
        State state = State::Closed;
        int failures = 0;
        std::optional<TimePoint> openedAt;
    };

    CircuitBreakers(int threshold = 3, std::chrono::seconds coolDown = std::chrono::seconds(60));

    // Loads the persisted states (call once, before use).
    void load(store::Database& db);
    // May a request go to `source` now? An OPEN breaker past its cool-down turns HALF_OPEN and
    // lets this one request through as the probe.
    bool allow(store::Database& db, const std::string& source, TimePoint now);
    void recordSuccess(store::Database& db, const std::string& source, TimePoint now);
    void recordFailure(store::Database& db, const std::string& source, TimePoint now, const std::string& reason);

    Status status(const std::string& source) const;
    std::optional<TimePoint> nextProbe(const std::string& source) const;
    std::vector<Status> all() const;

private:
    int m_threshold;
    std::chrono::seconds m_coolDown;
    mutable std::mutex m_mutex;
    std::map<std::string, Status> m_states;
    void change(store::Database& db, Status& s, State to, TimePoint now, const std::string& reason);
};

} // namespace nbaops::net
