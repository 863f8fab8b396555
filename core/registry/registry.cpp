// Over 400 lines on purpose: reading registry.json (each field checked, its mistake named) and
// the graph it describes (order, upstream, downstream, what a failure blocks) share one model.
#include "registry.h"

#include "embedded_resources.h"
#include "util/errors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace nbaops::registry {

using nlohmann::json;

std::string_view toString(Criticality c)
{
    switch (c) {
    case Criticality::Critical: return "CRITICAL";
    case Criticality::High: return "HIGH";
    case Criticality::Medium: return "MEDIUM";
    case Criticality::Low: return "LOW";
    }
    return "?";
}

namespace {

[[noreturn]] void bad(std::string_view origin, const std::string& where, const std::string& what)
{
    throw OpsError("Processor registry " + std::string(origin) + ": " + where + ": " + what +
                   ". Fix the registry file and start again.");
}

bool validName(const std::string& s)
{
    return !s.empty() && s.size() <= 64 &&
           std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
           });
}

const std::set<std::string> kFields = {"name",          "phase",      "criticality",
                                       "depends_on",    "frequency",  "sla_completion",
                                       "timeout_s",     "expected_records", "output",
                                       "source",        "description"};
const std::set<std::string> kFrequencies = {"daily", "hourly", "per_game", "weekly"};

Criticality criticalityOf(const json& crit, std::string_view origin, const std::string& where)
{
    const std::string c = crit.is_string() ? crit.get<std::string>() : "";
    if (c == "CRITICAL")
        return Criticality::Critical;
    if (c == "HIGH")
        return Criticality::High;
    if (c == "MEDIUM")
        return Criticality::Medium;
    if (c != "LOW")
        bad(origin, where, "field 'criticality' must be CRITICAL, HIGH, MEDIUM or LOW");
    return Criticality::Low;
}

// depends_on: processor names, and {"any_of": [names]} groups of alternatives.
void readDependencies(const json& deps, ProcessorSpec& p, std::string_view origin, const std::string& where)
{
    const char* shape = "field 'depends_on' must be a list of processor names and "
                        "{\"any_of\": [names]} groups of alternatives";
    if (!deps.is_array())
        bad(origin, where, shape);
    for (const json& d : deps) {
        if (d.is_string()) {
            p.dependsOn.push_back(d.get<std::string>());
            continue;
        }
        if (!d.is_object() || d.size() != 1 || !d.contains("any_of") || !d["any_of"].is_array())
            bad(origin, where, shape);
        std::vector<std::string> group;
        for (const json& a : d["any_of"]) {
            if (!a.is_string())
                bad(origin, where, shape);
            group.push_back(a.get<std::string>());
            p.dependsOn.push_back(group.back());
        }
        if (group.size() < 2)
            bad(origin, where, "an 'any_of' group needs at least two alternatives");
        p.anyOf.push_back(std::move(group));
    }
}

// sla_completion: HH:MM, US Eastern.
void readSla(const json& sla, ProcessorSpec& p, std::string_view origin, const std::string& where)
{
    const std::string s = sla.is_string() ? sla.get<std::string>() : "";
    const auto digit = [&](size_t i) { return std::isdigit(static_cast<unsigned char>(s[i])) != 0; };
    if (s.size() != 5 || s[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4) ||
        std::stoi(s.substr(0, 2)) > 23 || std::stoi(s.substr(3)) > 59)
        bad(origin, where, "field 'sla_completion' must be a time HH:MM (US Eastern)");
    p.slaCompletion = s;
    p.slaHour = std::stoi(s.substr(0, 2));
    p.slaMinute = std::stoi(s.substr(3));
}

void readTimeout(const json& timeout, ProcessorSpec& p, std::string_view origin, const std::string& where)
{
    if (!timeout.is_number_integer() || timeout.get<int64_t>() <= 0 || timeout.get<int64_t>() > 86400)
        bad(origin, where, "field 'timeout_s' must be a whole number of seconds from 1 to 86400");
    p.timeoutSeconds = timeout.get<int>();
}

void readExpectedRecords(const json& rec, ProcessorSpec& p, std::string_view origin, const std::string& where)
{
    if (!rec.is_array() || rec.size() != 2 || !rec[0].is_number_integer() || !rec[1].is_number_integer() ||
        rec[0].get<int64_t>() < 0 || rec[0].get<int64_t>() > rec[1].get<int64_t>())
        bad(origin, where, "field 'expected_records' must be [min, max] with 0 <= min <= max");
    p.minRecords = rec[0].get<int64_t>();
    p.maxRecords = rec[1].get<int64_t>();
}

ProcessorSpec parseProcessor(const json& j, size_t index, std::string_view origin)
{
    std::string where = "processor #" + std::to_string(index + 1);
    if (!j.is_object())
        bad(origin, where, "is not an object");
    if (!j.contains("name") || !j["name"].is_string() || !validName(j["name"].get<std::string>()))
        bad(origin, where, "'name' must be lowercase letters, digits and '_'");
    ProcessorSpec p;
    p.name = j["name"].get<std::string>();
    where = "processor '" + p.name + "'";
    for (const auto& [key, value] : j.items()) {
        (void)value;
        if (!kFields.count(key))
            bad(origin, where, "unknown field '" + key + "'");
    }
    const auto need = [&](const char* key) -> const json& {
        if (!j.contains(key))
            bad(origin, where, std::string("missing field '") + key + "'");
        return j[key];
    };
    const json& phase = need("phase");
    if (!phase.is_number_integer() || phase.get<int>() < 1 || phase.get<int>() > 6)
        bad(origin, where, "field 'phase' must be an integer from 1 to 6");
    p.phase = phase.get<int>();
    p.criticality = criticalityOf(need("criticality"), origin, where);
    readDependencies(need("depends_on"), p, origin, where);
    const json& freq = need("frequency");
    if (!freq.is_string() || !kFrequencies.count(freq.get<std::string>()))
        bad(origin, where, "field 'frequency' must be daily, hourly, per_game or weekly");
    p.frequency = freq.get<std::string>();
    readSla(need("sla_completion"), p, origin, where);
    readTimeout(need("timeout_s"), p, origin, where);
    readExpectedRecords(need("expected_records"), p, origin, where);
    for (const char* key : {"output", "source", "description"}) {
        if (j.contains(key) && !j[key].is_string())
            bad(origin, where, std::string("field '") + key + "' must be text");
    }
    p.output = j.value("output", "");
    p.source = j.value("source", "");
    p.description = j.value("description", "");
    return p;
}

} // namespace

Registry Registry::load(std::string_view text, std::string_view origin)
{
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) { // a syntax error, or a number too large for a double
        throw OpsError("Processor registry " + std::string(origin) + " is not valid JSON (" +
                       e.what() + "). Fix the file and start again.");
    }
    if (!doc.is_object() || !doc.contains("processors") || !doc["processors"].is_array())
        bad(origin, "top level", "expected an object with a 'processors' list");
    Registry r;
    if (doc.contains("phases")) {
        for (const json& ph : doc["phases"]) {
            if (!ph.is_object() || !ph.contains("phase") || !ph["phase"].is_number_integer() ||
                !ph.contains("name") || !ph["name"].is_string())
                bad(origin, "phases", "each phase needs an integer 'phase' and a 'name'");
            r.m_phases.push_back({ph["phase"].get<int>(), ph["name"].get<std::string>(),
                                  ph.value("description", "")});
        }
    }
    for (int p = 1; p <= 6; ++p) {
        if (std::none_of(r.m_phases.begin(), r.m_phases.end(),
                         [p](const PhaseSpec& s) { return s.phase == p; }))
            r.m_phases.push_back({p, "phase " + std::to_string(p), ""});
    }
    std::sort(r.m_phases.begin(), r.m_phases.end(),
              [](const PhaseSpec& a, const PhaseSpec& b) { return a.phase < b.phase; });
    const json& procs = doc["processors"];
    for (size_t i = 0; i < procs.size(); ++i)
        r.m_processors.push_back(parseProcessor(procs[i], i, origin));
    r.validateAndOrder(origin);
    return r;
}

const Registry& Registry::builtin()
{
    static const Registry r = load(resources::registryJson(), "resources/registry.json");
    return r;
}

void Registry::validateAndOrder(std::string_view origin)
{
    std::set<std::string> seen;
    for (const auto& p : m_processors) {
        if (!seen.insert(p.name).second)
            bad(origin, "processor '" + p.name + "'", "the name is used twice");
    }
    for (const auto& p : m_processors) {
        std::set<std::string> deps;
        for (const auto& d : p.dependsOn) {
            if (!seen.count(d))
                bad(origin, "processor '" + p.name + "'", "depends on unknown processor '" + d + "'");
            if (d == p.name)
                bad(origin, "processor '" + p.name + "'", "depends on itself");
            if (!deps.insert(d).second)
                bad(origin, "processor '" + p.name + "'", "lists dependency '" + d + "' twice");
            if (find(d)->phase > p.phase)
                bad(origin, "processor '" + p.name + "'",
                    "depends on '" + d + "' of a later phase (" + std::to_string(find(d)->phase) +
                        ")");
        }
    }
    // Kahn's algorithm; ready processors taken by (phase, file order) for a stable order.
    const size_t n = m_processors.size();
    std::vector<int> pending(n, 0);
    for (size_t i = 0; i < n; ++i)
        pending[i] = int(m_processors[i].dependsOn.size());
    std::vector<bool> done(n, false);
    m_topo.clear();
    while (m_topo.size() < n) {
        size_t best = n;
        for (size_t i = 0; i < n; ++i) {
            if (!done[i] && pending[i] == 0 &&
                (best == n || m_processors[i].phase < m_processors[best].phase))
                best = i;
        }
        if (best == n) {
            // Every remaining processor waits on another: walk one cycle to name it.
            size_t at = 0;
            while (done[at])
                ++at;
            std::vector<size_t> path;
            std::vector<int> pos(n, -1);
            while (pos[at] < 0) {
                pos[at] = int(path.size());
                path.push_back(at);
                for (const auto& d : m_processors[at].dependsOn) {
                    const size_t k = indexOf(d);
                    if (!done[k]) {
                        at = k;
                        break;
                    }
                }
            }
            std::string cycle;
            for (size_t k = size_t(pos[at]); k < path.size(); ++k)
                cycle += m_processors[path[k]].name + " -> ";
            cycle += m_processors[at].name;
            bad(origin, "dependencies", "cycle " + cycle);
        }
        done[best] = true;
        m_topo.push_back(best);
        for (size_t i = 0; i < n; ++i) {
            for (const auto& d : m_processors[i].dependsOn) {
                if (d == m_processors[best].name)
                    --pending[i];
            }
        }
    }
}

size_t Registry::indexOf(std::string_view name) const
{
    for (size_t i = 0; i < m_processors.size(); ++i) {
        if (m_processors[i].name == name)
            return i;
    }
    return m_processors.size();
}

const ProcessorSpec* Registry::find(std::string_view name) const
{
    const size_t i = indexOf(name);
    return i < m_processors.size() ? &m_processors[i] : nullptr;
}

const ProcessorSpec& Registry::get(std::string_view name) const
{
    if (const auto* p = find(name))
        return *p;
    // Suggest the processor sharing the longest prefix.
    std::string best;
    size_t bestLen = 0;
    for (const auto& p : m_processors) {
        size_t k = 0;
        while (k < p.name.size() && k < name.size() && p.name[k] == name[k])
            ++k;
        if (k > bestLen) {
            bestLen = k;
            best = p.name;
        }
    }
    std::string msg = "There is no processor named '" + std::string(name) + "'.";
    if (bestLen >= 3)
        msg += " Did you mean '" + best + "'?";
    msg += " 'nbaops registry list' shows them all.";
    throw UsageError(msg);
}

std::string Registry::phaseName(int phase) const
{
    for (const auto& p : m_phases) {
        if (p.phase == phase)
            return p.name;
    }
    return "phase " + std::to_string(phase);
}

std::vector<std::string> Registry::topologicalOrder() const
{
    std::vector<std::string> out;
    for (size_t i : m_topo)
        out.push_back(m_processors[i].name);
    return out;
}

bool ProcessorSpec::isAlternative(std::string_view dep) const
{
    return std::any_of(anyOf.begin(), anyOf.end(), [&](const std::vector<std::string>& g) {
        return std::find(g.begin(), g.end(), dep) != g.end();
    });
}

std::string ProcessorSpec::dependencyText() const
{
    std::string out;
    for (const auto& d : dependsOn) {
        if (!isAlternative(d))
            out += (out.empty() ? "" : ", ") + d;
    }
    for (const auto& g : anyOf) {
        std::string alt;
        for (const auto& a : g)
            alt += (alt.empty() ? "" : " | ") + a;
        out += (out.empty() ? "" : ", ") + alt;
    }
    return out;
}

std::vector<std::string> Registry::blockedBy(const std::vector<std::string>& failed) const
{
    std::set<std::string> down(failed.begin(), failed.end());
    for (const auto& f : failed)
        get(f);
    std::vector<std::string> out;
    for (size_t i : m_topo) {
        const auto& p = m_processors[i];
        if (down.count(p.name))
            continue;
        bool blocked = false;
        for (const auto& d : p.dependsOn) {
            if (!p.isAlternative(d) && down.count(d))
                blocked = true;
        }
        for (const auto& g : p.anyOf) {
            if (std::all_of(g.begin(), g.end(), [&](const std::string& a) { return down.count(a) > 0; }))
                blocked = true;
        }
        if (blocked) {
            down.insert(p.name);
            out.push_back(p.name);
        }
    }
    return out;
}

std::vector<std::string> Registry::upstream(std::string_view name) const
{
    std::set<std::string> closure;
    std::vector<std::string> stack{get(name).name};
    while (!stack.empty()) {
        const std::string cur = stack.back();
        stack.pop_back();
        for (const auto& d : get(cur).dependsOn) {
            if (closure.insert(d).second)
                stack.push_back(d);
        }
    }
    std::vector<std::string> out;
    for (size_t i : m_topo) {
        if (closure.count(m_processors[i].name))
            out.push_back(m_processors[i].name);
    }
    return out;
}

std::vector<std::string> Registry::downstream(std::string_view name) const
{
    std::set<std::string> closure{get(name).name};
    std::vector<std::string> out;
    for (size_t i : m_topo) { // dependants come after their dependencies
        const auto& p = m_processors[i];
        if (closure.count(p.name))
            continue;
        if (std::any_of(p.dependsOn.begin(), p.dependsOn.end(),
                        [&](const std::string& d) { return closure.count(d) > 0; })) {
            closure.insert(p.name);
            out.push_back(p.name);
        }
    }
    return out;
}

} // namespace nbaops::registry
