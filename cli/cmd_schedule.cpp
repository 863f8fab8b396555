// The scheduler's side: nbaops schedule install|remove|status, nbaops repair, nbaops digest
#include "commands.h"

#include "jobs/alertcycle.h"
#include "jobs/digest.h"
#include "jobs/repair.h"
#include "jobs/schedule.h"
#include "pipeline/session.h"
#include "store/audit.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/files.h"
#include "util/log.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace nbaops::cli {

namespace {

// Runs a fixed command (no user input in it) and returns its exit status and output.
std::pair<int, std::string> tool(const std::string& command)
{
    std::string out;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p)
        return {-1, "could not start: " + command};
    char buf[512];
    while (std::fgets(buf, sizeof buf, p))
        out += buf;
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

bool systemdRunning()
{
    return std::filesystem::exists("/run/systemd/system");
}

std::string timersText()
{
    std::string s;
    for (const auto& t : jobs::timerNames())
        s += " " + t;
    return s;
}

jobs::ScheduleOptions optionsFor(const GlobalOptions& g, const std::string& at, int digestHour)
{
    jobs::ScheduleOptions o;
    std::error_code ec;
    o.nbaops = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec)
        throw OpsError(
            "The path of this program is unknown (/proc/self/exe); install the units by hand.");
    o.db = std::filesystem::absolute(g.db);
    if (at.size() != 5 || at[2] != ':' || !std::isdigit(static_cast<unsigned char>(at[0])))
        throw UsageError("--at takes HH:MM (US Eastern), for example 04:00.");
    o.nightlyHour = std::stoi(at.substr(0, 2));
    o.nightlyMinute = std::stoi(at.substr(3, 2));
    o.digestHour = digestHour;
    return o;
}

// What repair did, as JSON or for a person; the count of retries still failing.
int printRepair(const jobs::RepairResult& res, bool json)
{
    int stillFailing = 0;
    nlohmann::json retried = nlohmann::json::array();
    for (const auto& r : res.retried) {
        stillFailing += r.heldBy.empty() && !r.recovered() ? 1 : 0;
        retried.push_back({{"processor", r.before.processor},
                           {"game_date", r.before.gameDate},
                           {"retry", r.before.failures},
                           {"held_by", r.heldBy},
                           {"recovered", r.recovered()},
                           {"runs", r.results.size()}});
    }
    const auto states = [](const std::vector<health::RetryState>& v) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& s : v)
            j.push_back({{"processor", s.processor},
                         {"game_date", s.gameDate},
                         {"failures", s.failures},
                         {"due_at", s.dueAt ? toIsoUtc(*s.dueAt) : std::string()},
                         {"last_error", s.lastError}});
        return j;
    };
    if (json) {
        nlohmann::json orphans = nlohmann::json::array();
        for (const auto& r : res.orphans.runs)
            orphans.push_back(
                {{"id", r.id}, {"processor", r.processor}, {"game_date", r.gameDate}});
        std::cout << nlohmann::json{{"orphans_closed", orphans},
                                    {"backfills_paused", res.orphans.backfills},
                                    {"retried", retried},
                                    {"waiting", states(res.waiting)},
                                    {"exhausted", states(res.exhausted)}}
                         .dump(2)
                  << "\n";
        return stillFailing;
    }
    std::printf("Repair: %zu orphaned run(s) closed, %zu retried (%d still failing), %zu waiting "
                "for their retry, "
                "%zu left failed after %zu retries.\n",
                res.orphans.runs.size(), res.retried.size(), stillFailing, res.waiting.size(),
                res.exhausted.size(), health::kRetryDelays.size());
    for (const auto& s : res.waiting)
        std::printf("  waiting: %s %s, retry %d at %s\n", s.processor.c_str(), s.gameDate.c_str(),
                    s.failures, toIsoUtc(*s.dueAt).c_str());
    for (const auto& s : res.exhausted)
        std::printf("  left failed: %s %s after %d attempts: %s\n", s.processor.c_str(),
                    s.gameDate.c_str(), s.failures, s.lastError.c_str());
    return stillFailing;
}

} // namespace

void addRepairCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    struct Opts
    {
        bool json = false;
        bool noAlerts = false;
    };
    auto o = std::make_shared<Opts>();
    auto* cmd = app.add_subcommand(
        "repair", "Close what killed runs left open and run the due retries (every 5 min)");
    cmd->add_flag("--json", o->json, "One JSON object");
    cmd->add_flag("--no-alerts", o->noAlerts, "Do not evaluate the alert rules afterwards");
    cmd->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            pipeline::SessionOptions so;
            so.dbPath = g.db;
            so.workers = 1;
            so.cancel = &g_cancel;
            installInterruptHandler();
            pipeline::Session session(so);
            jobs::TextControl control;
            control.cancel = &g_cancel;
            control.progress = [&](const std::string& line) {
                if (!o->json)
                    std::cout << line << std::endl;
            };
            const auto res = jobs::repair(session, {}, control);
            if (!o->noAlerts) {
                try {
                    jobs::runAlertCycle(session.db(), {g.db, session.context().clock.now()});
                } catch (const std::exception& e) {
                    std::cerr << "nbaops: the alert rules were not evaluated: " << e.what() << "\n";
                }
            }
            const int stillFailing = printRepair(res, o->json);
            if (res.cancelled)
                return 130;
            return stillFailing > 0 || !res.exhausted.empty() ? 1 : 0;
        };
    });
}

namespace {

struct ScheduleOpts
{
    std::string at = "04:00";
    int digestHour = 7;
    bool noEnable = false;
    bool crontab = false;
    std::string unitsDir;
    std::string program = "/usr/bin/nbaops";
};

int writeUnits(const ScheduleOpts& o)
{
    jobs::ScheduleOptions opts;
    opts.nbaops = o.program;
    if (!opts.nbaops.is_absolute())
        throw UsageError("--program takes an absolute path, for example /usr/bin/nbaops");
    std::filesystem::create_directories(o.unitsDir);
    const auto units = jobs::systemdUnits(opts);
    for (const auto& u : units)
        writeFileAtomically(std::filesystem::path(o.unitsDir) / u.name, u.text);
    std::cout << "wrote " << units.size() << " unit files in " << o.unitsDir << "\n";
    return 0;
}

int install(const GlobalOptions& g, const ScheduleOpts& o)
{
    const auto opts = optionsFor(g, o.at, o.digestHour);
    if (o.crontab || (!systemdRunning() && !o.noEnable)) {
        if (!o.crontab)
            std::cout << "systemd is not running here; add these lines with 'crontab -e':\n";
        std::cout << jobs::crontabLines(opts);
        return 0;
    }
    const auto dir = jobs::userUnitDir();
    for (const auto& u : jobs::systemdUnits(opts)) {
        writeFileAtomically(dir / u.name, u.text);
        std::cout << "wrote " << (dir / u.name).string() << "\n";
    }
    if (o.noEnable) {
        std::cout
            << "Enable them with: systemctl --user daemon-reload && systemctl --user enable --now"
            << timersText() << "\n";
        return 0;
    }
    const auto reload = tool("systemctl --user daemon-reload");
    const auto enable =
        reload.first == 0 ? tool("systemctl --user enable --now" + timersText()) : reload;
    if (enable.first != 0) {
        std::cerr << "nbaops: the units are written but systemd did not enable them: "
                  << enable.second
                  << "Enable them in your session with: systemctl --user daemon-reload && "
                     "systemctl --user enable --now"
                  << timersText()
                  << "\n(and 'loginctl enable-linger' to keep them running after you log out).\n";
        return 3;
    }
    auditIfDatabase(g, "schedule.install",
                  "the nightly run at " + o.at +
                      " ET, repair every 5 min, the backup at 05:30 ET, the digest at " +
                      std::to_string(o.digestHour) + ":00 ET");
    std::cout << "Enabled:" << timersText() << "\nThe nightly run at " << o.at
              << " ET, repair every 5 minutes, the "
              << "backup (made, test-restored, pruned) at 05:30 ET, the digest at " << o.digestHour
              << ":00 ET. 'nbaops schedule status' shows them.\n";
    return 0;
}

int removeUnits(const GlobalOptions& g)
{
    if (systemdRunning())
        tool("systemctl --user disable --now" + timersText());
    const auto dir = jobs::userUnitDir();
    int removed = 0;
    for (const auto& timer : jobs::timerNames()) {
        const std::string job = timer.substr(0, timer.size() - std::string(".timer").size());
        for (const char* ext : {".service", ".timer"}) {
            std::error_code ec;
            removed += std::filesystem::remove(dir / (job + ext), ec) ? 1 : 0;
        }
    }
    if (systemdRunning())
        tool("systemctl --user daemon-reload");
    auditIfDatabase(g, "schedule.remove",
                  std::to_string(removed) + " unit file(s) removed from " + dir.string());
    std::cout << removed << " unit file(s) removed from " << dir.string()
              << ". Cron lines, if you added them, stay in 'crontab -e'.\n";
    return 0;
}

int status(const GlobalOptions& g)
{
    const auto dir = jobs::userUnitDir();
    int installed = 0;
    for (const auto& t : jobs::timerNames()) {
        const bool present = std::filesystem::exists(dir / t);
        installed += present ? 1 : 0;
        std::string state = present ? "installed" : "not installed";
        if (present && systemdRunning()) {
            const auto en = tool("systemctl --user is-enabled " + t);
            const auto ac = tool("systemctl --user is-active " + t);
            state += ", " + en.second.substr(0, en.second.find('\n')) + ", " +
                     ac.second.substr(0, ac.second.find('\n'));
        }
        std::printf("  %-22s %s\n", t.c_str(), state.c_str());
    }
    if (std::filesystem::exists(g.db)) {
        auto db = store::Database::open(g.db, store::Database::Mode::ReadOnly);
        auto run =
            db.prepare("SELECT max(started_at) FROM processor_runs WHERE backfill_id IS NULL");
        run.step();
        auto digest = db.prepare("SELECT max(at) FROM audit_log WHERE action = 'digest.send'");
        digest.step();
        auto proven = db.prepare("SELECT max(proven_at) FROM backups WHERE proven_ok = 1");
        proven.step();
        std::printf("Last run: %s. Last digest sent: %s. Last backup proven restorable: %s.\n",
                    run.isNull(0) ? "never" : run.getText(0).c_str(),
                    digest.isNull(0) ? "never" : digest.getText(0).c_str(),
                    proven.isNull(0) ? "never" : proven.getText(0).c_str());
    }
    if (installed == 0)
        std::cout << "Nothing is scheduled: 'nbaops schedule install' sets it up.\n";
    return installed == int(jobs::timerNames().size()) ? 0 : 1;
}

} // namespace

void addScheduleCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    auto o = std::make_shared<ScheduleOpts>();
    auto* sch = app.add_subcommand(
        "schedule", "Run local mode from this machine's scheduler (systemd user timers, "
                    "or cron lines)");
    sch->require_subcommand(1);
    auto* inst = sch->add_subcommand(
        "install", "Write and enable the nightly run, repair every 5 min, the 05:30 ET "
                   "backup and the 07:00 ET digest");
    inst->add_option("--at", o->at, "Time of the nightly run, HH:MM US Eastern (default 04:00)");
    inst->add_option("--digest-hour", o->digestHour,
                     "Hour of the morning digest, US Eastern (default 7)");
    inst->add_flag("--no-enable", o->noEnable,
                   "Write the units without enabling them (also where systemd is not running)");
    inst->add_flag("--crontab", o->crontab,
                   "Print crontab lines instead (for a machine without systemd)");
    inst->callback([&g, &action, o] { action = [&g, o] { return install(g, *o); }; });
    auto* units = sch->add_subcommand(
        "units", "Write the unit files for the default database into a folder, without enabling "
                 "them (what the package installs in /usr/lib/systemd/user)");
    units->add_option("--out", o->unitsDir, "Folder for the unit files")->required();
    units->add_option("--program", o->program, "The nbaops they start (default /usr/bin/nbaops)");
    units->callback([&action, o] { action = [o] { return writeUnits(*o); }; });
    sch->add_subcommand("remove", "Disable the timers and delete the units")
        ->callback([&g, &action] { action = [&g] { return removeUnits(g); }; });
    sch->add_subcommand("status",
                        "Which timers are installed and enabled, and when each job last ran")
        ->callback([&g, &action] { action = [&g] { return status(g); }; });
}

void addDigestCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    struct Opts
    {
        bool send = false;
        bool json = false;
    };
    auto o = std::make_shared<Opts>();
    auto* cmd = app.add_subcommand(
        "digest", "The morning digest: the quick health check, alerts, retries, backfill");
    cmd->add_flag("--send", o->send, "Send it to every configured alert receiver");
    cmd->add_flag("--json", o->json, "One JSON object");
    cmd->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            auto db = store::Database::open(g.db);
            jobs::DigestOptions d;
            d.dbPath = g.db;
            d.send = o->send;
            const auto res = jobs::morningDigest(db, d);
            if (o->json) {
                std::cout << nlohmann::json{{"subject", res.subject},
                                            {"body", res.body},
                                            {"exit_code", res.exitCode},
                                            {"sent_to", res.sentTo},
                                            {"errors", res.errors}}
                                 .dump(2)
                          << "\n";
            } else {
                std::cout << res.subject << "\n\n" << res.body;
                if (o->send)
                    std::cout << "\nSent to " << res.sentTo.size() << " receiver(s)"
                              << (res.sentTo.empty() && res.errors.empty()
                                      ? " (none is configured: see 'nbaops alerts receivers')"
                                      : "")
                              << ".\n";
                for (const auto& e : res.errors)
                    std::cerr << "nbaops: not delivered: " << e << "\n";
            }
            return res.errors.empty() ? 0 : 3;
        };
    });
}

} // namespace nbaops::cli
