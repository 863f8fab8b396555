#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace CLI {
class App;
}
namespace nbaops::jobs {
class Backend;
}

namespace nbaops::cli {

struct GlobalOptions
{
    std::string db;
    bool verbose = false;
    std::string backend; // local | cloud: --backend, else the settings' backend
};

// Set by SIGINT/SIGTERM once installInterruptHandler() ran: long commands stop cleanly.
extern std::atomic<bool> g_cancel;
void installInterruptHandler();

// Each adds its subcommand; the chosen one stores its work in `action`.
void addRunCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addDemoCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addStatusCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addRegistryCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addSimCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addImportCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addModelCommands(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addAlertsCommands(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addTrendsCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addSlaCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addReadinessCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addBackfillCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addRepairCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addScheduleCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addDigestCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addBackupCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addCheckCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addDrillCommands(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addSecretsCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);
void addCloudCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action);

// The backend of g.backend on g.db: the local database, or the cloud project's cache (its
// settings from settings.json).
std::unique_ptr<jobs::Backend> backendOf(const GlobalOptions& g);

// A settings change (the schedule, a secret) recorded in the audit log when the database is
// there; a failure to write it is logged, never fatal.
void auditIfDatabase(const GlobalOptions& g, const std::string& action, const std::string& detail);

} // namespace nbaops::cli
