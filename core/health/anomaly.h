#pragma once

#include "util/date.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nbaops::health {

// A day's value of a daily series (a duration percentile, a failure count).
struct DayValue
{
    Date day;
    double value = 0;
};

// How far a value sits from its baseline, robustly: the median of comparable earlier days
// (the same weekday when there are at least three of them, else every day) and the median
// absolute deviation. Noise does not trip it: it takes both a robust z above `minZ` and a
// change of at least `minRelative` (and `minAbsolute`).
struct Deviation
{
    double value = 0;
    double baseline = 0;   // median of the comparable days
    double mad = 0;
    double z = 0;          // 0.6745 (value - median) / MAD, with the MAD floored
    double ratio = 1;      // value / baseline
    int points = 0;        // comparable days used
    bool weekdayAware = false;
    bool anomalous = false;
};

struct DeviationRule
{
    int baselineDays = 30;
    double minZ = 3.5;
    double minRelative = 0.20; // 20% above the baseline
    double minAbsolute = 0;    // and at least this much (counts: 3 failures)
    int minPoints = 7;         // fewer comparable days: no verdict
};

// The last point of `series` (ascending days) against the `rule.baselineDays` before it.
std::optional<Deviation> deviation(std::span<const DayValue> series, const DeviationRule& rule);

// The median of v (v is copied and sorted); 0 when empty.
double median(std::vector<double> v);

} // namespace nbaops::health
