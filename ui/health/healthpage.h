#pragma once

#include "common/jobtracker.h"
#include "common/page.h"
#include "health/health.h"

#include <QDate>

#include <array>
#include <optional>

class QDateEdit;
class QLabel;
class QPushButton;
class QTableView;

namespace nbaops::ui {

class FailuresModel;
class FreshnessModel;
class RecentDaysModel;
class PhaseTile;

// The morning check: a tile per phase, real failures (expected no-data runs collapsed into a
// count), data freshness and the last seven days. Loads in the background.
class HealthPage : public Page
{
    Q_OBJECT
public:
    explicit HealthPage(QString dbPath, QWidget* parent = nullptr);
    QString pageId() const override { return QStringLiteral("health"); }
    QString title() const override { return tr("Health"); }
    void refresh() override;

    const health::Report* report() const { return m_report ? &*m_report : nullptr; }
    FailuresModel* failuresModel() const { return m_failures; }
    FreshnessModel* freshnessModel() const { return m_freshness; }
    RecentDaysModel* recentDaysModel() const { return m_days; }

private:
    void showReport(const health::Report& r);
    void showError(const QString& message);
    void showFailureDetail(int row);

    QString m_dbPath;
    JobTracker m_jobs{this};
    std::optional<health::Report> m_report;
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
    QLabel* m_noData;
    QLabel* m_next;
};

} // namespace nbaops::ui
