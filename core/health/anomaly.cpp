#include "anomaly.h"

#include <algorithm>
#include <cmath>

namespace nbaops::health {

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

std::optional<Deviation> deviation(std::span<const DayValue> series, const DeviationRule& rule)
{
    if (series.size() < 2)
        return std::nullopt;
    const DayValue& last = series.back();
    const Date from = last.day.addDays(-rule.baselineDays);
    std::vector<double> all, sameWeekday;
    for (size_t i = 0; i + 1 < series.size(); ++i) {
        const auto& p = series[i];
        if (p.day < from || p.day >= last.day)
            continue;
        all.push_back(p.value);
        if (p.day.weekday() == last.day.weekday())
            sameWeekday.push_back(p.value);
    }
    Deviation d;
    d.value = last.value;
    d.weekdayAware = sameWeekday.size() >= 3;
    const std::vector<double>& base = d.weekdayAware ? sameWeekday : all;
    d.points = int(base.size());
    if (int(all.size()) < rule.minPoints)
        return std::nullopt;
    d.baseline = median(base);
    std::vector<double> dev;
    dev.reserve(base.size());
    for (double v : base)
        dev.push_back(std::fabs(v - d.baseline));
    d.mad = median(dev);
    // A flat baseline has no spread: floor the MAD at 5% of the baseline (and a small absolute
    // amount) so one ordinary wobble is not "infinitely" unusual.
    const double floorMad = std::max({0.05 * std::fabs(d.baseline), rule.minAbsolute / 3.0, 1e-9});
    const double mad = std::max(d.mad, floorMad);
    d.z = 0.6745 * (d.value - d.baseline) / mad;
    d.ratio = d.baseline > 0 ? d.value / d.baseline : (d.value > 0 ? INFINITY : 1.0);
    d.anomalous = d.z >= rule.minZ && d.value - d.baseline >= rule.minAbsolute &&
                  (d.baseline <= 0 ? d.value > 0 : d.value >= d.baseline * (1.0 + rule.minRelative));
    return d;
}

} // namespace nbaops::health
