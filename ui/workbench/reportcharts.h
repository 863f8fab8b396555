#pragma once

// The Models page's charts and tables, each filled from a stored training report (the JSON of
// `nbaops train --json`), so the page itself only lays them out.

#include <QString>

#include <nlohmann/json.hpp>

class QChart;
class QChartView;
class QTableWidget;
class QValueAxis;
class QWidget;

namespace nbaops::ui {

QChartView* makeChartView(const QString& title, QWidget* parent);
QValueAxis* valueAxis(const QString& title, double lo, double hi, QChart* chart, Qt::Alignment where);

// Model and baselines: MAE, RMSE and MAE by prior minutes, venue and rest.
void fillMetricsTable(QTableWidget* table, const nlohmann::json& report);
// MAE by segment, the model beside the best baseline.
void fillSegmentChart(QChart* c, const nlohmann::json& report);
// The search's fits, sortable, best validation MAE first.
void fillSearchTable(QTableWidget* table, const nlohmann::json& report);
void fillScatterChart(QChart* c, const nlohmann::json& report);
void fillResidualChart(QChart* c, const nlohmann::json& report);
// The 15 most important features by `kind` (gain, weight or cover).
void fillImportanceChart(QChart* c, const nlohmann::json& report, const QString& kind);
// MAE per week: the newest versions on their test windows, the best baseline of the newest,
// and the live graded predictions per serving model.
void fillOverTimeChart(QChart* c, const nlohmann::json& versions, const nlohmann::json& live);

} // namespace nbaops::ui
