#pragma once

#include "common/jobtracker.h"
#include "common/page.h"

#include <QStringList>

#include <nlohmann/json.hpp>

class QCheckBox;
class QChartView;
class QComboBox;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTableWidget;

class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace nbaops::ui {

class ModelTrainer;
class VersionsModel;

// Models: a parameter form and Train, the learning curve drawn live while training runs in
// the background, the selected version's report (model vs baselines by segment, importance,
// predicted vs actual, residuals), MAE over calendar time across versions and the live
// champion, the versions table with compare and promote, and exports (PNG per chart, CSV per
// table).
class ModelsPage : public Page
{
    Q_OBJECT
public:
    explicit ModelsPage(QString dbPath, QWidget* parent = nullptr);
    QString pageId() const override { return QStringLiteral("models"); }
    QString title() const override { return tr("Models"); }
    void refresh() override;

    void train();                         // from the form
    void cancelTraining();
    bool isTraining() const;
    void showVersion(const QString& version);
    void compareSelected();               // with the champion
    void promoteSelected();
    // Writes every chart (PNG) and table (CSV) into `dir`; returns the files written.
    QStringList exportAll(const QString& dir);
    int curvePoints() const;              // points on the live learning curve (tests)

Q_SIGNALS:
    void trainingFinished(const QString& version);
    void trainingFailed(const QString& message);
    void actionDone(const QString& message);

private:
    QString m_dbPath;
    JobTracker m_jobs{this};
    JobTracker m_actions{this};
    ModelTrainer* m_trainer;
    VersionsModel* m_versions;
    QString m_shown;
    QString m_selectAfterLoad;
    nlohmann::json m_report;

    // form
    QComboBox* m_objective;
    QSpinBox* m_depth;
    QDoubleSpinBox* m_eta;
    QDoubleSpinBox* m_childWeight;
    QDoubleSpinBox* m_subsample;
    QDoubleSpinBox* m_colsample;
    QSpinBox* m_rounds;
    QSpinBox* m_early;
    QSpinBox* m_search;
    QCheckBox* m_defaultSplit;
    QDateEdit* m_trainUntil;
    QDateEdit* m_validUntil;
    QDateEdit* m_testFrom;
    QPushButton* m_train;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;

    // report
    QTabWidget* m_tabs;
    QChartView* m_curveView;
    QLineSeries* m_trainSeries;
    QLineSeries* m_validSeries;
    QScatterSeries* m_bestPoint;
    QValueAxis* m_curveX;
    QValueAxis* m_curveY;
    double m_curveMax = 0;
    QLabel* m_summary;
    QTableWidget* m_metrics;
    QChartView* m_segmentView;
    QComboBox* m_importanceKind;
    QChartView* m_importanceView;
    QChartView* m_scatterView;
    QChartView* m_residualView;
    QChartView* m_timeView;
    QTableWidget* m_searchTable;

    // versions
    QTableView* m_table;
    QPushButton* m_compare;
    QPushButton* m_promote;
    QPushButton* m_export;
    QLabel* m_actionResult;
    QLabel* m_serving;

    void buildForm(QWidget* host);
    void resetCurve();
    void addCurvePoint(int iteration, double trainMae, double validMae, int best);
    void showReport(const nlohmann::json& report);
    void showImportance();
    void showOverTime(const nlohmann::json& versions, const nlohmann::json& live);
    QString selectedVersion() const;
};

} // namespace nbaops::ui
