#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nbaops::alerts {

// P0 pages and phones, P1 pages, P2 goes to chat, P3 to e-mail (the routes say which receivers).
enum class Severity { P0, P1, P2, P3 };
std::string_view toString(Severity s);
std::optional<Severity> severityFromString(std::string_view s);

// One alert rule: a measured check, its threshold, and what happens when it holds.
struct Rule
{
    std::string name;
    std::string check;             // what is measured (see kChecks in rules.cpp)
    nlohmann::json params = nlohmann::json::object();
    double threshold = 0;
    Severity severity = Severity::P2;
    std::chrono::seconds forDuration{0};       // held this long before it fires
    std::optional<std::chrono::seconds> repeatInterval; // else the config's
    std::vector<std::string> groupBy;          // labels that split notifications (default: one per rule)
    std::vector<std::string> inhibits;         // rules silenced while this one fires
    std::vector<std::string> inhibitEqual;     // ... only where these labels are equal
    bool pageDuringBackfill = false;           // otherwise held while a backfill runs (P0 never held)
    std::string summary;                       // "{processor} failed on {game_date}"
    std::string runbook;                       // what to do
};

struct Receiver
{
    std::string name;
    std::string type;             // webhook | smtp | desktop
    std::string url;              // "" when not configured (an env:NAME or secret:NAME that is unset)
    std::string unconfigured;     // why it is not configured
    std::string from;
    std::vector<std::string> to;
    std::string user;             // smtp: the account (its password from "password", a secret:NAME)
    std::string password;
    bool configured() const { return type == "desktop" || !url.empty(); }
};

struct Config
{
    std::vector<Rule> rules;
    std::map<std::string, Receiver> receivers;
    std::map<Severity, std::vector<std::string>> routes;
    std::chrono::seconds groupWait{30};
    std::chrono::seconds repeatInterval{4 * 3600};
    int rateLimit = 30;                        // notifications per receiver per window
    std::chrono::seconds rateWindow{3600};
    std::string origin;                        // "built-in rules" or the file's path
    const Rule* find(std::string_view name) const;
};

// "30s", "15m", "6h", "2d" (and "0"). Throws UsageError naming `what` otherwise.
std::chrono::seconds parseDuration(std::string_view text, std::string_view what);
std::string formatDuration(std::chrono::seconds d); // "15m", "4h", "90s"

// Parses a rules file. Every mistake (unknown check, bad severity or duration, a route to an
// unknown receiver, an inhibition of an unknown rule) throws UsageError with `origin` and
// the place. `env` resolves "env:NAME" values (tests pass their own).
Config parseConfig(std::string_view json, const std::string& origin,
                   const std::map<std::string, std::string>* env = nullptr);

// The rules in effect for a database: alert_rules.json next to it when present, else the
// built-in ones (resources/alert_rules.json).
Config loadConfig(const std::filesystem::path& dbPath);
std::filesystem::path userRulesPath(const std::filesystem::path& dbPath);

// The checks a rule can name, for messages and the console.
const std::vector<std::string>& knownChecks();

} // namespace nbaops::alerts
