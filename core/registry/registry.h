#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nbaops::registry {

enum class Criticality { Critical, High, Medium, Low };
std::string_view toString(Criticality c);

struct ProcessorSpec
{
    std::string name;
    int phase = 0;
    Criticality criticality = Criticality::Medium;
    std::vector<std::string> dependsOn;  // every dependency, alternatives included
    // Alternatives: each group is satisfied by any one of its members, in order of preference
    // (a fallback source). Dependencies outside every group are all required.
    std::vector<std::vector<std::string>> anyOf;
    bool isAlternative(std::string_view dep) const;
    std::string dependencyText() const; // "game_schedule, nbac_player_boxscores | bdl_player_boxscores"
    std::string frequency;       // daily | hourly | per_game | weekly
    std::string slaCompletion;   // "HH:MM" US Eastern, the morning after the game date
    int slaHour = 0;
    int slaMinute = 0;
    int timeoutSeconds = 0;
    int64_t minRecords = 0;
    int64_t maxRecords = 0;
    std::string output;
    std::string source;
    std::string description;
};

struct PhaseSpec
{
    int phase = 0;
    std::string name;
    std::string description;
};

// The processor registry: every processor of the pipeline with its phase, criticality,
// dependencies, SLA, timeout and expected record range. Validated when loaded.
class Registry
{
public:
    // Throws OpsError naming the processor and field at fault; `origin` names the file.
    static Registry load(std::string_view json, std::string_view origin);
    // The registry compiled into this build (resources/registry.json).
    static const Registry& builtin();

    const std::vector<ProcessorSpec>& processors() const { return m_processors; }
    const std::vector<PhaseSpec>& phases() const { return m_phases; }
    const ProcessorSpec* find(std::string_view name) const;
    // Throws UsageError ("no processor named X; did you mean Y?").
    const ProcessorSpec& get(std::string_view name) const;
    std::string phaseName(int phase) const;

    // All processors, every one after its dependencies (ties: phase, then file order).
    std::vector<std::string> topologicalOrder() const;
    // Transitive dependencies / dependants of `name`, in topological order, without `name`.
    std::vector<std::string> upstream(std::string_view name) const;
    std::vector<std::string> downstream(std::string_view name) const;
    // The processors that cannot run if all of `failed` fail, alternatives taken into account
    // (a processor with a working alternative for each group is not blocked), topological order.
    std::vector<std::string> blockedBy(const std::vector<std::string>& failed) const;

private:
    std::vector<ProcessorSpec> m_processors;
    std::vector<PhaseSpec> m_phases;
    std::vector<size_t> m_topo;
    size_t indexOf(std::string_view name) const;
    void validateAndOrder(std::string_view origin);
};

} // namespace nbaops::registry
