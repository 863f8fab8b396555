// DR drills and runbooks: nbaops drill list|run|resume|end|history, nbaops runbook list|show
#include "commands.h"

#include "dr/backup.h"
#include "dr/drill.h"
#include "dr/runbook.h"
#include "store/database.h"
#include "util/errors.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace nbaops::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct DrillArgs
{
    std::string scenario;
    int64_t id = 0;
    bool sandbox = false;
    bool live = false;
    bool yes = false;
    bool json = false;
    std::string backups;
};

json resultJson(const dr::DrillResult& r)
{
    json steps = json::array();
    for (const auto& s : r.steps)
        steps.push_back({{"id", s.id},
                         {"title", s.title},
                         {"state", s.state},
                         {"seconds", s.seconds},
                         {"note", s.note}});
    return {
        {"id", r.id},
        {"scenario", r.scenario},
        {"mode", r.mode},
        {"state", r.state},
        {"test_date", r.testDate},
        {"backup", r.backupId},
        {"injection", r.injection},
        {"injected_at", r.injectedAt},
        {"recovered_at", r.recoveredAt},
        {"rto", {{"seconds", r.rtoSeconds}, {"target_seconds", r.rtoTarget}, {"met", r.rtoMet}}},
        {"rpo",
         {{"rows_lost", r.rpoRows},
          {"seconds", r.rpoSeconds},
          {"target_seconds", r.rpoTarget},
          {"met", r.rpoMet}}},
        {"deviations", r.deviations},
        {"steps", steps},
        {"verification", r.verification},
        {"lost_rows", r.lostRows},
        {"live_proof", r.liveProof},
        {"notes", r.notes},
        {"report", r.report.string()}};
}

int printResult(const dr::DrillResult& r, bool asJson)
{
    if (asJson) {
        std::cout << resultJson(r).dump() << "\n";
    } else {
        std::cout << "drill " << r.id << " of " << r.scenario << " (" << r.mode << "): " << r.state
                  << "\n"
                  << "  injected: " << r.injection << "\n"
                  << "  RTO " << dr::durationText(r.rtoSeconds) << " (target "
                  << dr::durationText(r.rtoTarget) << ", " << (r.rtoMet ? "met" : "missed")
                  << "); RPO " << r.rpoRows << " rows lost, " << dr::durationText(r.rpoSeconds)
                  << " since the backup used (target " << dr::durationText(r.rpoTarget) << ", "
                  << (r.rpoMet ? "met" : "missed") << ")\n"
                  << "  " << r.deviations << " deviation(s)\n";
        for (const auto& p : r.verification)
            std::cout << "  not recovered: " << p << "\n";
        if (!r.liveProof.empty())
            std::cout << "  live state: " << r.liveProof << "\n";
        if (!r.report.empty())
            std::cout << "Report: " << r.report.string() << "\n";
        if (r.state == "interrupted")
            std::cout << "Resume it with: nbaops drill resume " << r.id
                      << " (or end it: nbaops drill end " << r.id << ")\n";
    }
    return r.state == "passed" ? 0 : (r.state == "interrupted" ? 130 : 2);
}

dr::DrillOptions optionsFor(const GlobalOptions& g, const DrillArgs& a)
{
    dr::DrillOptions o;
    o.database = g.db;
    o.backups = a.backups;
    o.scenario = a.scenario;
    o.live = a.live;
    std::error_code ec;
    o.nbaops = fs::read_symlink("/proc/self/exe", ec);
    if (ec)
        throw OpsError("The path of this program is unknown (/proc/self/exe); the drill runs the "
                       "runbook's commands with it.");
    return o;
}

Control<dr::DrillEvent> progress(bool quiet)
{
    Control<dr::DrillEvent> c;
    c.cancel = &g_cancel;
    if (!quiet)
        c.progress = [](const dr::DrillEvent& e) {
            using K = dr::DrillEvent::Kind;
            if (e.kind == K::StepFinished)
                std::cerr << "  step " << e.state.id << ". " << e.state.title << ": "
                          << e.state.state << " (" << dr::durationText(e.state.seconds) << ")"
                          << (e.state.note.empty() ? "" : " - " + e.state.note) << "\n";
            else if (e.kind != K::StepStarted)
                std::cerr << "  " << e.text << "\n";
        };
    return c;
}

int run(const GlobalOptions& g, const DrillArgs& a)
{
    if (a.live && a.sandbox)
        throw UsageError("Choose --sandbox or --live, not both.");
    if (a.live && !a.yes)
        throw UsageError("A live drill breaks the live state for real (then recovers it); pass "
                         "--live --yes to confirm.");
    installInterruptHandler();
    return printResult(dr::runDrill(optionsFor(g, a), progress(a.json && !::isatty(2))), a.json);
}

int resume(const GlobalOptions& g, const DrillArgs& a)
{
    auto o = optionsFor(g, a);
    o.resume = a.id;
    installInterruptHandler();
    return printResult(dr::runDrill(o, progress(a.json && !::isatty(2))), a.json);
}

int history(const GlobalOptions& g, const DrillArgs& a)
{
    auto db = store::Database::open(g.db, store::Database::Mode::ReadOnly);
    const auto all = dr::drillHistory(db, a.scenario);
    if (a.json) {
        json arr = json::array();
        for (const auto& d : all)
            arr.push_back({{"id", d.id},
                           {"scenario", d.scenario},
                           {"mode", d.mode},
                           {"state", d.state},
                           {"started_at", d.startedAt},
                           {"rto", {{"seconds", d.rtoSeconds}, {"target_seconds", d.rtoTarget}}},
                           {"rpo",
                            {{"rows_lost", d.rpoRows},
                             {"seconds", d.rpoSeconds},
                             {"target_seconds", d.rpoTarget}}},
                           {"deviations", d.deviations},
                           {"report", (fs::path(d.folder) / "report.md").string()}});
        std::cout << json{{"drills", arr}}.dump() << "\n";
        return 0;
    }
    if (all.empty()) {
        std::cout << "No drills yet. Run one: nbaops drill run database_loss\n";
        return 0;
    }
    std::printf("%4s  %-24s %-8s %-12s %-20s %12s %12s %s\n", "ID", "SCENARIO", "MODE", "STATE",
                "STARTED", "RTO", "RPO ROWS", "DEVIATIONS");
    for (const auto& d : all)
        std::printf("%4lld  %-24s %-8s %-12s %-20s %12s %12lld %d\n", static_cast<long long>(d.id),
                    d.scenario.c_str(), d.mode.c_str(), d.state.c_str(),
                    d.startedAt.substr(0, 19).c_str(), dr::durationText(d.rtoSeconds).c_str(),
                    static_cast<long long>(d.rpoRows), d.deviations);
    return 0;
}

int listScenarios(bool asJson)
{
    json arr = json::array();
    for (const auto& s : dr::drillScenarios()) {
        const auto& rb = dr::runbook(s);
        if (asJson) {
            arr.push_back({{"scenario", s},
                           {"title", rb.title},
                           {"severity", rb.severity},
                           {"rto_target_seconds", rb.rtoSeconds},
                           {"rpo_target_seconds", rb.rpoSeconds},
                           {"injects", rb.injects},
                           {"steps", rb.steps.size()}});
            continue;
        }
        std::printf("%-24s %-3s RTO %-7s RPO %-5s %s\n    injects: %s\n", s.c_str(),
                    rb.severity.c_str(), rb.rtoText.c_str(), rb.rpoText.c_str(), rb.title.c_str(),
                    rb.injects.c_str());
    }
    if (asJson)
        std::cout << json{{"scenarios", arr}}.dump() << "\n";
    return 0;
}

} // namespace

void addDrillCommands(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    auto a = std::make_shared<DrillArgs>();
    auto* group = app.add_subcommand(
        "drill", "DR drills: break it on purpose, follow the runbook, measure RTO and RPO");
    group->require_subcommand(1);

    auto* ls = group->add_subcommand("list", "The scenarios, their targets and what each injects");
    ls->add_flag("--json", a->json, "One JSON object");
    ls->callback([a, &action] { action = [a] { return listScenarios(a->json); }; });

    auto* rn = group->add_subcommand(
        "run", "Run a drill (in a sandbox copy unless --live --yes); exit 0 recovered, 2 not");
    rn->add_option("scenario", a->scenario,
                   "database_loss | object_store_corruption | run_state_loss | complete_outage | "
                   "processor_failure")
        ->required();
    rn->add_flag("--sandbox", a->sandbox, "In a copy of the live state (the default)");
    rn->add_flag("--live", a->live, "Inject into the live state (with --yes)");
    rn->add_flag("-y,--yes", a->yes, "Confirm a live drill");
    rn->add_option("--backups", a->backups,
                   "Where the live backups are (default: <data folder>/backups)");
    rn->add_flag("--json", a->json, "One JSON object (rto, rpo, steps)");
    rn->callback([&g, a, &action] { action = [&g, a] { return run(g, *a); }; });

    auto* rs = group->add_subcommand(
        "resume", "Continue an interrupted drill from its first unfinished step");
    rs->add_option("id", a->id, "The drill (nbaops drill history)")->required();
    rs->add_flag("--json", a->json, "One JSON object");
    rs->callback([&g, a, &action] { action = [&g, a] { return resume(g, *a); }; });

    auto* en = group->add_subcommand(
        "end", "End an interrupted drill where it stands, recording its state");
    en->add_option("id", a->id, "The drill")->required();
    en->add_flag("--json", a->json, "One JSON object");
    en->callback([&g, a, &action] {
        action = [&g, a] {
            printResult(dr::endDrill(g.db, a->id), a->json);
            return 0;
        };
    });

    auto* hi = group->add_subcommand("history", "The drills, newest first, with their RTO and RPO");
    hi->add_option("--scenario", a->scenario, "Only this scenario");
    hi->add_flag("--json", a->json, "One JSON object");
    hi->callback([&g, a, &action] { action = [&g, a] { return history(g, *a); }; });

    auto b = std::make_shared<DrillArgs>();
    auto* rb = app.add_subcommand("runbook", "The DR runbooks");
    rb->require_subcommand(1);
    auto* rl = rb->add_subcommand("list", "The runbooks");
    rl->callback([&action] {
        action = [] {
            for (const auto& r : dr::builtinRunbooks())
                std::printf("%-24s %s%s\n", r.name.c_str(), r.title.c_str(),
                            r.steps.empty() ? ""
                                            : (" (" + std::to_string(r.steps.size()) +
                                               " steps, RTO " + r.rtoText + ")")
                                                  .c_str());
            return 0;
        };
    });
    auto* rsh = rb->add_subcommand("show", "Print a runbook (markdown)");
    rsh->add_option("name", b->scenario, "A scenario, or quick_reference")->required();
    rsh->callback([b, &action] {
        action = [b] {
            std::cout << dr::runbook(b->scenario).markdown;
            return 0;
        };
    });
}

} // namespace nbaops::cli
