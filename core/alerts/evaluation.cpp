// Engine::apply: one evaluation pass over the alert state machine, in four steps (conditions,
// resolutions, inhibition, notifications), each a member of Pass.
#include "engine.h"

#include "rows.h"
#include "store/database.h"

#include <algorithm>
#include <map>

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

// An alert that is not resolved, as this pass sees it. `state` also takes the pass's own
// values "resolved_now" (resolved in this pass) and "cleared" (a pending one that went away).
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

// The alerts of one notification: a group, a kind and a reason to hold it back ("" to send).
struct Batch
{
    std::string groupKey, kind, reason;
    std::optional<int64_t> silence;
    std::vector<const Open*> alerts;
};

class Pass
{
public:
    Pass(store::Database& db, const Config& cfg, TimePoint now)
        : m_db(db), m_cfg(cfg), m_now(now), m_at(toIsoUtc(now)),
          m_event(db.prepare("INSERT INTO alert_events(alert_id, at, from_state, to_state, value, summary)"
                             " VALUES (?,?,?,?,?,?)"))
    {
        loadOpen();
    }

    void applyConditions(const Measured& measured, Evaluation& ev);
    void resolveMissing(Evaluation& ev);
    void applyInhibition();
    std::vector<Batch> batches(Evaluation& ev);
    void queue(const Batch& batch, Evaluation& ev);
    void count(Evaluation& ev) const
    {
        for (const auto& [fp, o] : m_open) {
            ev.pending += o.state == "pending";
            ev.firing += o.state == "firing";
        }
    }

private:
    store::Database& m_db;
    const Config& m_cfg;
    const TimePoint m_now;
    const std::string m_at;
    store::Statement m_event;
    std::map<std::string, Open> m_open; // by fingerprint

    void loadOpen();
    void logEvent(int64_t id, const std::string& from, const std::string& to, double value, const std::string& summary);
    void openEpisode(const Signal& c, const Rule& rule, Evaluation& ev);
    std::string kindOf(const Open& o, const Rule& rule) const;
    std::string subjectOf(const Batch& b, Severity sev) const;
    std::string bodyOf(const Batch& b) const;
    void addNotification(const Batch& b, const std::string& receiver, Severity sev, Evaluation& ev);
};

void Pass::loadOpen()
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
        m_open[o.fingerprint] = std::move(o);
    }
}

void Pass::logEvent(int64_t id, const std::string& from, const std::string& to, double value, const std::string& summary)
{
    m_event.reset();
    m_event.bindAll(id, m_at, from.empty() ? std::optional<std::string>() : std::optional(from), to, value, summary);
    m_event.run();
}

// A new episode of a condition: pending, or firing at once without a `for` duration. The row
// of an earlier, resolved episode is reused (one row per fingerprint).
void Pass::openEpisode(const Signal& c, const Rule& rule, Evaluation& ev)
{
    const std::string fp = fingerprintOf(c.rule, c.labels);
    const bool fires = rule.forDuration.count() == 0;
    const std::string state = fires ? "firing" : "pending";
    m_db.prepare("INSERT INTO alerts(fingerprint, rule, labels, group_key, severity, state, value, summary,"
                 " active_since, fired_at, evaluated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
                 " ON CONFLICT(fingerprint) DO UPDATE SET severity = excluded.severity, state = excluded.state,"
                 " value = excluded.value, summary = excluded.summary, group_key = excluded.group_key,"
                 " active_since = excluded.active_since, fired_at = excluded.fired_at, resolved_at = NULL,"
                 " evaluated_at = excluded.evaluated_at, notified_at = NULL, inhibited_by = NULL,"
                 " acked_by = NULL, acked_at = NULL, ack_comment = NULL")
        .bindAll(fp, c.rule, nlohmann::json(c.labels).dump(), groupKeyOf(rule, c.labels),
                 std::string(toString(rule.severity)), state, c.value, c.summary, m_at,
                 fires ? std::optional(m_at) : std::nullopt, m_at)
        .run();
    auto id = m_db.prepare("SELECT id FROM alerts WHERE fingerprint = ?");
    id.bindAll(fp);
    id.step();
    Open o;
    o.id = id.getInt(0);
    o.fingerprint = fp;
    o.rule = c.rule;
    o.state = state;
    o.activeSince = m_at;
    o.firedAt = fires ? m_at : "";
    o.groupKey = groupKeyOf(rule, c.labels);
    o.severity = rule.severity;
    o.labels = c.labels;
    o.summary = c.summary;
    o.value = c.value;
    o.seen = true;
    logEvent(o.id, "", state, c.value, c.summary);
    ev.newlyFiring += fires;
    m_open[fp] = std::move(o);
}

// Step 1: the conditions that hold now open an episode, or keep one open (a pending one fires
// once its `for` duration has passed).
void Pass::applyConditions(const Measured& measured, Evaluation& ev)
{
    for (const auto& c : measured.conditions) {
        const Rule* rule = m_cfg.find(c.rule);
        if (!rule)
            continue;
        auto it = m_open.find(fingerprintOf(c.rule, c.labels));
        if (it == m_open.end()) {
            openEpisode(c, *rule, ev);
            continue;
        }
        Open& o = it->second;
        o.seen = true;
        o.value = c.value;
        o.summary = c.summary;
        const auto since = parseIsoUtc(o.activeSince).value_or(m_now);
        if (o.state == "pending" && m_now - since >= rule->forDuration) {
            o.state = "firing";
            o.firedAt = m_at;
            logEvent(o.id, "pending", "firing", c.value, c.summary);
            ++ev.newlyFiring;
        }
        m_db.prepare("UPDATE alerts SET state = ?, value = ?, summary = ?, fired_at = nullif(?, ''), evaluated_at = ?"
                     " WHERE id = ?")
            .bindAll(o.state, c.value, c.summary, o.firedAt, m_at, o.id)
            .run();
    }
}

// Step 2: open alerts whose condition no longer holds: a firing one resolves, a pending one clears.
void Pass::resolveMissing(Evaluation& ev)
{
    for (auto& [fp, o] : m_open) {
        if (o.seen)
            continue;
        const bool wasFiring = o.state == "firing";
        logEvent(o.id, o.state, wasFiring ? "resolved" : "cleared", o.value, o.summary);
        m_db.prepare("UPDATE alerts SET state = 'resolved', resolved_at = ?, evaluated_at = ?, inhibited_by = NULL"
                     " WHERE id = ?")
            .bindAll(m_at, m_at, o.id)
            .run();
        o.state = wasFiring ? "resolved_now" : "cleared";
        ev.resolved += wasFiring;
    }
}

// Step 3: a firing alert inhibits the alerts of the rules it names (where its inhibit_equal
// labels agree) for as long as it fires.
// The firing alert that inhibits `target` ("" when none): its rule names the target's, and the
// labels its inhibit_equal lists agree.
std::string inhibitorOf(const std::map<std::string, Open>& open, const Config& cfg, const std::string& fp,
                        const Open& target)
{
    for (const auto& [sfp, src] : open) {
        if (src.state != "firing" || sfp == fp)
            continue;
        const Rule* srcRule = cfg.find(src.rule);
        if (!srcRule ||
            std::find(srcRule->inhibits.begin(), srcRule->inhibits.end(), target.rule) == srcRule->inhibits.end())
            continue;
        const Labels& from = src.labels;
        const bool equal = std::all_of(srcRule->inhibitEqual.begin(), srcRule->inhibitEqual.end(), [&](const auto& l) {
            const auto a = from.find(l), b = target.labels.find(l);
            return a != from.end() && b != target.labels.end() && a->second == b->second;
        });
        if (equal)
            return sfp;
    }
    return {};
}

void Pass::applyInhibition()
{
    for (auto& [fp, o] : m_open) {
        if (o.state != "pending" && o.state != "firing")
            continue;
        const std::string by = inhibitorOf(m_open, m_cfg, fp, o);
        if (by != o.inhibitedBy) {
            o.inhibitedBy = by;
            m_db.prepare("UPDATE alerts SET inhibited_by = nullif(?, '') WHERE id = ?").bindAll(by, o.id).run();
        }
    }
}

// What an open alert needs sent now: "firing" (never notified), "resolved" (notified before),
// "repeat" (unacknowledged past the repeat interval), or "" (nothing).
std::string Pass::kindOf(const Open& o, const Rule& rule) const
{
    if (o.state == "resolved_now")
        return o.notifications > 0 ? "resolved" : "";
    if (o.state != "firing")
        return "";
    if (o.notifiedAt.empty())
        return "firing";
    if (!o.ackedAt.empty())
        return "";
    const auto last = parseIsoUtc(o.notifiedAt).value_or(m_now);
    return m_now - last >= rule.repeatInterval.value_or(m_cfg.repeatInterval) ? "repeat" : "";
}

// Step 4a: the notifications due, by group, kind and reason. A group's first message waits
// for company (group_wait); during a backfill all but P0 (and rules that page anyway) are
// held; silenced and inhibited ones are kept as suppressed.
std::vector<Batch> Pass::batches(Evaluation& ev)
{
    const auto silencesNow = activeSilences(m_db, m_at);
    std::map<std::string, TimePoint> firstFired; // per group, of the alerts waiting for their first message
    for (const auto& [fp, o] : m_open) {
        if (o.state == "firing" && o.notifiedAt.empty()) {
            const auto f = parseIsoUtc(o.firedAt).value_or(m_now);
            auto [it, inserted] = firstFired.emplace(o.groupKey, f);
            if (!inserted)
                it->second = std::min(it->second, f);
        }
    }
    std::map<std::string, Batch> byKey;
    for (const auto& [fp, o] : m_open) {
        const Rule* rule = m_cfg.find(o.rule);
        if (!rule)
            continue;
        const std::string kind = kindOf(o, *rule);
        if (kind.empty())
            continue;
        if (kind != "resolved") {
            const bool quietForBackfill = ev.backfill && o.severity != Severity::P0 && !rule->pageDuringBackfill;
            if (quietForBackfill || (kind == "firing" && m_now - firstFired[o.groupKey] < m_cfg.groupWait)) {
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
        Batch& b = byKey[o.groupKey + "\n" + kind + "\n" + reason];
        b.groupKey = o.groupKey;
        b.kind = kind;
        b.reason = reason;
        b.silence = silence;
        b.alerts.push_back(&o);
    }
    std::vector<Batch> out;
    out.reserve(byKey.size());
    for (auto& [key, b] : byKey)
        out.push_back(std::move(b));
    return out;
}

std::string Pass::subjectOf(const Batch& b, Severity sev) const
{
    const std::string verb = b.kind == "resolved" ? "RESOLVED" : b.kind == "repeat" ? "STILL FIRING" : "FIRING";
    std::string subject = "[" + std::string(toString(sev)) + "] " + verb + ": " + b.alerts.front()->rule;
    if (b.alerts.size() > 1)
        return subject + " (" + std::to_string(b.alerts.size()) + " alerts)";
    return subject + " - " + b.alerts.front()->summary;
}

std::string Pass::bodyOf(const Batch& b) const
{
    std::string body;
    for (const auto* a : b.alerts)
        body += "- " + a->summary + "\n";
    const Rule* rule = m_cfg.find(b.alerts.front()->rule);
    if (rule && !rule->runbook.empty() && b.kind != "resolved")
        body += "\nWhat to do: " + rule->runbook + "\n";
    return body + "\nnbaops alerts list shows them; nbaops alerts ack ID acknowledges one.\n";
}

// One outbox row for one receiver: queued, delayed by the rate limit (never dropped), or kept
// as suppressed with the reason (silenced, inhibited, receiver not configured).
void Pass::addNotification(const Batch& b, const std::string& receiver, Severity sev, Evaluation& ev)
{
    const auto rc = m_cfg.receivers.find(receiver);
    std::string status = b.reason.empty() ? "queued" : "suppressed";
    std::string why = b.reason;
    std::string next = m_at;
    if (status == "queued" && (rc == m_cfg.receivers.end() || !rc->second.configured())) {
        status = "suppressed";
        why = "receiver not configured" +
              (rc == m_cfg.receivers.end() || rc->second.unconfigured.empty() ? std::string()
                                                                              : ": " + rc->second.unconfigured);
    }
    if (status == "queued") {
        auto recent = m_db.prepare("SELECT count(*), min(created_at) FROM alert_notifications WHERE receiver = ?"
                                   " AND status IN ('queued', 'sent') AND created_at > ?");
        recent.bindAll(receiver, toIsoUtc(m_now - m_cfg.rateWindow));
        recent.step();
        if (recent.getInt(0) >= m_cfg.rateLimit) {
            // Over the rate limit: queued for when the window has room (delayed, not dropped).
            const auto oldest = parseIsoUtc(recent.getText(1)).value_or(m_now);
            next = toIsoUtc(oldest + m_cfg.rateWindow);
            why = "rate limited";
        }
    }
    std::vector<int64_t> ids;
    for (const auto* a : b.alerts)
        ids.push_back(a->id);
    m_db.prepare("INSERT INTO alert_notifications(group_key, receiver, kind, severity, alert_ids, subject, body, status,"
                 " reason, next_attempt_at, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)")
        .bindAll(b.groupKey, receiver, b.kind, std::string(toString(sev)), nlohmann::json(ids).dump(),
                 subjectOf(b, sev), bodyOf(b), status, why.empty() ? std::optional<std::string>() : std::optional(why),
                 next, m_at)
        .run();
    ++(status == "queued" ? ev.queued : ev.suppressed);
}

// Step 4b: one message per batch to each receiver its severity routes to; the silence counts
// what it held back; the alerts remember they were notified.
void Pass::queue(const Batch& b, Evaluation& ev)
{
    Severity sev = Severity::P3;
    for (const auto* a : b.alerts)
        sev = std::min(sev, a->severity);
    const auto route = m_cfg.routes.find(sev);
    for (const auto& receiver : route == m_cfg.routes.end() ? std::vector<std::string>{} : route->second)
        addNotification(b, receiver, sev, ev);
    if (b.silence)
        m_db.prepare("UPDATE alert_silences SET suppressed = suppressed + ? WHERE id = ?")
            .bindAll(int64_t(b.alerts.size()), *b.silence)
            .run();
    for (const auto* a : b.alerts)
        m_db.prepare("UPDATE alerts SET notified_at = ?, notifications = notifications + 1 WHERE id = ?")
            .bindAll(m_at, a->id)
            .run();
}

} // namespace

Evaluation Engine::apply(const Measured& measured, TimePoint now)
{
    Evaluation ev;
    ev.backfill = measured.backfill;
    ev.backfillDetail = measured.backfillDetail;
    ev.errors = measured.errors;
    store::Transaction tx(m_db);
    Pass pass(m_db, m_cfg, now);
    pass.applyConditions(measured, ev);
    pass.resolveMissing(ev);
    pass.applyInhibition();
    for (const auto& batch : pass.batches(ev))
        pass.queue(batch, ev);
    pass.count(ev);
    tx.commit();
    return ev;
}

} // namespace nbaops::alerts
