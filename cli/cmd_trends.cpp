// nbaops trends, nbaops sla, nbaops readiness: the health picture over days
#include "commands.h"

#include "health/sla.h"
#include "health/trends.h"
#include "pipeline/runner.h"
#include "readiness/readiness.h"
#include "registry/registry.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/files.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace nbaops::cli {

void addTrendsCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    struct Opts
    {
        int days = 30;
        std::string until;
        bool json = false, apply = false;
        std::string by;
    };
    auto o = std::make_shared<Opts>();
    auto* cmd = app.add_subcommand("trends", "Daily success rate, durations (P50/P95/P99), failures and early warnings");
    cmd->add_option("--days", o->days, "Days to show (default 30; anomalies compare with the 30 before)");
    cmd->add_option("--until", o->until, "Last day (UTC, default: the latest with runs)");
    cmd->add_flag("--json", o->json, "One JSON object: a series per phase and processor, anomalies, timeouts");
    cmd->add_flag("--apply-timeouts", o->apply, "Store the suggested per-processor timeouts; the runner uses them");
    cmd->add_option("--by", o->by, "Who applies the timeouts (default: $USER), for the audit log");
    cmd->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            if (o->days < 1 || o->days > kMaxRangeDays)
                throw UsageError("--days must be from 1 to " + std::to_string(kMaxRangeDays) + ".");
            health::TrendsQuery q;
            q.days = o->days;
            if (!o->until.empty())
                q.until = Date::parseOrThrow(o->until, "--until");
            auto db = store::Database::open(g.db, o->apply ? store::Database::Mode::ReadWrite : store::Database::Mode::ReadOnly);
            const auto r = health::trends(db, registry::Registry::builtin(), q);
            if (o->json)
                std::cout << health::toJson(r).dump(2) << "\n";
            else
                std::cout << health::toText(r);
            if (o->apply) {
                std::vector<health::TimeoutSuggestion> changed;
                for (const auto& t : r.timeouts) {
                    if (t.suggestedS != t.currentS)
                        changed.push_back(t);
                }
                std::string who = o->by.empty() ? currentUserName() : o->by;
                if (who.empty())
                    who = "operator";
                const int n = health::applyTimeouts(db, changed, who, std::chrono::system_clock::now());
                if (!o->json)
                    std::printf("%d timeout(s) applied; the next run uses them.\n", n);
            }
            return 0;
        };
    });
}

void addSlaCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    struct Opts
    {
        std::string until;
        bool json = false;
    };
    auto o = std::make_shared<Opts>();
    auto* cmd = app.add_subcommand("sla", "SLA compliance over the last 7 and 30 game dates (slas.json next to the database overrides the built-in SLAs)");
    cmd->add_option("--until", o->until, "Last game date (default: the latest with final games)");
    cmd->add_flag("--json", o->json, "One JSON object: each SLA with its days and compliance");
    cmd->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            std::optional<Date> until;
            if (!o->until.empty())
                until = Date::parseOrThrow(o->until, "--until");
            auto db = store::Database::open(g.db, store::Database::Mode::ReadOnly);
            const auto& reg = registry::Registry::builtin();
            const auto r = health::slaReport(db, reg, health::loadSlas(g.db, reg), until, std::chrono::system_clock::now());
            if (o->json)
                std::cout << health::toJson(r).dump(2) << "\n";
            else
                std::cout << health::toText(r);
            bool breached = false;
            for (const auto& s : r.slas)
                breached = breached || s.state == "breached";
            return breached ? 1 : 0;
        };
    });
}

void addReadinessCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("readiness", "The production-readiness scorecard, scored from measured facts (go at 70/100)");
    cmd->add_flag("--json", *json, "One JSON object: categories, items, evidence");
    cmd->callback([&g, &action, json] {
        action = [&g, json]() -> int {
            auto db = store::Database::open(g.db, store::Database::Mode::ReadOnly);
            const auto s = readiness::score({db, registry::Registry::builtin(), pipeline::Runner::implementedProcessors(),
                                             g.db, std::chrono::system_clock::now()});
            if (*json)
                std::cout << readiness::toJson(s).dump(2) << "\n";
            else
                std::cout << readiness::toText(s);
            return s.go() ? 0 : 1;
        };
    });
}

} // namespace nbaops::cli
