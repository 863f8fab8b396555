#include "circuitbreaker.h"

#include "store/database.h"
#include "util/log.h"

namespace nbaops::net {

std::string_view CircuitBreakers::toString(State s)
{
    switch (s) {
    case State::Closed: return "CLOSED";
    case State::Open: return "OPEN";
    case State::HalfOpen: return "HALF_OPEN";
    }
    return "?";
}

namespace {
CircuitBreakers::State fromString(const std::string& s)
{
    if (s == "OPEN")
        return CircuitBreakers::State::Open;
    if (s == "HALF_OPEN")
        return CircuitBreakers::State::HalfOpen;
    return CircuitBreakers::State::Closed;
}
} // namespace

CircuitBreakers::CircuitBreakers(int threshold, std::chrono::seconds coolDown)
    : m_threshold(threshold), m_coolDown(coolDown)
{
}

void CircuitBreakers::load(store::Database& db)
{
    std::lock_guard lock(m_mutex);
    auto st = db.prepare("SELECT source, state, failures, opened_at FROM circuit_breakers");
    while (st.step()) {
        Status s;
        s.source = st.getText(0);
        s.state = fromString(st.getText(1));
        s.failures = int(st.getInt(2));
        if (auto t = st.getOptText(3))
            s.openedAt = parseIsoUtc(*t);
        m_states[s.source] = s;
    }
}

void CircuitBreakers::change(store::Database& db, Status& s, State to, TimePoint now, const std::string& reason)
{
    const State from = s.state;
    s.state = to;
    if (to == State::Open)
        s.openedAt = now;
    if (to == State::Closed)
        s.openedAt.reset();
    const std::string at = toIsoUtc(now);
    db.prepare("INSERT INTO circuit_breakers(source, state, failures, opened_at, updated_at) VALUES (?,?,?,?,?)"
               " ON CONFLICT(source) DO UPDATE SET state = excluded.state, failures = excluded.failures,"
               " opened_at = excluded.opened_at, updated_at = excluded.updated_at")
        .bindAll(s.source, std::string(toString(to)), int64_t(s.failures),
                 s.openedAt ? std::optional(toIsoUtc(*s.openedAt)) : std::nullopt, at)
        .run();
    if (from != to) {
        db.prepare("INSERT INTO circuit_events(source, from_state, to_state, at, reason) VALUES (?,?,?,?,?)")
            .bindAll(s.source, std::string(toString(from)), std::string(toString(to)), at, reason)
            .run();
        log::warning("circuit", s.source + ": " + std::string(toString(from)) + " -> " + std::string(toString(to)) +
                                    " (" + reason + ")");
    }
}

bool CircuitBreakers::allow(store::Database& db, const std::string& source, TimePoint now)
{
    std::lock_guard lock(m_mutex);
    Status& s = m_states[source];
    s.source = source;
    if (s.state != State::Open)
        return true; // CLOSED, or HALF_OPEN with its probe under way
    if (s.openedAt && now - *s.openedAt >= m_coolDown) {
        change(db, s, State::HalfOpen, now, "cool-down of " + std::to_string(m_coolDown.count()) + " s over; probing");
        return true;
    }
    return false;
}

void CircuitBreakers::recordSuccess(store::Database& db, const std::string& source, TimePoint now)
{
    std::lock_guard lock(m_mutex);
    Status& s = m_states[source];
    s.source = source;
    const bool wasClean = s.state == State::Closed && s.failures == 0;
    s.failures = 0;
    if (!wasClean)
        change(db, s, State::Closed, now, "a request succeeded");
}

void CircuitBreakers::recordFailure(store::Database& db, const std::string& source, TimePoint now,
                                    const std::string& reason)
{
    std::lock_guard lock(m_mutex);
    Status& s = m_states[source];
    s.source = source;
    ++s.failures;
    if (s.state == State::HalfOpen)
        change(db, s, State::Open, now, "the probe failed: " + reason);
    else if (s.state == State::Closed && s.failures >= m_threshold)
        change(db, s, State::Open, now, std::to_string(s.failures) + " consecutive failures, the last: " + reason);
    else
        change(db, s, s.state, now, reason); // persists the count
}

CircuitBreakers::Status CircuitBreakers::status(const std::string& source) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_states.find(source);
    if (it == m_states.end()) {
        Status s;
        s.source = source;
        return s;
    }
    return it->second;
}

std::optional<TimePoint> CircuitBreakers::nextProbe(const std::string& source) const
{
    const Status s = status(source);
    if (s.state != State::Open || !s.openedAt)
        return std::nullopt;
    return *s.openedAt + m_coolDown;
}

std::vector<CircuitBreakers::Status> CircuitBreakers::all() const
{
    std::lock_guard lock(m_mutex);
    std::vector<Status> out;
    for (const auto& [k, v] : m_states)
        out.push_back(v);
    return out;
}

} // namespace nbaops::net
