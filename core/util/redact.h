#pragma once

#include <string>
#include <string_view>

namespace nbaops::redact {

// Keeps secrets out of every text nbaops writes: logs, error texts stored with a run, reports.
// The secrets store registers each value it hands out (`remember`); `text` then replaces every
// occurrence of a registered value with "[secret:NAME]", and, for values it was never told,
// masks what has the shape of a credential: the password of a URL (scheme://user:PASS@host),
// the values of query parameters named like keys (apiKey, key, token, access_token, sig,
// password...), the token after "Bearer ", and the path of Slack/Discord-style webhook URLs.
// Values shorter than 6 characters are not remembered (they would mask ordinary words).
void remember(std::string_view name, std::string_view value);
// Forgets every remembered value (tests).
void forgetAll();
std::string text(std::string_view s);

} // namespace nbaops::redact
