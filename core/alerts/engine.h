#pragma once

#include "rules.h"
#include "signals.h"
#include "util/date.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::alerts {

// What one evaluation changed.
struct Evaluation
{
    int pending = 0, firing = 0;          // open after it
    int newlyFiring = 0, resolved = 0;    // transitions in it
    int queued = 0;                       // notifications to deliver
    int suppressed = 0;                   // silenced, inhibited or to an unconfigured receiver (kept in history)
    int held = 0;                         // alerts held back: a backfill runs, or the group is still waiting
    bool backfill = false;
    std::string backfillDetail;
    std::vector<std::string> errors;      // checks that could not be measured
};

// One message to one receiver.
struct Message
{
    int64_t id = 0;
    std::string receiver;
    std::string kind;        // firing | resolved | repeat
    std::string severity;
    std::string subject;
    std::string body;
    std::string idempotencyKey; // the same on every attempt: receivers can drop a repeat delivery
};

// Sends a message to a receiver; returns "" when the receiver accepted it, else what failed.
class Sender
{
public:
    virtual ~Sender() = default;
    virtual std::string send(const Receiver& receiver, const Message& message) = 0;
};

struct Delivery
{
    int sent = 0, failed = 0;
    std::vector<std::string> errors; // "chat: HTTP 500 (attempt 2, next at ...)"
};

// The alert state machine (pending -> firing -> resolved, with a `for` duration), inhibition,
// silences, grouping, repeat interval, rate limit, backfill quieting and the notification
// outbox. Everything lives in the database; `now` is passed in (the tests use a fake clock).
class Engine
{
public:
    Engine(store::Database& db, Config cfg);

    // Applies the measured conditions at `now` in one transaction.
    Evaluation apply(const Measured& measured, TimePoint now);
    // Sends the queued notifications that are due (desktop ones are left for the console).
    // Each is claimed before sending, so two processes never send the same row; a failure is
    // retried with backoff (30 s doubling, at most 1 h) and never dropped.
    Delivery deliver(Sender& sender, TimePoint now, int limit = 200);

    const Config& config() const { return m_cfg; }

private:
    store::Database& m_db;
    Config m_cfg;
};

// Views for the CLI and the console.
struct AlertView
{
    int64_t id = 0;
    std::string fingerprint, rule, severity, state, summary, groupKey;
    Labels labels;
    double value = 0;
    std::string activeSince, firedAt, resolvedAt, evaluatedAt, notifiedAt;
    int notifications = 0;
    std::string inhibitedBy, ackedBy, ackedAt, ackComment;
    std::optional<int64_t> silencedBy; // an active silence matching it
    std::string runbook;
};
std::vector<AlertView> listAlerts(store::Database& db, const Config& cfg, TimePoint now, bool withResolved = false);

struct EventView
{
    int64_t alertId = 0;
    std::string at, rule, fromState, toState, summary, severity;
    Labels labels;
};
std::vector<EventView> alertHistory(store::Database& db, std::optional<TimePoint> since, int limit = 200);

struct NotificationView
{
    int64_t id = 0;
    std::string receiver, kind, severity, subject, status, reason, lastError, createdAt, sentAt, nextAttemptAt;
    int attempts = 0;
    std::vector<int64_t> alertIds;
};
std::vector<NotificationView> notifications(store::Database& db, int limit = 200);

struct SilenceView
{
    int64_t id = 0;
    nlohmann::json matchers;
    std::string problem; // why the matchers match nothing ("" when they are fine)
    std::string creator, comment, startsAt, endsAt, createdAt, expiredAt;
    int suppressed = 0;
    bool active = false;
    // The matchers as the operator reads them, or what is wrong with them.
    std::string matchersText() const { return problem.empty() ? matchers.dump() : "unreadable: " + problem; }
};
std::vector<SilenceView> silences(store::Database& db, TimePoint now);

// Acknowledges an open alert (by id): no more repeats; the resolution is still sent.
void acknowledge(store::Database& db, int64_t alertId, const std::string& who, const std::string& comment,
                 TimePoint now);
// A silence for `duration` from now. Matchers: {"rule": "run_failed", "processor": "bdl_*"}
// (a trailing * matches a prefix); at least one, every one must match.
int64_t addSilence(store::Database& db, const nlohmann::json& matchers, const std::string& creator,
                   const std::string& comment, std::chrono::seconds duration, TimePoint now);
void expireSilence(store::Database& db, int64_t id, TimePoint now);
bool silenceMatches(const nlohmann::json& matchers, const std::string& rule, const Labels& labels);

// Desktop notifications for the console: the queued ones, marked delivered.
std::vector<Message> takeDesktopNotifications(store::Database& db, const Config& cfg, TimePoint now);

// Parses "rule=run_failed processor=bdl_*" style matchers; throws UsageError.
nlohmann::json parseMatchers(const std::vector<std::string>& terms);

} // namespace nbaops::alerts
