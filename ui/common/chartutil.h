#pragma once

// Ownership rules Qt Charts leaves to the caller, kept in one place so a chart refilled on every
// refresh does not leak what it replaced.

class QAreaSeries;
class QChart;

namespace nbaops::ui {

// Removes and deletes the chart's series and axes (removeAxis() only gives an axis back).
void clearChart(QChart* chart);
// Adds an area to the chart. The chart adopts the area but not its edge series, so the area
// adopts them and clearChart() deletes all three.
void addArea(QChart* chart, QAreaSeries* area);

} // namespace nbaops::ui
