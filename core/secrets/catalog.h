#pragma once

#include <string>
#include <vector>

namespace nbaops::secrets {

enum class Kind { ApiKey, Webhook, Password, KeyFile };

// One secret nbaops uses: its name (the keychain's and the CLI's), the environment variable
// that overrides the keychain, what it is for, and how often it should be rotated.
struct Spec
{
    std::string name;
    Kind kind;
    std::string envVar;
    std::string what;
    int rotationDays;
};

// Every secret, in the order the Settings page and `nbaops secrets list` show them.
const std::vector<Spec>& catalog();
// The spec of `name`; a UsageError naming the known secrets when there is none.
const Spec& spec(const std::string& name);
// api_key | webhook | password | key_file
const char* kindName(Kind kind);

} // namespace nbaops::secrets
