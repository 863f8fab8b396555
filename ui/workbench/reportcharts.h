#pragma once

// The Models page's charts and tables, each filled from a training report read into types
// (model::TrainingReport), so the page itself only lays them out.

#include "model/report.h"

#include <QString>

#include <vector>

class QChart;
class QChartView;
class QTableWidget;
class QValueAxis;
class QWidget;

namespace nbaops::ui {

// The Models page's translation context, for the fillers' text (defined in reportcharts.cpp;
// overundercharts.cpp and overtimechart.cpp fill the P(over) views and the chart over time).
QString modelsText(const char* text);
QChartView* makeChartView(const QString& title, QWidget* parent);
QValueAxis* valueAxis(const QString& title, double lo, double hi, QChart* chart, Qt::Alignment where);

// Model and baselines: MAE, RMSE and MAE by prior minutes, venue and rest.
void fillMetricsTable(QTableWidget* table, const model::TrainingReport& report);
// MAE by segment, the model beside the best baseline.
void fillSegmentChart(QChart* c, const model::TrainingReport& report);
// The search's configurations, sortable, the best walk-forward MAE first.
void fillSearchTable(QTableWidget* table, const model::TrainingReport& report);
// The search's progress: each rung's best MAE after each fit.
void fillSearchChart(QChart* c, const model::TrainingReport& report);
void fillScatterChart(QChart* c, const model::TrainingReport& report);
// P(over) on the test window: the reliability diagram, hit rate by confidence, and in words the
// Brier score and log loss against a naive 50% and the lines' own prices.
void fillReliabilityChart(QChart* c, const model::TrainingReport& report);
void fillOverUnderTable(QTableWidget* table, const model::TrainingReport& report);
QString overUnderText(const model::TrainingReport& report);
void fillResidualChart(QChart* c, const model::TrainingReport& report);
// The 15 most important features by `kind` (gain, weight or cover).
void fillImportanceChart(QChart* c, const model::TrainingReport& report, const QString& kind);
// A version's MAE per week on its test window, for the chart over time.
struct VersionWeeks
{
    std::string version;
    bool champion = false;
    std::vector<model::WeekMae> weekly;
};
// MAE per week: the newest versions on their test windows (newest first), the best baseline of
// the newest, the live graded predictions per serving model, and the data-quality events of
// those weeks (failed runs, NULL-rate spikes) marked along the top.
void fillOverTimeChart(QChart* c, const std::vector<VersionWeeks>& versions, const std::vector<model::LiveWeek>& live,
                       const std::vector<model::DataQualityEvent>& events);

} // namespace nbaops::ui
