#pragma once

#include <map>
#include <optional>
#include <string>

namespace nbaops::secrets::keychain {

// The OS keychain: the freedesktop Secret Service (GNOME Keyring, KWallet...) on the D-Bus
// session bus, through libsecret. Items carry the schema "org.nbaops.Secret" and the
// attributes `name` and `set_at` (when the value was stored, ISO UTC), so listing needs no
// value. Every function throws OpsError when the service cannot be reached, saying what to do.

struct Stored
{
    std::string value;
    std::string setAt;
};

// "" when the Secret Service answers, else why not.
std::string probe();
std::optional<Stored> lookup(const std::string& name);
// Replaces the item of `name`.
void store(const std::string& name, const std::string& value, const std::string& setAt);
// false when there was none.
bool remove(const std::string& name);
// name -> set_at of every stored item; no value is read.
std::map<std::string, std::string> list();

} // namespace nbaops::secrets::keychain
