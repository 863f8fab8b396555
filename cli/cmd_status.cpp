// nbaops status, nbaops registry
#include "commands.h"

#include "cloud/settings.h"
#include "health/format.h"
#include "health/health.h"
#include "jobs/backend.h"
#include "pipeline/runner.h"
#include "registry/registry.h"
#include "store/database.h"
#include "util/errors.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace nbaops::cli {

void addStatusCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    struct Opts
    {
        std::string mode = "quick";
        std::string date;
        int window = 0;
        bool json = false;
    };
    auto o = std::make_shared<Opts>();
    auto* cmd = app.add_subcommand("status", "The morning health check (exit 0 healthy, 1 degraded, 2 failed)");
    cmd->add_option("--mode", o->mode, "quick | full | pipeline | errors | workflows | phase1..phase6");
    cmd->add_option("--date", o->date, "Game date to check (default: the latest with runs)");
    cmd->add_option("--window", o->window, "Days of history to count (default 1, full/errors 7)");
    cmd->add_flag("--json", o->json, "One JSON object");
    cmd->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            health::Query q;
            const auto mode = health::modeFromString(o->mode, &q.phase);
            if (!mode)
                throw UsageError("--mode '" + o->mode + "' is not one of quick, full, pipeline, errors, workflows, "
                                 "phase1 .. phase6.");
            q.mode = *mode;
            if (!o->date.empty())
                q.date = Date::parseOrThrow(o->date, "--date");
            if (o->window < 0 || o->window > 366)
                throw UsageError("--window must be from 1 to 366 days.");
            q.windowDays = o->window;
            if (g.backend == "cloud") { // "Next:" names the cloud's commands; the cache's checks
                const auto b = jobs::cloudBackend(cloud::loadSettings().cloud, g.db)->healthQuery();
                q.commands = b.commands;
                q.runHistoryOnly = b.runHistoryOnly;
            }
            auto db = store::Database::open(g.db, store::Database::Mode::ReadOnly);
            const auto report = health::check(db, registry::Registry::builtin(),
                                              pipeline::Runner::implementedProcessors(), q);
            if (o->json)
                std::cout << health::toJson(report).dump(2) << "\n";
            else
                std::cout << health::toText(report, isatty(STDOUT_FILENO) != 0);
            return report.exitCode;
        };
    });
}

namespace {

// nbaops registry list: every processor in topological order, * marking those not run yet.
int listRegistry(bool json)
{
    const auto& r = registry::Registry::builtin();
    const auto impl = pipeline::Runner::implementedProcessors();
    const auto implemented = [&](const std::string& n) { return std::find(impl.begin(), impl.end(), n) != impl.end(); };
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& name : r.topologicalOrder()) {
            const auto& p = r.get(name);
            out.push_back({{"name", p.name}, {"phase", p.phase}, {"phase_name", r.phaseName(p.phase)},
                           {"criticality", registry::toString(p.criticality)}, {"depends_on", p.dependsOn},
                           {"any_of", p.anyOf}, {"frequency", p.frequency}, {"sla_completion_et", p.slaCompletion},
                           {"timeout_s", p.timeoutSeconds}, {"expected_records", {p.minRecords, p.maxRecords}},
                           {"output", p.output}, {"implemented", implemented(p.name)}, {"description", p.description}});
        }
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::printf("%-30s %-5s %-9s %-6s %-9s %-11s %s\n", "PROCESSOR", "PHASE", "CRIT", "SLA ET", "TIMEOUT", "RECORDS",
                "DEPENDS ON");
    for (const auto& name : r.topologicalOrder()) {
        const auto& p = r.get(name);
        const std::string deps = p.dependencyText();
        const std::string records = std::to_string(p.minRecords) + "-" + std::to_string(p.maxRecords);
        std::printf("%-30s %-5d %-9s %-6s %7ds  %-11s %s%s\n", (p.name + (implemented(p.name) ? "" : " *")).c_str(),
                    p.phase, std::string(registry::toString(p.criticality)).c_str(), p.slaCompletion.c_str(),
                    p.timeoutSeconds, records.c_str(), deps.empty() ? "-" : deps.c_str(), "");
    }
    std::printf("\n%zu processors; * = registered, not run by this build yet; a | b = either "
                "(a preferred, b its fallback).\n", r.processors().size());
    return 0;
}

// nbaops registry impact NAME: what breaks downstream if NAME fails, and what NAME needs.
int registryImpact(const std::string& name, bool json)
{
    const auto& r = registry::Registry::builtin();
    const auto& p = r.get(name);
    const auto down = r.downstream(p.name);
    const auto blocked = r.blockedBy({p.name});
    const auto up = r.upstream(p.name);
    const auto isBlocked = [&](const std::string& n) {
        return std::find(blocked.begin(), blocked.end(), n) != blocked.end();
    };
    if (json) {
        nlohmann::json d = nlohmann::json::array();
        for (const auto& n : down)
            d.push_back({{"name", n}, {"phase", r.get(n).phase},
                         {"criticality", registry::toString(r.get(n).criticality)}, {"blocked", isBlocked(n)}});
        std::cout << nlohmann::json{{"processor", p.name}, {"phase", p.phase}, {"downstream", d}, {"upstream", up}}.dump(2)
                  << "\n";
        return 0;
    }
    std::cout << "If " << p.name << " (phase " << p.phase << ", " << registry::toString(p.criticality) << ") fails, "
              << blocked.size() << " downstream processor(s) break";
    if (blocked.size() < down.size())
        std::cout << " and " << down.size() - blocked.size() << " go on from a fallback source";
    std::cout << ":\n";
    for (const auto& n : down)
        std::cout << "  phase " << r.get(n).phase << "  " << n << " (" << registry::toString(r.get(n).criticality)
                  << ")" << (isBlocked(n) ? "" : "  - runs on its fallback") << "\n";
    std::cout << p.name << " needs " << up.size() << " upstream processor(s):";
    for (const auto& n : up)
        std::cout << " " << n;
    std::cout << "\n";
    return 0;
}

} // namespace

void addRegistryCommand(CLI::App& app, GlobalOptions&, std::function<int()>& action)
{
    struct Opts
    {
        bool json = false;
        std::string name;
    };
    auto o = std::make_shared<Opts>();
    auto* reg = app.add_subcommand("registry", "The processor registry");
    reg->require_subcommand(1);
    auto* list = reg->add_subcommand("list", "Every processor in topological order");
    list->add_flag("--json", o->json, "JSON output");
    list->callback([&action, o] { action = [o] { return listRegistry(o->json); }; });
    auto* impact = reg->add_subcommand("impact", "What breaks downstream if NAME fails, and what NAME needs");
    impact->add_option("name", o->name, "Processor name")->required();
    impact->add_flag("--json", o->json, "JSON output");
    impact->callback([&action, o] { action = [o] { return registryImpact(o->name, o->json); }; });
}

} // namespace nbaops::cli
