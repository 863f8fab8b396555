#include "cli.h"

#include "commands.h"
#include "manpages.h"
#include "cloud/settings.h"
#include "dr/restore.h"
#include "jobs/backend.h"
#include "jobs/cloudsync.h"
#include "pipeline/orphans.h"
#include "store/audit.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/files.h"
#include "util/log.h"
#include "util/redact.h"
#include "util/version.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <set>
#include <unistd.h>

namespace nbaops::cli {

namespace {

// Every command that finds the database closes the runs and backfills a killed process left
// open, so what it shows is true. A database it cannot write (read-only) is left as it is.
void closeOrphansOf(const std::string& path)
{
    std::error_code ec;
    if (path.empty() || !std::filesystem::is_regular_file(path, ec) || !store::Database::writable(path))
        return;
    try {
        auto db = store::Database::open(path);
        pipeline::closeOrphans(db, std::chrono::system_clock::now());
    } catch (const std::exception& e) {
        // The command opens the database next and reports what is wrong with it, once.
        log::info("cli", std::string("orphaned runs not checked: ") + e.what());
    }
}

// With the cloud backend, every reading command reads the project's cache (`--db` still
// wins); a command that would change data locally is refused with what to do instead.
void applyBackend(CLI::App& app, GlobalOptions& g)
{
    const auto settings = cloud::loadSettings();
    if (g.backend.empty())
        g.backend = settings.backend;
    if (g.backend != "local" && g.backend != "cloud")
        throw UsageError("--backend takes local or cloud, not '" + g.backend + "'");
    if (g.backend != "cloud")
        return;
    // (A backfill runs on either: on the cloud, each run on its service.)
    static const std::set<std::string> local = {"run", "demo", "import", "train", "model", "repair", "drill",
                                                "schedule"};
    for (const auto* sub : app.get_subcommands())
        if (local.count(sub->get_name()))
            throw UsageError("'" + sub->get_name() +
                             "' runs the local pipeline; with the cloud backend, run a processor on its service "
                             "(nbaops cloud trigger --date D --processor P) or use --backend local");
    if (app.get_option("--db")->count() == 0) {
        if (settings.cloud.project.empty())
            throw UsageError("the cloud backend has no project yet: nbaops cloud configure --project PROJECT_ID");
        g.db = jobs::cloudCachePath(settings.cloud.project).string();
        std::error_code ec;
        const bool cacheFree = !app.get_subcommands().empty() && (app.get_subcommands().front()->get_name() == "cloud" ||
                                                                  app.get_subcommands().front()->get_name() == "secrets");
        if (!cacheFree && !std::filesystem::exists(g.db, ec))
            throw OpsError("the cloud project " + settings.cloud.project + " has no local cache yet (" + g.db +
                           "): run nbaops cloud sync once with the network");
    }
}

// What writes files for a package (the manual pages, the unit files) and the simulated league
// leave any database alone.
bool touchesDatabase(const CLI::App& app)
{
    const auto subs = app.get_subcommands();
    if (subs.empty())
        return true;
    if (subs.front()->get_name() == "man" || subs.front()->get_name() == "sim")
        return false;
    const auto inner = subs.front()->get_subcommands();
    return !(subs.front()->get_name() == "schedule" && !inner.empty() && inner.front()->get_name() == "units");
}

} // namespace

std::unique_ptr<jobs::Backend> backendOf(const GlobalOptions& g)
{
    if (g.backend != "cloud")
        return jobs::localBackend(g.db);
    const auto settings = cloud::loadSettings().cloud;
    if (settings.project.empty())
        throw UsageError("the cloud backend has no project yet: nbaops cloud configure --project PROJECT_ID");
    return jobs::cloudBackend(settings, g.db);
}

void auditIfDatabase(const GlobalOptions& g, const std::string& action, const std::string& detail)
{
    if (const auto why = store::auditIfPresent(g.db, {"", action, detail, "", "ok"}); !why.empty())
        log::warning("cli", action + " is not in the audit log: " + why);
}

int main(int argc, char** argv)
{
    CLI::App app{"nbaops: run and check the NBA player-props pipeline"};
    app.require_subcommand(1);
    app.fallthrough();
    GlobalOptions g;
    g.db = defaultDatabasePath().string();
    app.add_option("--db", g.db, "SQLite database (default: $XDG_DATA_HOME/nbaops/nbaops.db)");
    app.add_flag("-v,--verbose", g.verbose, "Log progress to stderr");
    app.add_option("--backend", g.backend,
                   "local (this machine's database) or cloud (the cloud project's cache); default: the settings'");
    app.set_version_flag("--version", versionLine("nbaops"));

    std::function<int()> action;
    addRunCommand(app, g, action);
    addDemoCommand(app, g, action);
    addStatusCommand(app, g, action);
    addRegistryCommand(app, g, action);
    addSimCommand(app, g, action);
    addImportCommand(app, g, action);
    addModelCommands(app, g, action);
    addAlertsCommands(app, g, action);
    addTrendsCommand(app, g, action);
    addSlaCommand(app, g, action);
    addReadinessCommand(app, g, action);
    addBackfillCommand(app, g, action);
    addRepairCommand(app, g, action);
    addScheduleCommand(app, g, action);
    addDigestCommand(app, g, action);
    addBackupCommand(app, g, action);
    addCheckCommand(app, g, action);
    addDrillCommands(app, g, action);
    addSecretsCommand(app, g, action);
    addCloudCommand(app, g, action);
    addManCommand(app, action);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 64;
    }
    if (g.verbose)
        log::setLevel(log::Level::Info);
    try {
        // A restore a killed process left half done is finished (or undone) first, then what
        // a killed run left open is closed, before any command reads the state.
        applyBackend(app, g);
        if (!touchesDatabase(app))
            return action ? action() : 64;
        if (const auto done = dr::recoverInterruptedRestore(g.db); !done.empty())
            std::cerr << "nbaops: " << done << ".\n";
        if (g.backend == "local")
            closeOrphansOf(g.db); // the cloud's runs are closed by the cloud
        return action ? action() : 64;
    } catch (const UsageError& e) {
        std::cerr << "nbaops: " << redact::text(e.what()) << "\n";
        return 64;
    } catch (const OpsError& e) {
        std::cerr << "nbaops: " << redact::text(e.what()) << "\n";
        return 3;
    } catch (const std::exception& e) {
        std::cerr << "nbaops: unexpected error: " << redact::text(e.what())
                  << "\nRun again with --verbose and report it with the output.\n";
        return 3;
    }
}

} // namespace nbaops::cli
