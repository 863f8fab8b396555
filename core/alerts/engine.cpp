#include "engine.h"

#include "rows.h"
#include "util/log.h"

#include "store/database.h"
#include "util/errors.h"
#include "util/redact.h"

#include <algorithm>

namespace nbaops::alerts {

namespace {

bool matchesValue(const std::string& pattern, const std::string& value)
{
    if (!pattern.empty() && pattern.back() == '*')
        return value.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
    return pattern == value;
}

std::chrono::seconds retryDelay(int attempts)
{
    const int shift = std::min(attempts - 1, 7);
    return std::min(std::chrono::seconds(30) * (1 << std::max(shift, 0)), std::chrono::seconds(3600));
}

} // namespace

Labels labelsFrom(const std::string& json)
{
    Labels out;
    try {
        const nlohmann::json j = nlohmann::json::parse(json);
        for (const auto& [k, v] : j.items())
            out[k] = v.is_string() ? v.get<std::string>() : v.dump();
    } catch (const std::exception& e) {
        // The alert keeps its rule and severity; only its labels (what silences match) are lost.
        log::warning("alerts", "an alert's labels are not JSON (" + std::string(e.what()) +
                                   "); it is shown without them and no label matcher of a silence matches it");
    }
    return out;
}

ParsedMatchers readStoredMatchers(const std::string& text)
{
    ParsedMatchers out;
    try {
        out.json = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
        out.problem = std::string("its matchers are not JSON (") + e.what() + ")";
        return out;
    }
    if (!out.json.is_object() || out.json.empty())
        out.problem = "its matchers are not a non-empty object of NAME: VALUE";
    return out;
}

std::vector<ActiveSilence> activeSilences(store::Database& db, const std::string& now)
{
    std::vector<ActiveSilence> out;
    auto st = db.prepare("SELECT id, matchers FROM alert_silences WHERE starts_at <= ? AND ends_at > ? AND expired_at IS NULL");
    st.bindAll(now, now);
    while (st.step()) {
        const int64_t id = st.getInt(0);
        const auto matchers = readStoredMatchers(st.getText(1));
        if (matchers.problem.empty())
            out.push_back({id, matchers.json});
        else
            log::warning("alerts", "silence " + std::to_string(id) + " silences nothing: " + matchers.problem +
                                       ". End it (nbaops alerts unsilence " + std::to_string(id) +
                                       ") and silence again.");
    }
    return out;
}

bool silenceMatches(const nlohmann::json& matchers, const std::string& rule, const Labels& labels)
{
    if (!matchers.is_object() || matchers.empty())
        return false;
    for (const auto& [k, v] : matchers.items()) {
        if (!v.is_string())
            return false;
        const std::string pattern = v.get<std::string>();
        if (k == "rule") {
            if (!matchesValue(pattern, rule))
                return false;
            continue;
        }
        const auto it = labels.find(k);
        if (it == labels.end() || !matchesValue(pattern, it->second))
            return false;
    }
    return true;
}

Engine::Engine(store::Database& db, Config cfg) : m_db(db), m_cfg(std::move(cfg)) {}

Delivery Engine::deliver(Sender& sender, TimePoint now, int limit)
{
    Delivery out;
    const std::string at = toIsoUtc(now);
    struct Row
    {
        Message m;
        int attempts;
    };
    std::vector<Row> due;
    {
        auto st = m_db.prepare("SELECT id, receiver, kind, severity, subject, body, attempts FROM alert_notifications"
                               " WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT ?");
        st.bindAll(at, int64_t(limit));
        while (st.step()) {
            Message m{st.getInt(0), st.getText(1), st.getText(2), st.getText(3), st.getText(4), st.getText(5),
                      "nbaops-notification-" + std::to_string(st.getInt(0))};
            due.push_back({std::move(m), int(st.getInt(6))});
        }
    }
    for (auto& [m, attempts] : due) {
        const auto rc = m_cfg.receivers.find(m.receiver);
        if (rc == m_cfg.receivers.end() || rc->second.type == "desktop")
            continue; // the console shows desktop ones
        // Claim it (a lease of 5 minutes): another process delivering at the same time skips it.
        m_db.prepare("UPDATE alert_notifications SET next_attempt_at = ? WHERE id = ? AND status = 'queued'"
                     " AND next_attempt_at <= ?")
            .bindAll(toIsoUtc(now + std::chrono::minutes(5)), m.id, at)
            .run();
        if (m_db.changes() != 1)
            continue;
        std::string error;
        try {
            error = sender.send(rc->second, m);
        } catch (const std::exception& e) {
            error = e.what();
        }
        error = redact::text(error);
        ++attempts;
        if (error.empty()) {
            m_db.prepare("UPDATE alert_notifications SET status = 'sent', sent_at = ?, attempts = ?, last_error = NULL"
                         " WHERE id = ?")
                .bindAll(at, int64_t(attempts), m.id)
                .run();
            ++out.sent;
        } else {
            const std::string next = toIsoUtc(now + retryDelay(attempts));
            m_db.prepare("UPDATE alert_notifications SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?")
                .bindAll(int64_t(attempts), error, next, m.id)
                .run();
            ++out.failed;
            out.errors.push_back(m.receiver + ": " + error + " (attempt " + std::to_string(attempts) +
                                 ", retried at " + next + ")");
        }
    }
    return out;
}

} // namespace nbaops::alerts
