#pragma once

#include <span>
#include <string_view>

namespace nbaops::resources {

// The processor registry shipped with this build (resources/registry.json).
std::string_view registryJson();
// The default alert rules, receivers and routes (resources/alert_rules.json).
std::string_view alertRulesJson();
// The default service-level agreements (resources/slas.json).
std::string_view slasJson();

// One schema migration (resources/migrations/NNN_name.sql).
struct Migration
{
    int version;
    const char* description;
    const char* sql;
};
// Every migration, oldest first.
std::span<const Migration> migrations();

// One DR runbook (resources/runbooks/<name>.md), by file name.
struct Runbook
{
    const char* name;
    const char* markdown;
};
std::span<const Runbook> runbooks();

} // namespace nbaops::resources
