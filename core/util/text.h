#pragma once

#include <cstdio>
#include <string>

namespace nbaops {

// "12.3%" for 0.123.
inline std::string percentText(double fraction)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", fraction * 100);
    return buf;
}

} // namespace nbaops
