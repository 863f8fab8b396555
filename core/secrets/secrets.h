#pragma once

#include "catalog.h"
#include "util/date.h"

#include <optional>
#include <string>
#include <vector>

namespace nbaops::secrets {

// Where a secret's value came from. The environment wins over the keychain, so cron, systemd
// and CI can pass a secret without a desktop session.
enum class Source { None, Environment, Keychain };
const char* sourceName(Source source);

struct Resolved
{
    std::string value; // "" when the secret is not set anywhere
    Source source = Source::None;
    std::string setAt;   // when it was stored in the keychain (ISO UTC); "" from the environment
    std::string problem; // why the keychain could not be asked ("" when it answered)
};

// The value of `name` (a catalog name): its environment variable when set, else the keychain.
// The value is remembered by redact::text, so it never reaches a log or a stored error text.
// An unreachable keychain is not an error here: `problem` says so and the value is "".
Resolved get(const std::string& name);
// Stores `value` in the keychain after checking its shape (checkValue); throws UsageError for a
// bad value and OpsError when the keychain cannot be reached.
void set(const std::string& name, const std::string& value, TimePoint now);
// Deletes the keychain's item; false when there was none.
bool remove(const std::string& name);

// "" when `value` has the shape `spec` needs, else what is wrong (an API key with spaces, a
// webhook that is not https, a key file that cannot be read or is not a service-account key).
// Never repeats the value.
std::string checkValue(const Spec& spec, const std::string& value);

enum class Rotation { Ok, Soon, Due, Unknown };
const char* rotationName(Rotation rotation);

// One secret's state, without its value: for `secrets list`, the Settings page, the readiness
// score and the `secret_rotation_due` alert.
struct Status
{
    Spec spec;
    Source source = Source::None;
    std::string setAt;          // keychain: when stored; key file: the file's modification time
    std::optional<int> ageDays; // unknown for a value from the environment
    Rotation rotation = Rotation::Unknown;
    std::string problem; // the shape check's finding, or the keychain's error
};
// Soon: within 14 days of the rotation age.
std::vector<Status> status(TimePoint now);
Status statusOf(const std::string& name, TimePoint now);

} // namespace nbaops::secrets
