#pragma once

#include <functional>

#include "common/backend.h"
#include "common/jobtracker.h"
#include "common/page.h"
#include "health/health.h"
#include "health/sla.h"
#include "readiness/readiness.h"

#include <QDate>

#include <array>
#include <optional>

class QDateEdit;
class QLabel;
class QPushButton;
class QTabWidget;
class QGroupBox;
class QVBoxLayout;
class QTableView;

namespace nbaops::ui {

class FailuresModel;
class FreshnessModel;
class RecentDaysModel;
class PhaseTile;
class TextTableModel;

// What the Health page shows, read in the background.
struct HealthSnapshot
{
    health::Report report;
    health::SlaReport slas;
    readiness::Scorecard readiness;
    std::string slaError; // the SLA file could not be read
};

// The morning check: a tile per phase, real failures (expected no-data runs collapsed into a
// count), and tabs for the last seven days, data freshness, the checks, the SLAs with their
// 7/30-day compliance, the gaps with what they leave stale, and the readiness scorecard.
// Loads in the background.
class HealthPage : public Page
{
    Q_OBJECT
public:
    explicit HealthPage(QString dbPath, QWidget* parent = nullptr, BackendPtr backend = {});
    QString pageId() const override { return QStringLiteral("health"); }
    QString title() const override { return tr("Health"); }
    void refresh() override;

    const health::Report* report() const { return m_report ? &*m_report : nullptr; }
    FailuresModel* failuresModel() const { return m_failures; }
    FreshnessModel* freshnessModel() const { return m_freshness; }
    RecentDaysModel* recentDaysModel() const { return m_days; }
    const health::SlaReport* slaReport() const { return m_snapshot ? &m_snapshot->slas : nullptr; }
    const readiness::Scorecard* scorecard() const { return m_snapshot ? &m_snapshot->readiness : nullptr; }
    TextTableModel* slaModel() const { return m_slaModel; }
    TextTableModel* gapModel() const { return m_gapModel; }
    TextTableModel* checkModel() const { return m_checkModel; }
    TextTableModel* readinessModel() const { return m_readinessModel; }
    QTabWidget* tabs() const { return m_tabs; }
    // Asked before an action of "Next:" that changes data (a rerun): the question, with the
    // command that does the same from a terminal. Tests answer it without a dialog.
    void setConfirm(std::function<bool(const QString& question)> confirm) { m_confirm = std::move(confirm); }
    // Does what the `index`th "Next:" line's button does (false: it has none, or it was declined).
    bool triggerNextStep(int index);

Q_SIGNALS:
    // The gap rows' "Fill the gaps": plan a backfill of the gaps of [from, to].
    void fillGapsRequested(const QDate& from, const QDate& to);
    // "Next:" actions, confirmed: run `date` again, all of it or one processor (`only`).
    void rerunRequested(const QDate& date, const QString& only);
    // "Next:" actions: the Alerts page, showing the alerts that match `filter`.
    void openAlertsRequested(const QString& filter);

private:
    void buildHeader(QVBoxLayout* root);
    QGroupBox* buildFailures(QWidget* parent);
    void buildTabs(QWidget* parent);
    void connectControls();
    void showReport(const HealthSnapshot& snap);
    void showSlas(const HealthSnapshot& snap);
    void showSlaDetail(int row);
    void showGapDetail(int row);
    void showGapsAndChecks(const health::Report& r);
    void showReadiness(const readiness::Scorecard& s);
    void showError(const QString& message);
    void showFailureDetail(int row);

    QString m_dbPath;
    BackendPtr m_backend;
    JobTracker m_jobs{this};
    std::optional<health::Report> m_report;
    std::optional<HealthSnapshot> m_snapshot;
    bool m_followLatest = true;
    QDateEdit* m_date;
    QPushButton* m_latest;
    QPushButton* m_refresh;
    QLabel* m_overall;
    QLabel* m_meta;
    QLabel* m_banner;
    std::array<PhaseTile*, 6> m_tiles{};
    FailuresModel* m_failures;
    FreshnessModel* m_freshness;
    RecentDaysModel* m_days;
    QTableView* m_failuresView;
    QTableView* m_freshnessView;
    QTableView* m_daysView;
    QLabel* m_failureDetail;
    QTabWidget* m_tabs;
    TextTableModel* m_slaModel;
    TextTableModel* m_gapModel;
    TextTableModel* m_checkModel;
    TextTableModel* m_readinessModel;
    QLabel* m_slaDetail;
    QLabel* m_gapDetail;
    QPushButton* m_fillGaps = nullptr;
    QDate m_gapFrom, m_gapTo;
    QLabel* m_readinessTotal;
    QLabel* m_noData;
    void showNextSteps(const health::Report& r);
    QWidget* m_next;
    std::function<bool(const QString&)> m_confirm;
};

} // namespace nbaops::ui
