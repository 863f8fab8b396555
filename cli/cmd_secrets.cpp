// The secrets: nbaops secrets list|set|check|delete. Values go into the OS keychain and are
// never printed, logged or stored in the database; the audit log records only that a secret
// changed.
#include "commands.h"

#include "secrets/secrets.h"
#include "util/date.h"
#include "util/errors.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iomanip>
#include <iostream>
#include <termios.h>
#include <unistd.h>

namespace nbaops::cli {

using nlohmann::json;

namespace {

struct SecretsArgs
{
    std::string name;
    std::string file;
    bool json = false;
};

// The value from stdin: one line, without echo on a terminal. Never from the command line,
// where `ps` and the shell's history would show it.
std::string readValue(const std::string& name)
{
    const bool tty = ::isatty(STDIN_FILENO) != 0;
    termios saved{};
    if (tty) {
        std::cerr << "Value of " << name << " (not shown): " << std::flush;
        ::tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string value;
    std::getline(std::cin, value);
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::cerr << "\n";
    }
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n'))
        value.pop_back();
    return value;
}

std::string secretAgeText(const secrets::Status& s)
{
    if (s.source == secrets::Source::None)
        return "-";
    if (!s.ageDays)
        return "unknown";
    return std::to_string(*s.ageDays) + " d";
}

json statusJson(const secrets::Status& s)
{
    return {{"name", s.spec.name},
            {"kind", secrets::kindName(s.spec.kind)},
            {"env", s.spec.envVar},
            {"source", secrets::sourceName(s.source)},
            {"set_at", s.setAt},
            {"age_days", s.ageDays ? json(*s.ageDays) : json(nullptr)},
            {"rotation_days", s.spec.rotationDays},
            {"rotation", secrets::rotationName(s.rotation)},
            {"problem", s.problem}};
}

int list(const SecretsArgs& a)
{
    const auto all = secrets::status(std::chrono::system_clock::now());
    if (a.json) {
        json rows = json::array();
        for (const auto& s : all)
            rows.push_back(statusJson(s));
        std::cout << json{{"secrets", rows}}.dump() << "\n";
        return 0;
    }
    std::cout << std::left << std::setw(25) << "NAME" << std::setw(10) << "KIND" << std::setw(13)
              << "SOURCE" << std::setw(9) << "AGE" << std::setw(10) << "ROTATE"
              << "ENVIRONMENT VARIABLE\n";
    std::string keychainProblem;
    for (const auto& s : all) {
        std::string rotate =
            s.source == secrets::Source::None ? "-" : secrets::rotationName(s.rotation);
        if (s.rotation == secrets::Rotation::Due || s.rotation == secrets::Rotation::Soon)
            rotate += " (" + std::to_string(s.spec.rotationDays) + " d)";
        std::cout << std::setw(25) << s.spec.name << std::setw(10) << secrets::kindName(s.spec.kind)
                  << std::setw(13) << secrets::sourceName(s.source) << std::setw(9) << secretAgeText(s)
                  << std::setw(10) << rotate << s.spec.envVar << "\n";
        if (s.source != secrets::Source::None && !s.problem.empty())
            std::cout << "    problem: " << s.problem << "\n";
        if (s.source == secrets::Source::None && !s.problem.empty())
            keychainProblem = s.problem;
    }
    if (!keychainProblem.empty())
        std::cout << "\nThe keychain was not asked: " << keychainProblem << "\n";
    return 0;
}

int set(const GlobalOptions& g, const SecretsArgs& a)
{
    const auto& spec = secrets::spec(a.name);
    std::string value;
    if (spec.kind == secrets::Kind::KeyFile) {
        if (a.file.empty())
            throw UsageError("give the key file's path: nbaops secrets set " + a.name +
                             " --file PATH");
        value = std::filesystem::absolute(a.file).lexically_normal().string();
    } else {
        if (!a.file.empty())
            throw UsageError("--file is for key files; " + a.name + " is read from stdin");
        value = readValue(a.name);
    }
    secrets::set(a.name, value, std::chrono::system_clock::now());
    auditIfDatabase(g, "secrets.set", a.name);
    const char* env = std::getenv(spec.envVar.c_str());
    std::cout << "Stored " << a.name << " in the keychain.";
    if (env && *env)
        std::cout << " Note: " << spec.envVar
                  << " is set in this environment and wins over the keychain.";
    std::cout << "\n";
    return 0;
}

int check(const SecretsArgs& a)
{
    const auto now = std::chrono::system_clock::now();
    std::vector<secrets::Status> all;
    if (a.name.empty())
        all = secrets::status(now);
    else
        all.push_back(secrets::statusOf(a.name, now));
    int problems = 0;
    json rows = json::array();
    for (const auto& s : all) {
        std::string finding;
        if (s.source == secrets::Source::None)
            finding = a.name.empty() ? ""
                                     : "not set: nbaops secrets set " + s.spec.name + " (or " +
                                           s.spec.envVar + ")";
        else if (!s.problem.empty())
            finding = s.problem;
        else if (s.rotation == secrets::Rotation::Due)
            finding = std::to_string(s.ageDays.value_or(0)) +
                      " days old, past its rotation age of " + std::to_string(s.spec.rotationDays) +
                      " days";
        if (s.source == secrets::Source::None && !s.problem.empty() && !a.name.empty())
            finding += " (" + s.problem + ")";
        problems += finding.empty() ? 0 : 1;
        json row = statusJson(s);
        row["finding"] = finding;
        rows.push_back(row);
        if (a.json)
            continue;
        if (!finding.empty())
            std::cout << "FAIL  " << s.spec.name << ": " << finding << "\n";
        else if (s.source != secrets::Source::None)
            std::cout << "ok    " << s.spec.name << " (" << secrets::sourceName(s.source) << ", "
                      << secretAgeText(s)
                      << (s.rotation == secrets::Rotation::Soon ? ", rotate soon" : "") << ")\n";
    }
    if (a.json)
        std::cout << json{{"secrets", rows}, {"ok", problems == 0}}.dump() << "\n";
    return problems == 0 ? 0 : 2;
}

int remove(const GlobalOptions& g, const SecretsArgs& a)
{
    if (!secrets::remove(a.name)) {
        std::cout << "The keychain holds no " << a.name << ".\n";
        return 0;
    }
    auditIfDatabase(g, "secrets.delete", a.name);
    std::cout << "Deleted " << a.name << " from the keychain.\n";
    return 0;
}

} // namespace

void addSecretsCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    auto a = std::make_shared<SecretsArgs>();
    auto* cmd = app.add_subcommand(
        "secrets", "API keys, webhooks, passwords and the cloud key, in the OS keychain");
    cmd->require_subcommand(1);
    auto* ls =
        cmd->add_subcommand("list", "Each secret's source, age and rotation (never its value)");
    ls->add_flag("--json", a->json, "One JSON object");
    ls->callback([a, &action] { action = [a] { return list(*a); }; });
    auto* st =
        cmd->add_subcommand("set", "Store a secret in the keychain; the value is read from stdin");
    st->add_option("name", a->name, "The secret (nbaops secrets list names them)")->required();
    st->add_option("--file", a->file, "For gcp_service_account_key: the path of the JSON key");
    st->callback([&g, a, &action] { action = [&g, a] { return set(g, *a); }; });
    auto* ck = cmd->add_subcommand("check", "Check each secret's shape and age (exit 0 ok, 2 not)");
    ck->add_option("name", a->name, "Only this secret");
    ck->add_flag("--json", a->json, "One JSON object");
    ck->callback([a, &action] { action = [a] { return check(*a); }; });
    auto* rm = cmd->add_subcommand("delete", "Delete a secret from the keychain");
    rm->add_option("name", a->name, "The secret")->required();
    rm->callback([&g, a, &action] { action = [&g, a] { return remove(g, *a); }; });
}

} // namespace nbaops::cli
