// nbaops trends
#include "commands.h"

#include "health/trends.h"
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
            if (o->days < 1 || o->days > 3660)
                throw UsageError("--days must be from 1 to 3660.");
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

} // namespace nbaops::cli
