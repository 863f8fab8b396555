// The operator's side of alerting: what fires, the history, the notifications, silences, and
// acknowledging (the engine, in engine.cpp, changes the alerts; this reads and annotates them).
#include "engine.h"

#include "rows.h"
#include "store/audit.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/log.h"

#include <algorithm>

namespace nbaops::alerts {

std::vector<AlertView> listAlerts(store::Database& db, const Config& cfg, TimePoint now,
                                  bool withResolved)
{
    std::vector<AlertView> out;
    const auto active = activeSilences(db, toIsoUtc(now));
    auto st = db.prepare(
        std::string(
            "SELECT id, fingerprint, rule, severity, state, summary, group_key, labels,"
            " coalesce(value, 0), active_since, coalesce(fired_at, ''), coalesce(resolved_at, ''),"
            " evaluated_at, coalesce(notified_at, ''), notifications, coalesce(inhibited_by, ''),"
            " coalesce(acked_by, ''), coalesce(acked_at, ''), coalesce(ack_comment, '')"
            " FROM alerts") +
        (withResolved ? "" : " WHERE state <> 'resolved'") +
        " ORDER BY CASE state WHEN 'firing' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END, severity,"
        " coalesce(fired_at, active_since) DESC");
    while (st.step()) {
        AlertView a;
        a.id = st.getInt(0);
        a.fingerprint = st.getText(1);
        a.rule = st.getText(2);
        a.severity = st.getText(3);
        a.state = st.getText(4);
        a.summary = st.getText(5);
        a.groupKey = st.getText(6);
        a.labels = labelsFrom(st.getText(7));
        a.value = st.getDouble(8);
        a.activeSince = st.getText(9);
        a.firedAt = st.getText(10);
        a.resolvedAt = st.getText(11);
        a.evaluatedAt = st.getText(12);
        a.notifiedAt = st.getText(13);
        a.notifications = int(st.getInt(14));
        a.inhibitedBy = st.getText(15);
        a.ackedBy = st.getText(16);
        a.ackedAt = st.getText(17);
        a.ackComment = st.getText(18);
        for (const auto& s : active) {
            if (silenceMatches(s.matchers, a.rule, a.labels)) {
                a.silencedBy = s.id;
                break;
            }
        }
        if (const Rule* r = cfg.find(a.rule))
            a.runbook = r->runbook;
        out.push_back(std::move(a));
    }
    return out;
}

std::vector<EventView> alertHistory(store::Database& db, std::optional<TimePoint> since, int limit)
{
    std::vector<EventView> out;
    auto st = db.prepare(
        "SELECT e.alert_id, e.at, a.rule, coalesce(e.from_state, ''), e.to_state, e.summary, "
        "a.severity,"
        " a.labels FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE e.at >= ?"
        " ORDER BY e.at DESC, e.id DESC LIMIT ?");
    st.bindAll(since ? toIsoUtc(*since) : std::string(), int64_t(limit));
    while (st.step())
        out.push_back({st.getInt(0), st.getText(1), st.getText(2), st.getText(3), st.getText(4),
                       st.getText(5), st.getText(6), labelsFrom(st.getText(7))});
    return out;
}

std::vector<NotificationView> notifications(store::Database& db, int limit)
{
    std::vector<NotificationView> out;
    auto st =
        db.prepare("SELECT id, receiver, kind, severity, subject, status, coalesce(reason, ''),"
                   " coalesce(last_error, ''), created_at, coalesce(sent_at, ''), next_attempt_at, "
                   "attempts, alert_ids"
                   " FROM alert_notifications ORDER BY id DESC LIMIT ?");
    st.bindAll(int64_t(limit));
    while (st.step()) {
        NotificationView n{st.getInt(0),
                           st.getText(1),
                           st.getText(2),
                           st.getText(3),
                           st.getText(4),
                           st.getText(5),
                           st.getText(6),
                           st.getText(7),
                           st.getText(8),
                           st.getText(9),
                           st.getText(10),
                           int(st.getInt(11)),
                           {}};
        try {
            n.alertIds = nlohmann::json::parse(st.getText(12)).get<std::vector<int64_t>>();
        } catch (const std::exception& e) {
            // The notification is still listed; only the links to its alerts are missing.
            log::warning("alerts", "notification " + std::to_string(n.id) +
                                       " lists its alerts in a form that cannot be read (" +
                                       e.what() + ")");
        }
        out.push_back(std::move(n));
    }
    return out;
}

std::vector<SilenceView> silences(store::Database& db, TimePoint now)
{
    std::vector<SilenceView> out;
    const std::string at = toIsoUtc(now);
    auto st = db.prepare("SELECT id, matchers, creator, comment, starts_at, ends_at, created_at, "
                         "coalesce(expired_at, ''),"
                         " suppressed FROM alert_silences ORDER BY id DESC");
    while (st.step()) {
        SilenceView s;
        s.id = st.getInt(0);
        const auto parsed = readStoredMatchers(st.getText(1));
        s.matchers = parsed.json;
        s.problem = parsed.problem;
        s.creator = st.getText(2);
        s.comment = st.getText(3);
        s.startsAt = st.getText(4);
        s.endsAt = st.getText(5);
        s.createdAt = st.getText(6);
        s.expiredAt = st.getText(7);
        s.suppressed = int(st.getInt(8));
        s.active = s.expiredAt.empty() && s.startsAt <= at && at < s.endsAt;
        out.push_back(std::move(s));
    }
    return out;
}

void acknowledge(store::Database& db, int64_t alertId, const std::string& who,
                 const std::string& comment, TimePoint now)
{
    store::Transaction tx(db);
    auto st = db.prepare("SELECT state, summary FROM alerts WHERE id = ?");
    st.bindAll(alertId);
    if (!st.step())
        throw UsageError("There is no alert " + std::to_string(alertId) +
                         "; nbaops alerts list shows their ids.");
    if (who.empty())
        throw UsageError("Say who acknowledges (--by NAME): the history keeps it.");
    const std::string state = st.getText(0), summary = st.getText(1);
    st.reset();
    if (state == "resolved")
        throw UsageError("Alert " + std::to_string(alertId) +
                         " is already resolved; there is nothing to acknowledge.");
    const std::string at = toIsoUtc(now);
    db.prepare("UPDATE alerts SET acked_by = ?, acked_at = ?, ack_comment = ? WHERE id = ?")
        .bindAll(who, at, comment, alertId)
        .run();
    db.prepare("INSERT INTO alert_events(alert_id, at, from_state, to_state, summary) VALUES "
               "(?,?,?,'acked',?)")
        .bindAll(alertId, at, state,
                 summary + " (acknowledged by " + who + (comment.empty() ? "" : ": " + comment) +
                     ")")
        .run();
    store::writeAudit(db, {who, "alerts.ack", "alert " + std::to_string(alertId) + ": " + summary,
                           comment, "ok"});
    tx.commit();
}

int64_t addSilence(store::Database& db, const nlohmann::json& matchers, const std::string& creator,
                   const std::string& comment, std::chrono::seconds duration, TimePoint now)
{
    if (!matchers.is_object() || matchers.empty())
        throw UsageError(
            "A silence needs at least one matcher, e.g. rule=run_failed or processor=bdl_*.");
    if (creator.empty())
        throw UsageError("Say who creates the silence (--by NAME).");
    if (comment.empty())
        throw UsageError("Say why (--comment TEXT): the silence's history keeps it.");
    if (duration.count() <= 0 || duration > std::chrono::hours(24 * 30))
        throw UsageError("A silence lasts between 1 second and 30 days (--for 2h).");
    const std::string at = toIsoUtc(now);
    db.prepare("INSERT INTO alert_silences(matchers, creator, comment, starts_at, ends_at, "
               "created_at) VALUES (?,?,?,?,?,?)")
        .bindAll(matchers.dump(), creator, comment, at, toIsoUtc(now + duration), at)
        .run();
    const int64_t id = db.lastInsertRowId();
    store::writeAudit(db, {creator, "alerts.silence",
                           "silence " + std::to_string(id) + " until " + toIsoUtc(now + duration) +
                               ": " + comment,
                           matchers.dump(), "ok"});
    return id;
}

void expireSilence(store::Database& db, int64_t id, TimePoint now)
{
    db.prepare("UPDATE alert_silences SET expired_at = ? WHERE id = ? AND expired_at IS NULL")
        .bindAll(toIsoUtc(now), id)
        .run();
    if (db.changes() != 1)
        throw UsageError("There is no active silence " + std::to_string(id) +
                         "; nbaops alerts silences lists them.");
    store::writeAudit(
        db, {"", "alerts.unsilence", "silence " + std::to_string(id) + " ended", "", "ok"});
}

std::vector<Message> takeDesktopNotifications(store::Database& db, const Config& cfg, TimePoint now)
{
    std::vector<Message> out;
    std::vector<std::string> desktop;
    for (const auto& [name, r] : cfg.receivers) {
        if (r.type == "desktop")
            desktop.push_back(name);
    }
    const std::string at = toIsoUtc(now);
    store::Transaction tx(db);
    auto st =
        db.prepare("SELECT id, receiver, kind, severity, subject, body FROM alert_notifications"
                   " WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY id");
    st.bindAll(at);
    while (st.step()) {
        if (std::find(desktop.begin(), desktop.end(), st.getText(1)) == desktop.end())
            continue;
        out.push_back({st.getInt(0), st.getText(1), st.getText(2), st.getText(3), st.getText(4),
                       st.getText(5), "nbaops-notification-" + std::to_string(st.getInt(0))});
    }
    st.reset();
    for (const auto& m : out)
        db.prepare("UPDATE alert_notifications SET status = 'sent', sent_at = ?, attempts = "
                   "attempts + 1 WHERE id = ?")
            .bindAll(at, m.id)
            .run();
    tx.commit();
    return out;
}

nlohmann::json parseMatchers(const std::vector<std::string>& terms)
{
    nlohmann::json m = nlohmann::json::object();
    for (const auto& t : terms) {
        const auto eq = t.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == t.size())
            throw UsageError(
                "'" + t +
                "' is not a matcher; write NAME=VALUE, e.g. rule=run_failed or processor=bdl_*.");
        m[t.substr(0, eq)] = t.substr(eq + 1);
    }
    if (m.empty())
        throw UsageError(
            "A silence needs at least one matcher, e.g. rule=run_failed or processor=bdl_*.");
    return m;
}

} // namespace nbaops::alerts
