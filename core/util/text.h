#pragma once

#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace nbaops {

// "12.3%" for 0.123.
inline std::string percentText(double fraction)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", fraction * 100);
    return buf;
}

// 'a','b''c' for an SQL IN (...) list, quotes doubled; '' for an empty list.
inline std::string sqlInList(const std::vector<std::string>& values)
{
    std::string out;
    for (const auto& v : values) {
        std::string q;
        for (char c : v)
            q += c == '\'' ? std::string("''") : std::string(1, c);
        out += (out.empty() ? "'" : ",'") + q + "'";
    }
    return out.empty() ? "''" : out;
}

// Percent-encoding for a URL's query or a form body (RFC 3986: unreserved characters stay).
inline std::string percentEncode(std::string_view v)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : v) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(char(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

// Replaces each byte that does not begin a well-formed UTF-8 sequence (a stray continuation
// byte, a cut-off sequence, an overlong form, a surrogate, beyond U+10FFFF) by U+FFFD, the
// replacement character, and says whether anything was replaced. Text from a file or a person
// goes through this before it is stored, so JSON written from it later cannot fail.
inline bool repairUtf8(std::string& s)
{
    // the length of the well-formed sequence at i, or 0
    const auto sequence = [&s](size_t i) -> size_t {
        const auto b = [&s](size_t k) { return static_cast<unsigned char>(s[k]); };
        const unsigned char c = b(i);
        if (c < 0x80)
            return 1;
        size_t n = 0;
        unsigned char lo = 0x80, hi = 0xBF; // the allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        else
            return 0;
        if (i + n > s.size() || b(i + 1) < lo || b(i + 1) > hi)
            return 0;
        for (size_t k = 2; k < n; ++k)
            if (b(i + k) < 0x80 || b(i + k) > 0xBF)
                return 0;
        return n;
    };
    size_t i = 0;
    while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80)
        ++i;
    if (i == s.size())
        return false;
    std::string out = s.substr(0, i);
    bool replaced = false;
    while (i < s.size()) {
        if (const size_t n = sequence(i)) {
            out.append(s, i, n);
            i += n;
        } else {
            out += "\xEF\xBF\xBD";
            replaced = true;
            ++i;
        }
    }
    if (replaced)
        s = std::move(out);
    return replaced;
}

} // namespace nbaops
