#pragma once

#include "health/trends.h"

#include <QList>
#include <QStringList>

class QChart;

// The Trends page's charts, built from one series of a trends report: success rate with its
// 7-day moving average, durations (P50 with the P50-P95 band and P99), and real failures
// stacked by category. Days that stand out against their own baseline are marked in red.
namespace nbaops::ui::trendcharts {

void fillSuccessRate(QChart* chart, const health::TrendSeries& s);
void fillDurations(QChart* chart, const health::TrendSeries& s);
void fillFailures(QChart* chart, const health::TrendSeries& s);

// The data behind each chart, as CSV header and rows.
struct Table
{
    QStringList header;
    QList<QStringList> rows;
};
Table successRateTable(const health::TrendSeries& s);
Table durationsTable(const health::TrendSeries& s);
Table failuresTable(const health::TrendSeries& s);

// The real failure categories in stacking order, and their colours.
inline constexpr const char* kFailureCategories[] = {"dependency_missing", "validation_failed", "timeout", "error"};

} // namespace nbaops::ui::trendcharts
