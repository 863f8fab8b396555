#pragma once

#include "common/jobtracker.h"
#include "common/page.h"
#include "dr/backup.h"
#include "dr/drill.h"

#include <functional>

class QChartView;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableView;
class QTextBrowser;
class QTimer;

namespace nbaops::ui {

class AuditModel;
class BackupJobs;
class BackupsModel;
class DrillHistoryModel;
class DrillRunner;
class DrillStepsModel;

// Disaster recovery: the backups (back up, verify, test-restore, restore with a confirmation
// naming what is replaced), the drill wizard (each step with its own timer, Done / Deviation
// with a note for a person's steps, the automated checks as they pass, the RTO clock), the
// drill history with RTO and RPO against their targets, the runbooks, and the audit log.
class DrPage : public Page
{
    Q_OBJECT
public:
    explicit DrPage(QString dbPath, QWidget* parent = nullptr);
    QString pageId() const override { return QStringLiteral("dr"); }
    QString title() const override { return tr("Recovery"); }
    void refresh() override;

    // The nbaops program the drills run the runbooks' commands with (default: beside this one).
    void setProgram(const QString& path);
    // Asks the operator before a restore (tests answer for them). Returns true to go on.
    void setConfirm(std::function<bool(const QString& question)> confirm)
    {
        m_confirm = std::move(confirm);
    }
    void showTab(const QString& name); // backups | drills | history | runbooks | audit

    void backUpNow();
    void verifySelected();
    void testRestoreSelected();
    void restoreSelected();
    void startDrill(const QString& scenario);
    void answerStep(bool deviation);

    BackupsModel* backups() const { return m_backups; }
    DrillStepsModel* steps() const { return m_steps; }
    DrillHistoryModel* history() const { return m_history; }
    AuditModel* audit() const { return m_audit; }
    BackupJobs* backupJobs() const { return m_jobs; }
    DrillRunner* drillRunner() const { return m_drill; }

Q_SIGNALS:
    void drillFinished(const nbaops::dr::DrillResult& result);
    void backupJobDone(const QString& what, bool ok);

private:
    QWidget* buildBackupsTab();
    QWidget* buildDrillsTab();
    QWidget* buildHistoryTab();
    QWidget* buildRunbooksTab();
    QWidget* buildAuditTab();
    void connectJobs();
    void connectDrill();
    void showSummary();
    void showBackupDetail();
    void showDrillEvent(const dr::DrillEvent& e);
    void showScenario();
    void fillCharts(const std::vector<dr::DrillSummary>& drills);
    void loadAudit();
    QString selectedBackup() const;
    QString backupDest() const;

    QString m_dbPath;
    QString m_program;
    std::function<bool(const QString&)> m_confirm;
    JobTracker m_loadJobs{this};
    JobTracker m_auditJobs{this};
    BackupJobs* m_jobs;
    DrillRunner* m_drill;
    BackupsModel* m_backups;
    DrillStepsModel* m_steps;
    DrillHistoryModel* m_history;
    AuditModel* m_audit;
    QTabWidget* m_tabs = nullptr;
    QLabel* m_proven = nullptr;
    QLabel* m_lastDrill = nullptr;
    QLabel* m_store = nullptr;
    QTableView* m_backupTable = nullptr;
    QLabel* m_backupDetail = nullptr;
    QPushButton* m_backUp = nullptr;
    QPushButton* m_verify = nullptr;
    QPushButton* m_test = nullptr;
    QPushButton* m_restore = nullptr;
    QProgressBar* m_jobProgress = nullptr;
    QLabel* m_jobText = nullptr;
    QComboBox* m_scenario = nullptr;
    QLabel* m_scenarioInfo = nullptr;
    QPushButton* m_startDrill = nullptr;
    QPushButton* m_stopDrill = nullptr;
    QLabel* m_clock = nullptr;
    QTableView* m_stepTable = nullptr;
    QTextBrowser* m_stepDetail = nullptr;
    QLineEdit* m_note = nullptr;
    QPushButton* m_done = nullptr;
    QPushButton* m_deviation = nullptr;
    QChartView* m_rtoChart = nullptr;
    QChartView* m_rpoChart = nullptr;
    QListWidget* m_runbookList = nullptr;
    QTextBrowser* m_runbookText = nullptr;
    QComboBox* m_auditAction = nullptr;
    QLineEdit* m_auditText = nullptr;
    QTimer* m_tick = nullptr;
    std::vector<dr::BackupEntry> m_entries;
    std::vector<std::string> m_stepOutputs; // per step: its command and check output
    double m_injectedAt = -1;               // seconds since the epoch, for the RTO clock
    qint64 m_stepStarted = 0;               // ms since the epoch of the running step
    int m_runningStep = -1;
};

} // namespace nbaops::ui
