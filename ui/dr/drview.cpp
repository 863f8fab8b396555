// The DR page's widgets: the tabs, their controls and the RTO / RPO charts.
#include "drpage.h"

#include "common/chartutil.h"
#include "common/qtconv.h"
#include "common/theme.h"
#include "common/widgets.h"
#include "dr/runbook.h"
#include "drmodels.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QListWidget>
#include <QLogValueAxis>
#include <QPen>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <QValueAxis>

#include <map>

namespace nbaops::ui {

QWidget* DrPage::buildBackupsTab()
{
    auto* w = new QWidget(this);
    auto* v = new QVBoxLayout(w);
    auto* row = new QHBoxLayout;
    m_backUp = new QPushButton(tr("Back up now"), w);
    m_backUp->setObjectName(QStringLiteral("backUpButton"));
    m_backUp->setToolTip(tr(
        "The database through SQLite's online backup API, the raw store, the published documents "
        "and the models, with a sealed manifest (nbaops backup create)"));
    m_verify = new QPushButton(tr("Verify"), w);
    m_verify->setToolTip(
        tr("Check every table and file of the selected backup against its manifest"));
    m_test = new QPushButton(tr("Test-restore"), w);
    m_test->setToolTip(tr("Restore the selected backup into a scratch folder and compare "
                          "everything: proven restorable"));
    m_restore = new QPushButton(tr("Restore…"), w);
    m_restore->setObjectName(QStringLiteral("restoreButton"));
    m_restore->setToolTip(tr(
        "Replace the live state with the selected backup (what it replaces is backed up first)"));
    for (auto* b : {m_backUp, m_verify, m_test, m_restore})
        row->addWidget(b);
    row->addSpacing(12);
    m_jobProgress = new QProgressBar(w);
    m_jobProgress->setRange(0, 100);
    m_jobProgress->setMaximumWidth(220);
    m_jobProgress->setVisible(false);
    row->addWidget(m_jobProgress);
    m_jobText = new QLabel(w);
    m_jobText->setObjectName(QStringLiteral("backupJobText"));
    m_jobText->setWordWrap(true);
    row->addWidget(m_jobText, 1);
    v->addLayout(row);
    auto* split = new QSplitter(Qt::Vertical, w);
    m_backupTable = makeTable(m_backups, split, tr("Backups"));
    m_backupTable->setObjectName(QStringLiteral("backupTable"));
    m_backupTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_backupTable->horizontalHeader()->setStretchLastSection(true);
    split->addWidget(m_backupTable);
    m_backupDetail = makeDetailPane(QStringLiteral("backupDetail"), split);
    split->addWidget(m_backupDetail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    v->addWidget(split, 1);
    return w;
}

QWidget* DrPage::buildDrillsTab()
{
    auto* w = new QWidget(this);
    auto* v = new QVBoxLayout(w);
    auto* row = new QHBoxLayout;
    m_scenario = new QComboBox(w);
    m_scenario->setObjectName(QStringLiteral("drillScenario"));
    for (const auto& s : dr::drillScenarios()) {
        const auto& rb = dr::runbook(s);
        m_scenario->addItem(qs(rb.title + " (" + s + ")"), qs(s));
    }
    row->addWidget(new QLabel(tr("Scenario"), w));
    row->addWidget(m_scenario);
    m_startDrill = new QPushButton(tr("Start drill in a sandbox"), w);
    m_startDrill->setObjectName(QStringLiteral("startDrillButton"));
    m_stopDrill = new QPushButton(tr("Stop"), w);
    m_stopDrill->setToolTip(
        tr("Stop after the step in progress; the drill can be resumed (nbaops drill resume ID)"));
    m_stopDrill->setEnabled(false);
    row->addWidget(m_startDrill);
    row->addWidget(m_stopDrill);
    m_clock = new QLabel(w);
    m_clock->setObjectName(QStringLiteral("rtoClock"));
    QFont big = m_clock->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_clock->setFont(big);
    m_clock->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // never widens the page
    m_clock->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    row->addWidget(m_clock, 1);
    v->addLayout(row);
    m_scenarioInfo = makeSubtitle(QString(), w);
    m_scenarioInfo->setWordWrap(true);
    v->addWidget(m_scenarioInfo);
    auto* split = new QSplitter(Qt::Horizontal, w);
    m_stepTable = makeTable(m_steps, split, tr("Drill steps"));
    m_stepTable->setObjectName(QStringLiteral("drillSteps"));
    m_stepTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_stepTable->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    split->addWidget(m_stepTable);
    auto* right = new QWidget(split);
    auto* rv = new QVBoxLayout(right);
    rv->setContentsMargins(0, 0, 0, 0);
    m_stepDetail = new QTextBrowser(right);
    m_stepDetail->setObjectName(QStringLiteral("stepDetail"));
    m_stepDetail->setAccessibleName(tr("The step's instructions"));
    rv->addWidget(m_stepDetail, 1);
    auto* answer = new QHBoxLayout;
    m_note = new QLineEdit(right);
    m_note->setObjectName(QStringLiteral("stepNote"));
    m_note->setAccessibleName(tr("Note for this step"));
    m_note->setPlaceholderText(tr("A note for this step (required for a deviation)"));
    m_done = new QPushButton(tr("Done"), right);
    m_done->setObjectName(QStringLiteral("stepDone"));
    m_deviation = new QPushButton(tr("Deviation"), right);
    m_deviation->setObjectName(QStringLiteral("stepDeviation"));
    for (auto* b : {m_done, m_deviation})
        b->setEnabled(false);
    answer->addWidget(m_note, 1);
    answer->addWidget(m_done);
    answer->addWidget(m_deviation);
    rv->addLayout(answer);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    v->addWidget(split, 1);
    return w;
}

QWidget* DrPage::buildHistoryTab()
{
    auto* w = new QWidget(this);
    auto* v = new QVBoxLayout(w);
    auto* charts = new QHBoxLayout;
    for (auto** view : {&m_rtoChart, &m_rpoChart}) {
        auto* chart = new QChart;
        themeChart(chart);
        chart->legend()->setAlignment(Qt::AlignBottom);
        chart->setMargins(QMargins(4, 4, 4, 4));
        *view = new QChartView(chart, w);
        (*view)->setRenderHint(QPainter::Antialiasing);
        (*view)->setMinimumHeight(260);
        charts->addWidget(*view);
    }
    m_rtoChart->setObjectName(QStringLiteral("rtoChart"));
    m_rpoChart->setObjectName(QStringLiteral("rpoChart"));
    m_rtoChart->setAccessibleName(tr("RTO per drill chart"));
    m_rpoChart->setAccessibleName(tr("RPO per drill chart"));
    v->addLayout(charts, 3);
    auto* table = makeTable(m_history, w, tr("Drill history"));
    table->setObjectName(QStringLiteral("drillHistory"));
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    v->addWidget(table, 2);
    return w;
}

QWidget* DrPage::buildRunbooksTab()
{
    auto* split = new QSplitter(Qt::Horizontal, this);
    m_runbookList = new QListWidget(split);
    m_runbookList->setObjectName(QStringLiteral("runbookList"));
    m_runbookList->setAccessibleName(tr("Runbooks"));
    for (const auto& rb : dr::builtinRunbooks()) {
        auto* item = new QListWidgetItem(qs(rb.title), m_runbookList);
        item->setData(Qt::UserRole, qs(rb.name));
        item->setToolTip(rb.steps.empty() ? QString()
                                          : tr("RTO %1, RPO %2, %3 steps")
                                                .arg(qs(rb.rtoText), qs(rb.rpoText))
                                                .arg(rb.steps.size()));
    }
    m_runbookText = new QTextBrowser(split);
    m_runbookText->setObjectName(QStringLiteral("runbookText"));
    m_runbookText->setAccessibleName(tr("The runbook"));
    m_runbookText->setOpenExternalLinks(false);
    split->addWidget(m_runbookList);
    split->addWidget(m_runbookText);
    split->setStretchFactor(1, 4);
    connect(m_runbookList, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0)
            return;
        const QString name = m_runbookList->item(row)->data(Qt::UserRole).toString();
        m_runbookText->setMarkdown(qs(dr::runbook(ss(name)).markdown));
    });
    m_runbookList->setCurrentRow(0);
    return split;
}

QWidget* DrPage::buildAuditTab()
{
    auto* w = new QWidget(this);
    auto* v = new QVBoxLayout(w);
    auto* row = new QHBoxLayout;
    m_auditAction = new QComboBox(w);
    m_auditAction->setObjectName(QStringLiteral("auditAction"));
    m_auditAction->addItem(tr("Every action"), QString());
    for (const char* a :
         {"backup", "drill", "backfill", "pipeline", "model", "alerts", "schedule", "digest"})
        m_auditAction->addItem(QLatin1String(a), QLatin1String(a));
    m_auditText = new QLineEdit(w);
    m_auditText->setObjectName(QStringLiteral("auditFilter"));
    m_auditText->setAccessibleName(tr("Filter the audit log"));
    m_auditText->setPlaceholderText(tr("Filter: who, what, arguments, result"));
    m_auditText->setClearButtonEnabled(true);
    row->addWidget(makeLabelFor(tr("Action"), m_auditAction, w));
    row->addWidget(m_auditAction);
    row->addWidget(m_auditText, 1);
    v->addLayout(row);
    auto* table = makeTable(m_audit, w, tr("Audit log"));
    table->setObjectName(QStringLiteral("auditTable"));
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    v->addWidget(table, 1);
    connect(m_auditAction, &QComboBox::currentIndexChanged, this, &DrPage::loadAudit);
    connect(m_auditText, &QLineEdit::textChanged, this, &DrPage::loadAudit);
    return w;
}

// RTO and RPO of each drill, one series a scenario, on log axes beside their targets (dashed).
void DrPage::fillCharts(const std::vector<dr::DrillSummary>& drills)
{
    struct Spec
    {
        QChartView* view;
        QString title, unit;
        bool rto;
    };
    for (const Spec& spec :
         {Spec{m_rtoChart, tr("RTO per drill against its target"), tr("seconds (log)"), true},
          Spec{m_rpoChart, tr("RPO: time since the backup used, against its target"),
               tr("hours (log)"), false}}) {
        QChart* chart = spec.view->chart();
        clearChart(chart);
        chart->setTitle(spec.title);
        auto* x = new QValueAxis;
        x->setTitleText(tr("drill"));
        x->setLabelFormat(QStringLiteral("%d"));
        auto* y = new QLogValueAxis;
        y->setTitleText(spec.unit);
        y->setBase(10);
        y->setLabelFormat(QStringLiteral("%g"));
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        std::map<std::string, QLineSeries*> series;
        std::map<std::string, double> targets;
        double lo = 1e9, hi = 0, maxId = 1;
        for (auto it = drills.rbegin(); it != drills.rend(); ++it) {
            const double value = spec.rto ? it->rtoSeconds : it->rpoSeconds / 3600.0;
            const double target = spec.rto ? it->rtoTarget : it->rpoTarget / 3600.0;
            if (target > 0)
                targets[it->scenario] = target;
            if (it->state != "passed" || value < 0 || (!spec.rto && value <= 0))
                continue; // not recovered, or (RPO) no backup was needed
            const double shown = std::max(value, spec.rto ? 0.1 : 0.01); // a log axis has no zero
            auto*& s = series[it->scenario];
            if (!s) {
                s = new QLineSeries;
                s->setName(qs(it->scenario));
                s->setPointsVisible(true);
                chart->addSeries(s);
                s->attachAxis(x);
                s->attachAxis(y);
            }
            s->append(double(it->id), shown);
            lo = std::min(lo, shown);
            hi = std::max(hi, shown);
            maxId = std::max(maxId, double(it->id));
        }
        for (const auto& [scenario, target] : targets) {
            auto* t = new QLineSeries;
            t->setName(tr("target %1").arg(qs(scenario)));
            QPen pen(series.count(scenario) ? series[scenario]->color() : QColor(Qt::gray));
            pen.setStyle(Qt::DashLine);
            t->setPen(pen);
            t->append(0.5, target);
            t->append(maxId + 0.5, target);
            chart->addSeries(t);
            t->attachAxis(x);
            t->attachAxis(y);
            if (series.count(scenario))
                pen.setColor(series[scenario]->color());
            t->setPen(pen);
            hi = std::max(hi, target);
            lo = std::min(lo, target);
        }
        x->setRange(0.5, maxId + 0.5);
        x->setTickCount(std::min(int(maxId) + 1, 11));
        y->setRange(std::max(lo / 3, 0.001), std::max(hi * 3, 1.0));
        // Targets repeat one per scenario: the legend shows the drills' series only.
        for (auto* m : chart->legend()->markers()) {
            if (m->label().startsWith(tr("target ")))
                m->setVisible(false);
        }
        if (drills.empty())
            chart->setTitle(spec.title + tr(" (no drill yet: start one in the Drills tab)"));
    }
}

} // namespace nbaops::ui
