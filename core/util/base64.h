#pragma once

#include <string>
#include <string_view>

namespace nbaops {

// Base64 with the URL alphabet (- and _) and no padding, as JWTs use it (RFC 7515).
std::string base64Url(std::string_view bytes);
// Also takes the standard alphabet and padding; "" when `text` is not base64.
std::string base64UrlDecode(std::string_view text);

} // namespace nbaops
