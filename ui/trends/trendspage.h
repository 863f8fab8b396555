#pragma once

#include "common/backend.h"
#include "common/jobtracker.h"
#include "common/page.h"
#include "health/trends.h"

#include <QDate>

#include <optional>

class QChartView;
class QComboBox;
class QDateEdit;
class QLabel;
class QListWidget;
class QPushButton;

class QGridLayout;
class QHBoxLayout;

namespace nbaops::registry {
class Registry;
}

namespace nbaops::ui {

// Trends over a range of days for one phase or processor: success rate, durations with the
// P50-P95 band, real failures stacked by category, the days that stand out marked in red,
// and the early warnings of every series. Each chart saves as PNG and its data as CSV.
class TrendsPage : public Page
{
    Q_OBJECT
public:
    // `registry`: the processors' phases and timeouts (default: the built-in registry).
    explicit TrendsPage(QString dbPath, QWidget* parent = nullptr, const registry::Registry* registry = nullptr,
                        BackendPtr backend = {});
    QString pageId() const override { return QStringLiteral("trends"); }
    QString title() const override { return tr("Trends"); }
    void refresh() override;

    // A preset: the last `days` days up to the latest day with runs.
    void setRangeDays(int days);
    // A range of days (UTC days of the runs' start).
    void setRange(QDate from, QDate until);
    // "phase 3" or a processor; false when the report has no such series.
    bool selectSeries(const QString& name);
    QString currentSeries() const;

    const health::TrendsReport* report() const { return m_report ? &*m_report : nullptr; }
    QChartView* successView() const { return m_successView; }
    QChartView* durationView() const { return m_durationView; }
    QChartView* failureView() const { return m_failureView; }
    QListWidget* warnings() const { return m_warnings; }
    double lastLoadMs() const { return m_loadMs; }
    // False between the phases' paint and the processors' arrival.
    bool isComplete() const { return m_complete; }

    // Writes each chart as PNG and its data as CSV into `dir`; the files written.
    QStringList exportAll(const QString& dir);
    // Stores the suggested per-processor timeouts (the runner uses them); how many changed.
    void applySuggestedTimeouts();

Q_SIGNALS:
    // The phases' charts are painted; the processors follow (then loaded()).
    void phasesShown();

private:
    QHBoxLayout* buildControls();
    QGridLayout* buildCharts();
    void connectControls();
    void load();
    void display(health::TrendsReport r, double ms, bool complete);
    void showSeries();
    const health::TrendSeries* series(const QString& name) const;
    void chartMenu(QChartView* view, const QPoint& pos);
    bool saveChart(QChartView* view, const QString& path);
    bool saveTable(QChartView* view, const QString& path);

    QString m_dbPath;
    BackendPtr m_backend;
    const registry::Registry& m_registry;
    JobTracker m_jobs{this};
    std::optional<health::TrendsReport> m_report;
    int m_days = 30;
    std::optional<QDate> m_until;      // none: the latest day with runs
    double m_loadMs = 0;
    bool m_complete = false;
    QString m_wanted = QStringLiteral("phase 3"); // the series the user chose
    QComboBox* m_range;
    QDateEdit* m_from;
    QDateEdit* m_to;
    QComboBox* m_series;
    QPushButton* m_export;
    QPushButton* m_timeouts;
    QLabel* m_summary;
    QChartView* m_successView;
    QChartView* m_durationView;
    QChartView* m_failureView;
    QListWidget* m_warnings;
};

} // namespace nbaops::ui
