#include "rules.h"

#include "embedded_resources.h"
#include "secrets/secrets.h"
#include "util/errors.h"
#include "util/files.h"
#include "util/jsonnum.h"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace nbaops::alerts {

std::string_view toString(Severity s)
{
    switch (s) {
    case Severity::P0: return "P0";
    case Severity::P1: return "P1";
    case Severity::P2: return "P2";
    case Severity::P3: return "P3";
    }
    return "P3";
}

std::optional<Severity> severityFromString(std::string_view s)
{
    for (Severity v : {Severity::P0, Severity::P1, Severity::P2, Severity::P3}) {
        if (toString(v) == s)
            return v;
    }
    return std::nullopt;
}

const std::vector<std::string>& knownChecks()
{
    static const std::vector<std::string> checks = {
        "phase_stalled", "real_failures", "error_rate", "feature_null_rate", "model_mae_ratio", "storage_used",
        "breaker_open", "stuck_run", "zero_records", "data_stale", "sla_missed", "sla_compliance",
        "retries_exhausted", "backup_not_proven", "secret_rotation_due"};
    return checks;
}

const Rule* Config::find(std::string_view name) const
{
    for (const auto& r : rules) {
        if (r.name == name)
            return &r;
    }
    return nullptr;
}

std::chrono::seconds parseDuration(std::string_view text, std::string_view what)
{
    const auto bad = [&] {
        return UsageError(std::string(what) + ": '" + std::string(text) +
                          "' is not a duration; write a whole number and a unit, e.g. 30s, 15m, 6h or 2d.");
    };
    if (text == "0")
        return std::chrono::seconds(0);
    if (text.size() < 2)
        throw bad();
    const char unit = text.back();
    long long n = 0;
    for (char c : text.substr(0, text.size() - 1)) {
        if (c < '0' || c > '9' || n > 100000000)
            throw bad();
        n = n * 10 + (c - '0');
    }
    switch (unit) {
    case 's': return std::chrono::seconds(n);
    case 'm': return std::chrono::seconds(n * 60);
    case 'h': return std::chrono::seconds(n * 3600);
    case 'd': return std::chrono::seconds(n * 86400);
    default: throw bad();
    }
}

std::string formatDuration(std::chrono::seconds d)
{
    const long long s = d.count();
    if (s != 0 && s % 86400 == 0)
        return std::to_string(s / 86400) + "d";
    if (s != 0 && s % 3600 == 0)
        return std::to_string(s / 3600) + "h";
    if (s != 0 && s % 60 == 0)
        return std::to_string(s / 60) + "m";
    return std::to_string(s) + "s";
}

namespace {

std::string envValue(const std::string& name, const std::map<std::string, std::string>* env)
{
    if (env) {
        const auto it = env->find(name);
        return it == env->end() ? std::string() : it->second;
    }
    const char* v = std::getenv(name.c_str());
    return v ? v : "";
}

// Reads one rules file; each mistake is a UsageError naming the file, where and what.
class ConfigReader
{
public:
    ConfigReader(const std::string& origin, const std::map<std::string, std::string>* env) : m_origin(origin), m_env(env)
    {
        m_cfg.origin = origin;
    }
    Config read(const nlohmann::json& j);

private:
    const std::string& m_origin;
    const std::map<std::string, std::string>* m_env;
    Config m_cfg;

    UsageError fail(const std::string& where, const std::string& why) const
    {
        return UsageError(m_origin + ", " + where + ": " + why);
    }
    void readTiming(const nlohmann::json& j);
    Receiver readReceiver(const std::string& name, const nlohmann::json& r) const;
    void readRoutes(const nlohmann::json& routes);
    Rule readRule(const nlohmann::json& r, size_t index, std::set<std::string>& names) const;
};

void ConfigReader::readTiming(const nlohmann::json& j)
{
    if (j.contains("group_wait"))
        m_cfg.groupWait = parseDuration(j["group_wait"].get<std::string>(), m_origin + " group_wait");
    if (j.contains("repeat_interval"))
        m_cfg.repeatInterval = parseDuration(j["repeat_interval"].get<std::string>(), m_origin + " repeat_interval");
    if (j.contains("rate_limit")) {
        if (j["rate_limit"].contains("per_receiver")) {
            const auto n = jsonWholeNumber(j["rate_limit"]["per_receiver"]);
            if (!n || *n < 1 || *n > 1000000)
                throw fail("rate_limit", "per_receiver must be a whole number from 1 to 1000000");
            m_cfg.rateLimit = int(*n);
        }
        if (j["rate_limit"].contains("window"))
            m_cfg.rateWindow = parseDuration(j["rate_limit"]["window"].get<std::string>(), m_origin + " rate_limit.window");
        if (m_cfg.rateLimit < 1)
            throw fail("rate_limit.per_receiver", "must be at least 1");
    }
}

// A receiver; "env:NAME" values come from the environment, "secret:NAME" ones from the secrets
// (their environment variable, else the keychain), and an unset one leaves the receiver
// unconfigured, saying what to set.
Receiver ConfigReader::readReceiver(const std::string& name, const nlohmann::json& r) const
{
    Receiver rc;
    rc.name = name;
    rc.type = r.value("type", "");
    if (rc.type != "webhook" && rc.type != "smtp" && rc.type != "desktop")
        throw fail("receiver " + name, "type must be webhook, smtp or desktop, not '" + rc.type + "'");
    const auto resolve = [&](const std::string& v) {
        if (v.rfind("secret:", 0) == 0) {
            const std::string secret = v.substr(7);
            const secrets::Spec* found = nullptr;
            for (const auto& sp : secrets::catalog())
                if (sp.name == secret)
                    found = &sp;
            if (!found)
                throw fail("receiver " + rc.name, "there is no secret named '" + secret + "' (nbaops secrets list names them)");
            const secrets::Spec& spec = *found;
            std::string value = m_env ? envValue(spec.envVar, m_env) : secrets::get(secret).value;
            if (value.empty() && rc.unconfigured.empty())
                rc.unconfigured = "nbaops secrets set " + secret + " (or set " + spec.envVar + ") to enable it";
            return value;
        }
        if (v.rfind("env:", 0) != 0)
            return v;
        std::string value = envValue(v.substr(4), m_env);
        if (value.empty() && rc.unconfigured.empty())
            rc.unconfigured = "set " + v.substr(4) + " to enable it";
        return value;
    };
    if (rc.type != "desktop") {
        rc.url = resolve(r.value("url", ""));
        if (rc.url.empty() && rc.unconfigured.empty())
            rc.unconfigured = "no url";
    }
    rc.from = r.value("from", "nbaops@localhost");
    rc.user = r.value("user", "");
    if (!rc.user.empty()) {
        rc.password = resolve(r.value("password", ""));
        if (rc.password.empty())
            rc.url.clear();
    }
    for (const auto& t : r.value("to", nlohmann::json::array())) {
        const std::string to = resolve(t.get<std::string>());
        if (!to.empty())
            rc.to.push_back(to);
    }
    if (rc.type == "smtp" && rc.to.empty()) {
        if (rc.unconfigured.empty())
            rc.unconfigured = "no recipient ('to')";
        rc.url.clear();
    }
    return rc;
}

void ConfigReader::readRoutes(const nlohmann::json& routes)
{
    for (const auto& [sev, list] : routes.items()) {
        const auto s = severityFromString(sev);
        if (!s)
            throw fail("routes", "'" + sev + "' is not a severity (P0, P1, P2 or P3)");
        for (const auto& rcv : list) {
            const std::string name = rcv.get<std::string>();
            if (!m_cfg.receivers.count(name))
                throw fail("routes." + sev, "no receiver named '" + name + "'");
            m_cfg.routes[*s].push_back(name);
        }
    }
}

Rule ConfigReader::readRule(const nlohmann::json& r, size_t index, std::set<std::string>& names) const
{
    Rule rule;
    rule.name = r.value("name", "");
    const std::string where = "rule " + (rule.name.empty() ? "#" + std::to_string(index) : rule.name);
    if (rule.name.empty())
        throw fail(where, "has no name");
    if (!names.insert(rule.name).second)
        throw fail(where, "the name is used twice");
    rule.check = r.value("check", "");
    const auto& checks = knownChecks();
    if (std::find(checks.begin(), checks.end(), rule.check) == checks.end()) {
        std::string list;
        for (const auto& c : checks)
            list += (list.empty() ? "" : ", ") + c;
        throw fail(where, "unknown check '" + rule.check + "'; known: " + list);
    }
    rule.params = r.value("params", nlohmann::json::object());
    rule.threshold = r.value("threshold", 0.0);
    const auto sev = severityFromString(r.value("severity", "P2"));
    if (!sev)
        throw fail(where, "severity must be P0, P1, P2 or P3");
    rule.severity = *sev;
    rule.forDuration = parseDuration(r.value("for", "0"), m_origin + ", " + where + ", for");
    if (r.contains("repeat_interval"))
        rule.repeatInterval =
            parseDuration(r["repeat_interval"].get<std::string>(), m_origin + ", " + where + ", repeat_interval");
    rule.groupBy = r.value("group_by", std::vector<std::string>{});
    rule.inhibits = r.value("inhibits", std::vector<std::string>{});
    rule.inhibitEqual = r.value("inhibit_equal", std::vector<std::string>{});
    rule.pageDuringBackfill = r.value("page_during_backfill", false);
    rule.summary = r.value("summary", rule.name);
    rule.runbook = r.value("runbook", "");
    return rule;
}

Config ConfigReader::read(const nlohmann::json& j)
{
    if (!j.is_object() || !j.contains("rules") || !j["rules"].is_array())
        throw fail("top level", "expected an object with a \"rules\" array");
    try {
        readTiming(j);
        const nlohmann::json receivers = j.value("receivers", nlohmann::json::object());
        for (const auto& [name, r] : receivers.items())
            m_cfg.receivers[name] = readReceiver(name, r);
        readRoutes(j.value("routes", nlohmann::json::object()));
        std::set<std::string> names;
        size_t index = 0;
        for (const auto& r : j["rules"])
            m_cfg.rules.push_back(readRule(r, ++index, names));
    } catch (const nlohmann::json::exception& e) {
        throw UsageError(m_origin + ": a value has the wrong type (" + e.what() + ")");
    }
    for (const auto& r : m_cfg.rules) {
        for (const auto& target : r.inhibits) {
            if (!m_cfg.find(target))
                throw fail("rule " + r.name, "inhibits '" + target + "', which is not a rule");
        }
    }
    return m_cfg;
}

} // namespace

Config parseConfig(std::string_view text, const std::string& origin, const std::map<std::string, std::string>* env)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) { // syntax, or a number too large for a double
        throw UsageError(origin + " is not valid JSON (" + e.what() + "); fix it or delete it to use the built-in rules.");
    }
    return ConfigReader(origin, env).read(j);
}

std::filesystem::path userRulesPath(const std::filesystem::path& dbPath)
{
    return dbPath.parent_path() / "alert_rules.json";
}

Config loadConfig(const std::filesystem::path& dbPath)
{
    const auto user = userRulesPath(dbPath);
    if (std::filesystem::exists(user))
        return parseConfig(readFile(user), user.string());
    return parseConfig(resources::alertRulesJson(), "built-in rules");
}

} // namespace nbaops::alerts
