#pragma once

#include "common/backend.h"
#include "common/jobtracker.h"
#include "common/page.h"

class QDateEdit;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

class QHBoxLayout;

namespace nbaops::ui {

class PhaseGraph;
class PipelineModel;
class PipelineRunner;

// Run the pipeline from the console: pick dates and workers, run, watch every processor's
// state live in the phase graph with the log, cancel. At rest it shows the latest date's runs.
class PipelinePage : public Page
{
    Q_OBJECT
public:
    explicit PipelinePage(QString dbPath, QWidget* parent = nullptr, BackendPtr backend = {});
    QString pageId() const override { return QStringLiteral("pipeline"); }
    QString title() const override { return tr("Pipeline"); }
    void refresh() override;

    PipelineModel* model() const { return m_model; }
    PipelineRunner* runner() const { return m_runner; }
    void run(); // starts a run of the chosen dates
    // The Health page's actions: runs `date` again, all of it or one processor (`only`). False
    // (with the reason in statusMessage) while a run is going.
    bool runDate(const QDate& date, const QString& only = QString());

private:
    QHBoxLayout* buildControls();
    void connectRunner();
    void log(const QString& line);
    void setRunning(bool running);
    QString backendName() const;

    QString m_dbPath;
    BackendPtr m_backend;
    JobTracker m_jobs{this};
    PipelineModel* m_model;
    PipelineRunner* m_runner;
    PhaseGraph* m_graph;
    QDateEdit* m_from;
    QDateEdit* m_to;
    QSpinBox* m_workers;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QLabel* m_status;
    QPlainTextEdit* m_log;
};

} // namespace nbaops::ui
