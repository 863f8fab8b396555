#pragma once

#include <cstdio>
#include <string>
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

} // namespace nbaops
