#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <optional>

namespace nbaops {

// A JSON number as a whole number when it is one and fits in 64 bits: an integer, or a float
// with no fraction inside int64's range. Anything else is nullopt: casting a double that does
// not fit to an integer is undefined, so a payload's 1e300 must not reach such a cast.
inline std::optional<int64_t> jsonWholeNumber(const nlohmann::json& v)
{
    if (v.is_number_unsigned())
        return v.get<uint64_t>() <= uint64_t(INT64_MAX) ? std::optional<int64_t>(int64_t(v.get<uint64_t>()))
                                                        : std::nullopt;
    if (v.is_number_integer())
        return v.get<int64_t>();
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::isfinite(d) && std::floor(d) == d && d >= -9.2e18 && d <= 9.2e18)
            return int64_t(d);
    }
    return std::nullopt;
}

} // namespace nbaops
