// The Trends page's widgets and how they are wired; trendspage.cpp holds what they show.
#include "trendspage.h"

#include "trendcharts.h"
#include "common/logging.h"

#include "common/chartutil.h"
#include "common/csv.h"
#include "common/qtconv.h"
#include "common/theme.h"
#include "common/widgets.h"
#include "registry/registry.h"
#include "store/database.h"
#include "util/files.h"
#include "util/text.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <chrono>

namespace nbaops::ui {

namespace {

QChartView* makeChartView(QWidget* parent, const QString& name, const QString& accessibleName)
{
    auto* chart = new QChart;
    themeChart(chart);
    chart->setAnimationOptions(QChart::NoAnimation);
    auto* v = new QChartView(chart, parent);
    v->setObjectName(name);
    v->setAccessibleName(accessibleName);
    v->setRenderHint(QPainter::Antialiasing);
    v->setMinimumSize(360, 240);
    v->setContextMenuPolicy(Qt::CustomContextMenu);
    v->setToolTip(QObject::tr("Right-click to save the chart as PNG or its data as CSV"));
    return v;
}

} // namespace

TrendsPage::TrendsPage(QString dbPath, QWidget* parent, const registry::Registry* registry, BackendPtr backend)
    : Page(parent), m_dbPath(std::move(dbPath)), m_backend(backendOr(std::move(backend), m_dbPath)), m_registry(registry ? *registry : registry::Registry::builtin())
{
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(16, 12, 16, 12);
    root->addWidget(makeHeading(tr("Trends"), this));
    m_summary = makeSubtitle(tr("Loading..."), this);
    m_summary->setObjectName(QStringLiteral("trendsSummary"));
    root->addWidget(m_summary);

    root->addLayout(buildControls());
    root->addLayout(buildCharts(), 1);
    connectControls();
    m_timeouts->setEnabled(false);
    m_export->setEnabled(false);
}

// The range, the series, and the timeouts and export buttons.
QHBoxLayout* TrendsPage::buildControls()
{
    auto* bar = new QHBoxLayout;
    m_range = new QComboBox(this);
    m_range->setObjectName(QStringLiteral("trendsRange"));
    for (const auto& [text, days] : {std::pair{tr("Last 7 days"), 7}, std::pair{tr("Last 30 days"), 30},
                                     std::pair{tr("Last 90 days"), 90}, std::pair{tr("Last 365 days"), 365}})
        m_range->addItem(text, days);
    m_range->addItem(tr("Custom range"), 0);
    m_range->setCurrentIndex(1);
    m_from = new QDateEdit(this);
    m_to = new QDateEdit(this);
    m_from->setAccessibleName(tr("First day of the range"));
    m_to->setAccessibleName(tr("Last day of the range"));
    for (auto* e : {m_from, m_to}) {
        e->setCalendarPopup(true);
        e->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    }
    m_series = new QComboBox(this);
    m_series->setObjectName(QStringLiteral("trendsSeries"));
    m_series->setMinimumContentsLength(28);
    m_series->setToolTip(tr("The phase or processor the charts show"));
    // Created in the order they are laid out, which is Tab's order.
    m_timeouts = new QPushButton(tr("Apply suggested timeouts"), this);
    m_timeouts->setObjectName(QStringLiteral("applyTimeouts"));
    m_export = new QPushButton(tr("Export charts..."), this);
    m_export->setToolTip(tr("Save each chart as PNG and its data as CSV into a folder"));
    bar->addWidget(makeLabelFor(tr("Range:"), m_range, this));
    bar->addWidget(m_range);
    bar->addWidget(m_from);
    bar->addWidget(new QLabel(QStringLiteral("–"), this));
    bar->addWidget(m_to);
    bar->addSpacing(16);
    bar->addWidget(makeLabelFor(tr("Series:"), m_series, this));
    bar->addWidget(m_series);
    bar->addStretch(1);
    bar->addWidget(m_timeouts);
    bar->addWidget(m_export);
    return bar;
}

// The three charts and the early warnings, two by two.
QGridLayout* TrendsPage::buildCharts()
{
    auto* grid = new QGridLayout;
    grid->setSpacing(8);
    m_successView = makeChartView(this, QStringLiteral("successChart"), tr("Success rate chart"));
    m_durationView = makeChartView(this, QStringLiteral("durationChart"), tr("Duration chart"));
    m_failureView = makeChartView(this, QStringLiteral("failureChart"), tr("Failures chart"));
    auto* warnBox = new QWidget(this);
    auto* warnLayout = new QVBoxLayout(warnBox);
    warnLayout->setContentsMargins(0, 0, 0, 0);
    auto* warnTitle = new QLabel(tr("<b>Early warnings</b> (every phase and processor; click one to show it)"), warnBox);
    m_warnings = new QListWidget(warnBox);
    m_warnings->setObjectName(QStringLiteral("trendWarnings"));
    m_warnings->setAccessibleName(tr("Early warnings"));
    m_warnings->setWordWrap(true);
    m_warnings->setAlternatingRowColors(true);
    warnLayout->addWidget(warnTitle);
    warnLayout->addWidget(m_warnings, 1);
    grid->addWidget(m_successView, 0, 0);
    grid->addWidget(m_durationView, 0, 1);
    grid->addWidget(m_failureView, 1, 0);
    grid->addWidget(warnBox, 1, 1);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    return grid;
}

void TrendsPage::connectControls()
{
    connect(m_range, &QComboBox::activated, this, [this](int index) {
        const int days = m_range->itemData(index).toInt();
        if (days > 0)
            setRangeDays(days);
    });
    for (auto* e : {m_from, m_to}) {
        connect(e, &QDateEdit::editingFinished, this, [this] {
            if (m_report && (m_from->date() != isoToQDate(m_report->from) ||
                             m_to->date() != isoToQDate(m_report->until)))
                setRange(m_from->date(), m_to->date());
        });
    }
    connect(m_series, &QComboBox::currentIndexChanged, this, [this] {
        m_wanted = currentSeries();
        showSeries();
    });
    connect(m_warnings, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        const QString s = item->data(Qt::UserRole).toString();
        if (!s.isEmpty())
            selectSeries(s);
    });
    for (auto* v : {m_successView, m_durationView, m_failureView})
        connect(v, &QWidget::customContextMenuRequested, this, [this, v](const QPoint& pos) { chartMenu(v, pos); });
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export the charts into"));
        if (dir.isEmpty())
            return;
        const auto files = exportAll(dir);
        Q_EMIT statusMessage(tr("Wrote %1 files to %2").arg(files.size()).arg(dir));
    });
    connect(m_timeouts, &QPushButton::clicked, this, [this] {
        if (QMessageBox::question(this, tr("Apply suggested timeouts"),
                                  m_timeouts->toolTip() + tr("\n\nThe runner uses them from its next run. Apply?")) ==
            QMessageBox::Yes)
            applySuggestedTimeouts();
    });
}

} // namespace nbaops::ui
