#pragma once

#include "common/backend.h"
#include "common/jobtracker.h"
#include "common/page.h"
#include "jobs/backfill.h"

#include <array>
#include <optional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;
class QWidget;

namespace nbaops::ui {

class BackfillHistoryModel;
class BackfillRunner;
class PlanModel;

// Backfill many dates: a range, a dates file or the health check's gaps; the plan with its
// estimate and conflicts; start it here (or follow one started from the CLI, or one this console
// ran before it was restarted); per-phase progress with done/total and an ETA, the error rate, a
// live log; pause, resume, cancel; the history of backfills.
class BackfillPage : public Page
{
    Q_OBJECT
public:
    explicit BackfillPage(QString dbPath, QWidget* parent = nullptr, BackendPtr backend = {});
    QString pageId() const override { return QStringLiteral("backfill"); }
    QString title() const override { return tr("Backfill"); }
    void refresh() override;

    // The Health page's gap rows send the operator here: plans the gaps of [from, to].
    void planGaps(const QDate& from, const QDate& to);
    void plan();
    void start();
    PlanModel* planModel() const { return m_planModel; }
    BackfillRunner* runner() const { return m_runner; }
    std::optional<jobs::BackfillInfo> shown() const { return m_shown; }

Q_SIGNALS:
    void planned(); // a plan is shown

private:
    QHBoxLayout* buildControls();
    QWidget* buildProgress();
    void connectRunner();
    std::optional<jobs::PlanRequest> request() const;
    void showInfo(const std::optional<jobs::BackfillInfo>& info, const std::vector<jobs::BackfillInfo>& all);
    void act(const QString& what); // pause | cancel, through the database
    void log(const QString& line);
    void updateSource();

    QString m_dbPath;
    BackendPtr m_backend;
    JobTracker m_planJobs{this};
    JobTracker m_pollJobs{this};
    JobTracker m_actJobs{this};
    BackfillRunner* m_runner;
    PlanModel* m_planModel;
    BackfillHistoryModel* m_history;
    QComboBox* m_source;
    QDateEdit* m_from;
    QDateEdit* m_to;
    QLineEdit* m_file;
    QPushButton* m_browse;
    QSpinBox* m_workers;
    QCheckBox* m_force;
    QPushButton* m_plan;
    QPushButton* m_start;
    QLabel* m_summary;
    QLabel* m_title;
    std::array<QProgressBar*, 6> m_phases{};
    QProgressBar* m_overall;
    QLabel* m_eta;
    QPushButton* m_pause;
    QPushButton* m_resume;
    QPushButton* m_cancel;
    QPlainTextEdit* m_log;
    QTimer* m_timer;
    std::optional<jobs::BackfillInfo> m_shown;
    bool m_planned = false;
    int64_t m_ownId = 0; // the backfill this console ran or resumed: its log is its own
};

} // namespace nbaops::ui
