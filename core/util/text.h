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

} // namespace nbaops
