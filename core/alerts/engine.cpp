#include "engine.h"

#include "rows.h"

#include "store/database.h"
#include "util/errors.h"

#include <algorithm>
#include <map>
#include <set>

namespace nbaops::alerts {

namespace {

std::string fingerprintOf(const std::string& rule, const Labels& labels)
{
    return rule + nlohmann::json(labels).dump();
}

std::string groupKeyOf(const Rule& rule, const Labels& labels)
{
    std::string key = rule.name;
    for (const auto& l : rule.groupBy) {
        const auto it = labels.find(l);
        key += "|" + l + "=" + (it == labels.end() ? std::string() : it->second);
    }
    return key;
}

struct Open
{
    int64_t id = 0;
    std::string fingerprint, rule, state, activeSince, firedAt, notifiedAt, inhibitedBy, ackedAt, groupKey, summary;
    Severity severity = Severity::P2;
    Labels labels;
    int notifications = 0;
    double value = 0;
    bool seen = false;
};

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
    } catch (const std::exception&) {
    }
    return out;
}

std::vector<ActiveSilence> activeSilences(store::Database& db, const std::string& now)
{
    std::vector<ActiveSilence> out;
    auto st = db.prepare("SELECT id, matchers FROM alert_silences WHERE starts_at <= ? AND ends_at > ? AND expired_at IS NULL");
    st.bindAll(now, now);
    while (st.step()) {
        try {
            out.push_back({st.getInt(0), nlohmann::json::parse(st.getText(1))});
        } catch (const std::exception&) {
        }
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

Evaluation Engine::apply(const Measured& measured, TimePoint now)
{
    Evaluation ev;
    ev.backfill = measured.backfill;
    ev.backfillDetail = measured.backfillDetail;
    ev.errors = measured.errors;
    const std::string at = toIsoUtc(now);
    store::Transaction tx(m_db);

    std::map<std::string, Open> open;
    {
        auto st = m_db.prepare("SELECT id, fingerprint, rule, state, active_since, coalesce(fired_at, ''),"
                               " coalesce(notified_at, ''), coalesce(inhibited_by, ''), coalesce(acked_at, ''),"
                               " group_key, severity, labels, notifications, coalesce(value, 0), summary"
                               " FROM alerts WHERE state <> 'resolved'");
        while (st.step()) {
            Open o{st.getInt(0), st.getText(1), st.getText(2), st.getText(3), st.getText(4), st.getText(5),
                   st.getText(6), st.getText(7), st.getText(8), st.getText(9), st.getText(14),
                   severityFromString(st.getText(10)).value_or(Severity::P2), labelsFrom(st.getText(11)),
                   int(st.getInt(12)), st.getDouble(13), false};
            open[o.fingerprint] = std::move(o);
        }
    }
    auto event = m_db.prepare("INSERT INTO alert_events(alert_id, at, from_state, to_state, value, summary) VALUES (?,?,?,?,?,?)");
    const auto logEvent = [&](int64_t id, const std::string& from, const std::string& to, double value,
                              const std::string& summary) {
        event.reset();
        event.bindAll(id, at, from.empty() ? std::optional<std::string>() : std::optional(from), to, value, summary);
        event.run();
    };

    // 1. The conditions that hold now.
    std::set<std::string> resolvedNow;
    for (const auto& s : measured.conditions) {
        const Rule* rule = m_cfg.find(s.rule);
        if (!rule)
            continue;
        const std::string fp = fingerprintOf(s.rule, s.labels);
        auto it = open.find(fp);
        if (it == open.end()) {
            // A new episode (the row of an earlier, resolved one is reused: one row per fingerprint).
            const bool fires = rule->forDuration.count() == 0;
            const std::string state = fires ? "firing" : "pending";
            m_db.prepare("INSERT INTO alerts(fingerprint, rule, labels, group_key, severity, state, value, summary,"
                         " active_since, fired_at, evaluated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
                         " ON CONFLICT(fingerprint) DO UPDATE SET severity = excluded.severity, state = excluded.state,"
                         " value = excluded.value, summary = excluded.summary, group_key = excluded.group_key,"
                         " active_since = excluded.active_since, fired_at = excluded.fired_at, resolved_at = NULL,"
                         " evaluated_at = excluded.evaluated_at, notified_at = NULL, inhibited_by = NULL,"
                         " acked_by = NULL, acked_at = NULL, ack_comment = NULL")
                .bindAll(fp, s.rule, nlohmann::json(s.labels).dump(), groupKeyOf(*rule, s.labels),
                         std::string(toString(rule->severity)), state, s.value, s.summary, at,
                         fires ? std::optional(at) : std::nullopt, at)
                .run();
            auto id = m_db.prepare("SELECT id FROM alerts WHERE fingerprint = ?");
            id.bindAll(fp);
            id.step();
            Open o;
            o.id = id.getInt(0);
            o.fingerprint = fp;
            o.rule = s.rule;
            o.state = state;
            o.activeSince = at;
            o.firedAt = fires ? at : "";
            o.groupKey = groupKeyOf(*rule, s.labels);
            o.severity = rule->severity;
            o.labels = s.labels;
            o.summary = s.summary;
            o.value = s.value;
            o.seen = true;
            logEvent(o.id, "", state, s.value, s.summary);
            ev.newlyFiring += fires;
            open[fp] = std::move(o);
            continue;
        }
        Open& o = it->second;
        o.seen = true;
        o.value = s.value;
        o.summary = s.summary;
        const auto since = parseIsoUtc(o.activeSince).value_or(now);
        if (o.state == "pending" && now - since >= rule->forDuration) {
            o.state = "firing";
            o.firedAt = at;
            logEvent(o.id, "pending", "firing", s.value, s.summary);
            ++ev.newlyFiring;
        }
        m_db.prepare("UPDATE alerts SET state = ?, value = ?, summary = ?, fired_at = nullif(?, ''), evaluated_at = ?"
                     " WHERE id = ?")
            .bindAll(o.state, s.value, s.summary, o.firedAt, at, o.id)
            .run();
    }
    // 2. Open alerts whose condition no longer holds: a firing one resolves, a pending one clears.
    for (auto& [fp, o] : open) {
        if (o.seen)
            continue;
        const bool wasFiring = o.state == "firing";
        logEvent(o.id, o.state, wasFiring ? "resolved" : "cleared", o.value, o.summary);
        m_db.prepare("UPDATE alerts SET state = 'resolved', resolved_at = ?, evaluated_at = ?, inhibited_by = NULL"
                     " WHERE id = ?")
            .bindAll(at, at, o.id)
            .run();
        o.state = wasFiring ? "resolved_now" : "cleared";
        if (wasFiring) {
            ++ev.resolved;
            resolvedNow.insert(fp);
        }
    }
    // 3. Inhibition: a firing alert silences the alerts of the rules it names (where the
    //    inhibit_equal labels agree) for as long as it fires.
    for (auto& [fp, o] : open) {
        if (o.state != "pending" && o.state != "firing")
            continue;
        std::string by;
        for (const auto& [sfp, src] : open) {
            if (src.state != "firing" || sfp == fp)
                continue;
            const Rule* srcRule = m_cfg.find(src.rule);
            if (!srcRule || std::find(srcRule->inhibits.begin(), srcRule->inhibits.end(), o.rule) == srcRule->inhibits.end())
                continue;
            const bool equal = std::all_of(srcRule->inhibitEqual.begin(), srcRule->inhibitEqual.end(), [&](const auto& l) {
                const auto a = src.labels.find(l), b = o.labels.find(l);
                return a != src.labels.end() && b != o.labels.end() && a->second == b->second;
            });
            if (equal) {
                by = sfp;
                break;
            }
        }
        if (by != o.inhibitedBy) {
            o.inhibitedBy = by;
            m_db.prepare("UPDATE alerts SET inhibited_by = nullif(?, '') WHERE id = ?").bindAll(by, o.id).run();
        }
    }

    // 4. Notifications: new firing alerts (after the group's wait), resolutions of notified
    //    ones, repeats of unacknowledged ones; silenced and inhibited ones are recorded as
    //    suppressed; during a backfill all but P0 (and rules that page anyway) are held.
    const auto silencesNow = activeSilences(m_db, at);
    struct Need
    {
        const Open* alert;
        std::string kind;
    };
    std::map<std::string, std::vector<Need>> byGroup; // group|kind|reason
    std::map<std::string, std::string> groupReason;
    std::map<std::string, std::optional<int64_t>> groupSilence;
    std::map<std::string, TimePoint> firstFired; // per group, of the alerts waiting for their first message
    for (const auto& [fp, o] : open) {
        if (o.state == "firing" && o.notifiedAt.empty()) {
            const auto f = parseIsoUtc(o.firedAt).value_or(now);
            auto [it, inserted] = firstFired.emplace(o.groupKey, f);
            if (!inserted)
                it->second = std::min(it->second, f);
        }
    }
    for (const auto& [fp, o] : open) {
        const Rule* rule = m_cfg.find(o.rule);
        if (!rule)
            continue;
        std::string kind;
        if (o.state == "resolved_now") {
            if (o.notifications > 0)
                kind = "resolved";
        } else if (o.state == "firing") {
            if (o.notifiedAt.empty()) {
                kind = "firing";
            } else if (o.ackedAt.empty()) {
                const auto last = parseIsoUtc(o.notifiedAt).value_or(now);
                if (now - last >= rule->repeatInterval.value_or(m_cfg.repeatInterval))
                    kind = "repeat";
            }
        }
        if (kind.empty())
            continue;
        if (kind != "resolved") {
            if (ev.backfill && o.severity != Severity::P0 && !rule->pageDuringBackfill) {
                ++ev.held;
                continue;
            }
            if (kind == "firing" && now - firstFired[o.groupKey] < m_cfg.groupWait) {
                ++ev.held;
                continue;
            }
        }
        std::string reason;
        std::optional<int64_t> silence;
        for (const auto& s : silencesNow) {
            if (silenceMatches(s.matchers, o.rule, o.labels)) {
                silence = s.id;
                reason = "silence #" + std::to_string(s.id);
                break;
            }
        }
        if (reason.empty() && !o.inhibitedBy.empty())
            reason = "inhibited by " + o.inhibitedBy;
        const std::string key = o.groupKey + "\n" + kind + "\n" + reason;
        byGroup[key].push_back({&o, kind});
        groupReason[key] = reason;
        groupSilence[key] = silence;
    }

    auto recent = m_db.prepare("SELECT count(*), min(created_at) FROM alert_notifications WHERE receiver = ?"
                               " AND status IN ('queued', 'sent') AND created_at > ?");
    auto insert = m_db.prepare(
        "INSERT INTO alert_notifications(group_key, receiver, kind, severity, alert_ids, subject, body, status, reason,"
        " next_attempt_at, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    for (const auto& [key, needs] : byGroup) {
        const std::string& reason = groupReason[key];
        const std::string kind = needs.front().kind;
        Severity sev = Severity::P3;
        std::vector<int64_t> ids;
        for (const auto& n : needs) {
            sev = std::min(sev, n.alert->severity);
            ids.push_back(n.alert->id);
        }
        const Rule* rule = m_cfg.find(needs.front().alert->rule);
        const std::string verb = kind == "resolved" ? "RESOLVED" : kind == "repeat" ? "STILL FIRING" : "FIRING";
        std::string subject = "[" + std::string(toString(sev)) + "] " + verb + ": " + needs.front().alert->rule;
        if (needs.size() > 1)
            subject += " (" + std::to_string(needs.size()) + " alerts)";
        else
            subject += " - " + needs.front().alert->summary;
        std::string body;
        for (const auto& n : needs)
            body += "- " + n.alert->summary + "\n";
        if (rule && !rule->runbook.empty() && kind != "resolved")
            body += "\nWhat to do: " + rule->runbook + "\n";
        body += "\nnbaops alerts list shows them; nbaops alerts ack ID acknowledges one.\n";
        const auto route = m_cfg.routes.find(sev);
        for (const auto& receiverName : route == m_cfg.routes.end() ? std::vector<std::string>{} : route->second) {
            const auto rc = m_cfg.receivers.find(receiverName);
            std::string status = reason.empty() ? "queued" : "suppressed";
            std::string why = reason;
            std::string next = at;
            if (status == "queued" && (rc == m_cfg.receivers.end() || !rc->second.configured())) {
                status = "suppressed";
                why = "receiver not configured" +
                      (rc == m_cfg.receivers.end() || rc->second.unconfigured.empty() ? std::string()
                                                                                      : ": " + rc->second.unconfigured);
            }
            if (status == "queued") {
                recent.reset();
                recent.bindAll(receiverName, toIsoUtc(now - m_cfg.rateWindow));
                recent.step();
                if (recent.getInt(0) >= m_cfg.rateLimit) {
                    // Over the rate limit: queued for when the window has room (delayed, not dropped).
                    const auto oldest = parseIsoUtc(recent.getText(1)).value_or(now);
                    next = toIsoUtc(oldest + m_cfg.rateWindow);
                    why = "rate limited";
                }
                recent.reset();
            }
            insert.reset();
            insert.bindAll(key.substr(0, key.find('\n')), receiverName, kind, std::string(toString(sev)),
                           nlohmann::json(ids).dump(), subject, body, status,
                           why.empty() ? std::optional<std::string>() : std::optional(why), next, at);
            insert.run();
            if (status == "queued")
                ++ev.queued;
            else
                ++ev.suppressed;
        }
        if (const auto s = groupSilence[key])
            m_db.prepare("UPDATE alert_silences SET suppressed = suppressed + ? WHERE id = ?")
                .bindAll(int64_t(needs.size()), *s)
                .run();
        for (const auto& n : needs)
            m_db.prepare("UPDATE alerts SET notified_at = ?, notifications = notifications + 1 WHERE id = ?")
                .bindAll(at, n.alert->id)
                .run();
    }
    for (const auto& [fp, o] : open) {
        ev.pending += o.state == "pending";
        ev.firing += o.state == "firing";
    }
    tx.commit();
    return ev;
}

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
