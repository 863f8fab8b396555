#pragma once

#include "common/jobtracker.h"
#include "common/page.h"
#include "model/report.h"

#include <QStringList>

#include <map>

class QLabel;

namespace nbaops::ui {

class LearningCurve;
class ModelTrainer;
class ReportView;
class TrainForm;
class VersionsPanel;

// Models (the model workbench): the training form (TrainForm), the learning curve drawn live
// while training runs in the background (LearningCurve, ModelTrainer), the selected version's
// report (ReportView), the versions with compare and promote (VersionsPanel), and exports
// (PNG per chart, CSV per table). The page reads the registry off the GUI thread and wires
// the parts together.
class ModelsPage : public Page
{
    Q_OBJECT
public:
    explicit ModelsPage(QString dbPath, QWidget* parent = nullptr);
    QString pageId() const override { return QStringLiteral("models"); }
    QString title() const override { return tr("Models"); }
    void refresh() override;

    void train();                         // from the form
    void walkForward();                   // the form's parameters, a month at a time
    void ablation();
    void cancelTraining();
    bool isTraining() const;
    void showVersion(const QString& version);
    void compareSelected();               // with the champion
    void diffSelected();                  // what changed, in a dialog
    void promoteSelected();
    // Writes every chart (PNG) and table (CSV) into `dir`; returns the files written.
    QStringList exportAll(const QString& dir);
    int curvePoints() const;              // points on the live learning curve (tests)

Q_SIGNALS:
    void trainingFinished(const QString& version);
    void trainingFailed(const QString& message);
    void evaluationFinished(const QString& evaluationId);
    void actionDone(const QString& message);

private:
    QString m_dbPath;
    JobTracker m_jobs{this};
    JobTracker m_actions{this};
    ModelTrainer* m_trainer;
    TrainForm* m_form;
    LearningCurve* m_curve;
    ReportView* m_report;
    VersionsPanel* m_versions;
    QLabel* m_status;
    QString m_shown;
    QString m_selectAfterLoad;
    bool m_showEvaluation = false; // after a walk-forward or ablation, its tab once loaded
    std::map<std::string, model::TrainingReport> m_reports; // by version

    void connectTrainer();
    void startEvaluation(bool ablation);
    void runAction(const QString& start, std::function<QString(const std::string& path)> action, bool reload);
};

} // namespace nbaops::ui
