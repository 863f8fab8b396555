// nbaops alerts list | evaluate | ack | silence | silences | unsilence | history | rules
#include "commands.h"

#include "jobs/alertcycle.h"
#include "jobs/backend.h"
#include "alerts/engine.h"
#include "alerts/rules.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/files.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace nbaops::cli {

namespace {

nlohmann::json alertJson(const alerts::AlertView& a)
{
    nlohmann::json j = {{"id", a.id},
                        {"rule", a.rule},
                        {"severity", a.severity},
                        {"state", a.state},
                        {"summary", a.summary},
                        {"labels", a.labels},
                        {"value", a.value},
                        {"active_since", a.activeSince},
                        {"fired_at", a.firedAt.empty() ? nlohmann::json() : nlohmann::json(a.firedAt)},
                        {"resolved_at", a.resolvedAt.empty() ? nlohmann::json() : nlohmann::json(a.resolvedAt)},
                        {"notifications", a.notifications},
                        {"inhibited_by", a.inhibitedBy.empty() ? nlohmann::json() : nlohmann::json(a.inhibitedBy)},
                        {"silenced_by", a.silencedBy ? nlohmann::json(*a.silencedBy) : nlohmann::json()},
                        {"runbook", a.runbook}};
    if (!a.ackedBy.empty())
        j["acked"] = {{"by", a.ackedBy}, {"at", a.ackedAt}, {"comment", a.ackComment}};
    return j;
}

std::string flags(const alerts::AlertView& a)
{
    std::string f;
    if (!a.ackedBy.empty())
        f += " [acked by " + a.ackedBy + "]";
    if (a.silencedBy)
        f += " [silenced #" + std::to_string(*a.silencedBy) + "]";
    if (!a.inhibitedBy.empty())
        f += " [inhibited by " + a.inhibitedBy.substr(0, a.inhibitedBy.find('{')) + "]";
    return f;
}

// The options of every alerts subcommand (one is chosen per invocation).
struct AlertsOpts
{
    bool json = false, all = false, noSend = false;
    int64_t id = 0;
    std::string by = currentUserName(), comment, duration = "2h";
    std::vector<std::string> matchers;
    int days = 7;
};

// nbaops alerts list|evaluate
void addAlertViewCommands(CLI::App& group, GlobalOptions& g, std::function<int()>& action, const std::shared_ptr<AlertsOpts>& o)
{
    auto* list = group.add_subcommand("list", "Firing and pending alerts (--all: resolved too)");
    list->add_flag("--all", o->all, "Include resolved alerts");
    list->add_flag("--json", o->json, "One JSON object");
    list->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            auto db = store::Database::open(g.db, store::Database::Mode::ReadOnly);
            const auto cfg = alerts::loadConfig(g.db);
            const auto rows = alerts::listAlerts(db, cfg, std::chrono::system_clock::now(), o->all);
            if (o->json) {
                nlohmann::json out = nlohmann::json::array();
                for (const auto& a : rows)
                    out.push_back(alertJson(a));
                std::cout << nlohmann::json{{"alerts", out}, {"rules", cfg.origin}}.dump(2) << "\n";
                return 0;
            }
            if (rows.empty()) {
                std::cout << "No alerts " << (o->all ? "in the history" : "firing or pending")
                          << ". 'nbaops alerts evaluate' measures the checks now.\n";
                return 0;
            }
            for (const auto& a : rows) {
                std::printf("%5lld  %-2s  %-8s %-24s %s%s\n", static_cast<long long>(a.id), a.severity.c_str(),
                            a.state.c_str(), a.rule.c_str(), a.summary.c_str(), flags(a).c_str());
                std::printf("       since %s%s\n", (a.firedAt.empty() ? a.activeSince : a.firedAt).c_str(),
                            a.resolvedAt.empty() ? "" : (", resolved " + a.resolvedAt).c_str());
            }
            return 0;
        };
    });

    auto* eval = group.add_subcommand("evaluate", "Measure every check now, update the alerts, send what is due");
    eval->add_flag("--no-send", o->noSend, "Update the alerts but deliver nothing");
    eval->add_flag("--json", o->json, "One JSON object");
    eval->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            auto db = store::Database::open(g.db);
            const auto c = jobs::runAlertCycle(db, {g.db, std::chrono::system_clock::now(), !o->noSend});
            const auto& e = c.evaluation;
            if (o->json) {
                std::cout << nlohmann::json{{"rules", c.rulesOrigin},
                                            {"firing", e.firing},
                                            {"pending", e.pending},
                                            {"newly_firing", e.newlyFiring},
                                            {"resolved", e.resolved},
                                            {"queued", e.queued},
                                            {"suppressed", e.suppressed},
                                            {"held", e.held},
                                            {"backfill", e.backfill},
                                            {"sent", c.delivery.sent},
                                            {"failed", c.delivery.failed},
                                            {"errors", e.errors},
                                            {"delivery_errors", c.delivery.errors}}
                                 .dump(2)
                          << "\n";
            } else {
                std::printf("%d firing, %d pending (%d newly firing, %d resolved) by the %s.\n", e.firing, e.pending,
                            e.newlyFiring, e.resolved, c.rulesOrigin.c_str());
                std::printf("Notifications: %d queued, %d suppressed, %d held%s; %d sent, %d failed (retried later).\n",
                            e.queued, e.suppressed, e.held,
                            e.backfill ? (" (a backfill runs: " + e.backfillDetail + ")").c_str() : "",
                            c.delivery.sent, c.delivery.failed);
                for (const auto& err : e.errors)
                    std::printf("Not measured: %s\n", err.c_str());
                for (const auto& err : c.delivery.errors)
                    std::printf("Delivery: %s\n", err.c_str());
            }
            return e.firing > 0 ? 1 : 0;
        };
    });
}

// nbaops alerts ack|silence|silences|unsilence
// With the cloud backend, the change is also shared in the cloud's audit table for the other
// operators (jobs::Backend::share); a failure to is said, the change stays made.
void share(const GlobalOptions& g, const std::string& action, const std::string& detail)
{
    if (g.backend != "cloud")
        return;
    if (const auto why = backendOf(g)->share(action, detail); !why.empty())
        std::fprintf(stderr, "nbaops: done here, but not in the cloud's audit table: %s\n", why.c_str());
}

void addAlertActionCommands(CLI::App& group, GlobalOptions& g, std::function<int()>& action, const std::shared_ptr<AlertsOpts>& o)
{
    auto* ack = group.add_subcommand("ack", "Acknowledge an alert: no more repeats (its resolution is still sent)");
    ack->add_option("id", o->id, "The alert's id (nbaops alerts list)")->required();
    ack->add_option("--by", o->by, "Who acknowledges (default: $USER)");
    ack->add_option("--comment", o->comment, "Why, or what is being done");
    ack->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            auto db = store::Database::open(g.db);
            alerts::acknowledge(db, o->id, o->by, o->comment, std::chrono::system_clock::now());
            std::printf("Alert %lld acknowledged by %s.\n", static_cast<long long>(o->id), o->by.c_str());
            share(g, "alert.ack", "alert " + std::to_string(o->id) + " by " + o->by + ": " + o->comment);
            return 0;
        };
    });

    auto* sil = group.add_subcommand("silence", "Silence matching alerts for a while: NAME=VALUE... (a trailing * matches a prefix)");
    sil->add_option("matchers", o->matchers, "rule=run_failed processor=bdl_* ...")->required();
    sil->add_option("--for", o->duration, "How long (30m, 2h, 1d; default 2h)");
    sil->add_option("--by", o->by, "Who creates it (default: $USER)");
    sil->add_option("--comment", o->comment, "Why (required)")->required();
    sil->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            const auto matchers = alerts::parseMatchers(o->matchers);
            const auto d = alerts::parseDuration(o->duration, "--for");
            auto db = store::Database::open(g.db);
            const auto id = alerts::addSilence(db, matchers, o->by, o->comment, d, std::chrono::system_clock::now());
            std::printf("Silence %lld: %s for %s. 'nbaops alerts unsilence %lld' ends it early.\n",
                        static_cast<long long>(id), matchers.dump().c_str(), alerts::formatDuration(d).c_str(),
                        static_cast<long long>(id));
            share(g, "alert.silence",
                  "silence " + std::to_string(id) + " " + matchers.dump() + " for " + alerts::formatDuration(d) +
                      " by " + o->by + ": " + o->comment);
            return 0;
        };
    });

    auto* sils = group.add_subcommand("silences", "Silences, active first, with what each held back");
    sils->add_flag("--json", o->json, "One JSON object");
    sils->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            auto db = store::Database::open(g.db, store::Database::Mode::ReadOnly);
            const auto rows = alerts::silences(db, std::chrono::system_clock::now());
            if (o->json) {
                nlohmann::json out = nlohmann::json::array();
                for (const auto& s : rows)
                    out.push_back({{"id", s.id}, {"matchers", s.matchers}, {"problem", s.problem.empty() ? nlohmann::json() : nlohmann::json(s.problem)}, {"creator", s.creator}, {"comment", s.comment},
                                   {"starts_at", s.startsAt}, {"ends_at", s.endsAt}, {"active", s.active},
                                   {"expired_at", s.expiredAt.empty() ? nlohmann::json() : nlohmann::json(s.expiredAt)},
                                   {"suppressed", s.suppressed}});
                std::cout << nlohmann::json{{"silences", out}}.dump(2) << "\n";
                return 0;
            }
            if (rows.empty())
                std::cout << "No silences.\n";
            for (const auto& s : rows)
                std::printf("%4lld  %-7s %s by %s until %s: %s (held back %d)\n", static_cast<long long>(s.id),
                            s.active ? "active" : "ended", s.matchersText().c_str(), s.creator.c_str(),
                            s.endsAt.c_str(), s.comment.c_str(), s.suppressed);
            return 0;
        };
    });

    auto* unsil = group.add_subcommand("unsilence", "End a silence now");
    unsil->add_option("id", o->id, "The silence's id (nbaops alerts silences)")->required();
    unsil->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            auto db = store::Database::open(g.db);
            alerts::expireSilence(db, o->id, std::chrono::system_clock::now());
            std::printf("Silence %lld ended.\n", static_cast<long long>(o->id));
            share(g, "alert.unsilence", "silence " + std::to_string(o->id));
            return 0;
        };
    });
}

// nbaops alerts history|rules
void addAlertHistoryCommands(CLI::App& group, GlobalOptions& g, std::function<int()>& action, const std::shared_ptr<AlertsOpts>& o)
{
    auto* hist = group.add_subcommand("history", "State changes and notifications of the last days");
    hist->add_option("--days", o->days, "How far back (default 7)");
    hist->add_flag("--json", o->json, "One JSON object");
    hist->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            if (o->days < 1 || o->days > kMaxRangeDays)
                throw UsageError("--days must be from 1 to " + std::to_string(kMaxRangeDays) + ".");
            auto db = store::Database::open(g.db, store::Database::Mode::ReadOnly);
            const auto since = std::chrono::system_clock::now() - std::chrono::hours(24) * o->days;
            const auto events = alerts::alertHistory(db, since, 1000);
            const auto sent = alerts::notifications(db, 1000);
            if (o->json) {
                nlohmann::json ev = nlohmann::json::array(), ns = nlohmann::json::array();
                for (const auto& e : events)
                    ev.push_back({{"alert_id", e.alertId}, {"at", e.at}, {"rule", e.rule}, {"from", e.fromState},
                                  {"to", e.toState}, {"summary", e.summary}, {"severity", e.severity}, {"labels", e.labels}});
                const std::string from = toIsoUtc(since);
                for (const auto& n : sent) {
                    if (n.createdAt < from)
                        continue;
                    ns.push_back({{"id", n.id}, {"receiver", n.receiver}, {"kind", n.kind}, {"severity", n.severity},
                                  {"subject", n.subject}, {"status", n.status}, {"reason", n.reason},
                                  {"attempts", n.attempts}, {"last_error", n.lastError}, {"created_at", n.createdAt},
                                  {"sent_at", n.sentAt}, {"alert_ids", n.alertIds}});
                }
                std::cout << nlohmann::json{{"events", ev}, {"notifications", ns}}.dump(2) << "\n";
                return 0;
            }
            std::printf("State changes (newest first):\n");
            if (events.empty())
                std::printf("  none in %d day(s)\n", o->days);
            for (const auto& e : events)
                std::printf("  %s  %-2s %-9s -> %-9s %s\n", e.at.c_str(), e.severity.c_str(),
                            e.fromState.empty() ? "-" : e.fromState.c_str(), e.toState.c_str(), e.summary.c_str());
            std::printf("Notifications:\n");
            for (const auto& n : sent) {
                if (n.createdAt < toIsoUtc(since))
                    continue;
                std::printf("  %s  %-8s %-9s %-10s %s%s\n", n.createdAt.c_str(), n.receiver.c_str(), n.kind.c_str(),
                            n.status.c_str(), n.subject.c_str(),
                            n.reason.empty() ? "" : (" (" + n.reason + ")").c_str());
            }
            return 0;
        };
    });

    auto* rules = group.add_subcommand("rules", "The rules, routes and receivers in effect");
    rules->add_flag("--json", o->json, "One JSON object");
    rules->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            const auto cfg = alerts::loadConfig(g.db);
            if (o->json) {
                nlohmann::json rs = nlohmann::json::array(), rc = nlohmann::json::object();
                for (const auto& r : cfg.rules)
                    rs.push_back({{"name", r.name}, {"check", r.check}, {"threshold", r.threshold},
                                  {"severity", alerts::toString(r.severity)}, {"for", alerts::formatDuration(r.forDuration)},
                                  {"params", r.params}, {"inhibits", r.inhibits}, {"runbook", r.runbook}});
                for (const auto& [name, r] : cfg.receivers)
                    rc[name] = {{"type", r.type}, {"configured", r.configured()}, {"why_not", r.unconfigured}};
                std::cout << nlohmann::json{{"origin", cfg.origin}, {"rules", rs}, {"receivers", rc}}.dump(2) << "\n";
                return 0;
            }
            std::printf("Rules from %s (copy resources/alert_rules.json to %s to change them):\n", cfg.origin.c_str(),
                        alerts::userRulesPath(g.db).string().c_str());
            for (const auto& r : cfg.rules)
                std::printf("  %-2s %-26s %-18s threshold %-6g for %-4s %s\n", std::string(alerts::toString(r.severity)).c_str(),
                            r.name.c_str(), r.check.c_str(), r.threshold, alerts::formatDuration(r.forDuration).c_str(),
                            r.summary.c_str());
            std::printf("Receivers:\n");
            for (const auto& [name, r] : cfg.receivers)
                std::printf("  %-8s %-8s %s\n", name.c_str(), r.type.c_str(),
                            r.configured() ? "configured" : ("not configured: " + r.unconfigured).c_str());
            return 0;
        };
    });
}

} // namespace

void addAlertsCommands(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    auto o = std::make_shared<AlertsOpts>();
    auto* group = app.add_subcommand("alerts", "Alerts: what fires, acknowledgements, silences, history");
    group->require_subcommand(1);

    addAlertViewCommands(*group, g, action, o);
    addAlertActionCommands(*group, g, action, o);
    addAlertHistoryCommands(*group, g, action, o);
}

} // namespace nbaops::cli
