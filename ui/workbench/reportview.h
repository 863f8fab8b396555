#pragma once

#include "model/report.h"
#include "reportcharts.h"

#include <QTabWidget>

class QChartView;
class QComboBox;
class QLabel;
class QTableWidget;

namespace nbaops::ui {

class EvaluationView;

class LearningCurve;

// A version's report in tabs: the learning curve, the summary with the model against the
// baselines by segment, feature importance, predicted vs actual, residuals, MAE over time
// across versions and live, and the parameter search.
class ReportView : public QTabWidget
{
    Q_OBJECT
public:
    ReportView(LearningCurve* curve, QWidget* parent = nullptr);

    void show(const model::TrainingReport& report);
    void showOverTime(const std::vector<VersionWeeks>& versions, const std::vector<model::LiveWeek>& live,
                      const std::vector<model::DataQualityEvent>& events);
    void showMessage(const QString& text); // no report: what to do instead
    void showCurve();
    // The latest walk-forward run and ablation (page-wide, not the version's).
    EvaluationView* evaluation() const { return m_evaluation; }
    void showEvaluation(); // brings its tab forward
    // Every chart (PNG) and table (CSV) into `dir`; returns the files written.
    QStringList exportTo(const QString& dir) const;

private:
    LearningCurve* m_curve;
    model::TrainingReport m_report;
    QLabel* m_summary;
    QTableWidget* m_metrics;
    QChartView* m_segmentView;
    QComboBox* m_importanceKind;
    QChartView* m_importanceView;
    QChartView* m_scatterView;
    QChartView* m_residualView;
    QChartView* m_timeView;
    QChartView* m_searchView;
    EvaluationView* m_evaluation;
    QLabel* m_overUnderSummary;
    QChartView* m_reliabilityView;
    QTableWidget* m_overUnderTable;
    QTableWidget* m_searchTable;

    QWidget* buildReportTab();
    QWidget* buildImportanceTab();
    QWidget* buildOverUnderTab();
    QString summaryText(const model::TrainingReport& r) const;
    void showImportance();
};

} // namespace nbaops::ui
