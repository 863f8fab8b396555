#include "reportview.h"

#include "common/csv.h"
#include "common/qtconv.h"
#include "common/theme.h"
#include "evaluationview.h"
#include "learningcurve.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace nbaops::ui {

ReportView::ReportView(LearningCurve* curve, QWidget* parent) : QTabWidget(parent), m_curve(curve)
{
    setObjectName(QStringLiteral("modelTabs"));
    addTab(m_curve, tr("Learning curve"));
    addTab(buildReportTab(), tr("Report"));
    addTab(buildImportanceTab(), tr("Importance"));
    m_scatterView = makeChartView(tr("Predicted vs actual points (test window)"), this);
    m_scatterView->setObjectName(QStringLiteral("scatterChart"));
    addTab(m_scatterView, tr("Predicted vs actual"));
    m_residualView = makeChartView(tr("Residuals: actual - predicted points (test window)"), this);
    m_residualView->setObjectName(QStringLiteral("residualChart"));
    addTab(m_residualView, tr("Residuals"));
    addTab(buildOverUnderTab(), tr("Over/under"));
    m_evaluation = new EvaluationView(this);
    m_evaluation->setObjectName(QStringLiteral("evaluationTab"));
    addTab(m_evaluation, tr("Walk-forward && ablation"));
    m_timeView = makeChartView(tr("MAE per week: versions on their test windows, live graded predictions, and "
                                  "data-quality events"), this);
    m_timeView->setObjectName(QStringLiteral("timeChart"));
    addTab(m_timeView, tr("Over time"));
    auto* search = new QSplitter(Qt::Vertical, this);
    search->setObjectName(QStringLiteral("searchTab"));
    m_searchView = makeChartView(tr("Search"), search);
    m_searchView->setObjectName(QStringLiteral("searchChart"));
    m_searchView->setAccessibleName(tr("Search: the best MAE reached against the fits run"));
    m_searchTable = new QTableWidget(search);
    m_searchTable->setObjectName(QStringLiteral("searchTable"));
    m_searchTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_searchTable->setSortingEnabled(true);
    m_searchTable->verticalHeader()->setVisible(false);
    m_searchTable->setTabKeyNavigation(false);
    m_searchTable->setAccessibleName(tr("Search: every configuration"));
    search->addWidget(m_searchView);
    search->addWidget(m_searchTable);
    search->setStretchFactor(0, 1);
    search->setStretchFactor(1, 1);
    addTab(search, tr("Search"));
    // The curve was made before its tabs: Tab reaches the tabs first, then what they show.
    QWidget::setTabOrder(tabBar(), m_curve);
}

QWidget* ReportView::buildReportTab()
{
    auto* report = new QWidget(this);
    auto* layout = new QVBoxLayout(report);
    m_summary = new QLabel(report);
    m_summary->setObjectName(QStringLiteral("reportSummary"));
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    m_metrics = new QTableWidget(report);
    m_metrics->setObjectName(QStringLiteral("metricsTable"));
    m_metrics->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_metrics->verticalHeader()->setVisible(false);
    m_metrics->setTabKeyNavigation(false);
    m_metrics->setAccessibleName(tr("Metrics: model and baselines"));
    m_metrics->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_metrics->setMaximumHeight(150);
    layout->addWidget(m_metrics);
    m_segmentView = makeChartView(tr("MAE by segment: model vs the best baseline"), report);
    m_segmentView->setObjectName(QStringLiteral("segmentChart"));
    m_segmentView->setMinimumHeight(200);
    layout->addWidget(m_segmentView, 1);
    return report;
}

QWidget* ReportView::buildOverUnderTab()
{
    auto* tab = new QWidget(this);
    auto* layout = new QVBoxLayout(tab);
    m_overUnderSummary = new QLabel(tab);
    m_overUnderSummary->setObjectName(QStringLiteral("overUnderSummary"));
    m_overUnderSummary->setTextFormat(Qt::RichText);
    m_overUnderSummary->setWordWrap(true);
    m_overUnderSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_overUnderSummary);
    auto* split = new QSplitter(Qt::Horizontal, tab);
    m_reliabilityView = makeChartView(tr("Reliability"), split);
    m_reliabilityView->setObjectName(QStringLiteral("reliabilityChart"));
    m_reliabilityView->setAccessibleName(tr("Over/under: reliability of P(over)"));
    m_overUnderTable = new QTableWidget(split);
    m_overUnderTable->setObjectName(QStringLiteral("overUnderTable"));
    m_overUnderTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_overUnderTable->verticalHeader()->setVisible(false);
    m_overUnderTable->setTabKeyNavigation(false);
    m_overUnderTable->setAccessibleName(tr("Over/under: hit rate by confidence"));
    split->addWidget(m_reliabilityView);
    split->addWidget(m_overUnderTable);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    return tab;
}

QWidget* ReportView::buildImportanceTab()
{
    auto* imp = new QWidget(this);
    auto* layout = new QVBoxLayout(imp);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Importance by"), imp));
    m_importanceKind = new QComboBox(imp);
    m_importanceKind->addItem(tr("gain (average loss reduction per split)"), QStringLiteral("gain"));
    m_importanceKind->addItem(tr("weight (number of splits)"), QStringLiteral("weight"));
    m_importanceKind->addItem(tr("cover (average rows per split)"), QStringLiteral("cover"));
    bar->addWidget(m_importanceKind);
    bar->addStretch();
    layout->addLayout(bar);
    m_importanceView = makeChartView(tr("Feature importance"), imp);
    m_importanceView->setObjectName(QStringLiteral("importanceChart"));
    layout->addWidget(m_importanceView, 1);
    connect(m_importanceKind, &QComboBox::currentIndexChanged, this, [this] { showImportance(); });
    return imp;
}

QString ReportView::summaryText(const model::TrainingReport& r) const
{
    QString text = tr("<b>%1</b> &middot; %2 &middot; %3 trees (best of %4) &middot; trained in %5 s<br>"
                      "Train %6 .. %7 (%8 rows) &middot; validate to %9 (%10) &middot; test %11 .. %12<br>"
                      "Population: %13 &mdash; <b>%14</b> test rows on %15 dates.<br>")
                       .arg(qs(r.version),
                            r.target == "sqrt" ? tr("%1 on √points").arg(qs(r.objective)) : qs(r.objective))
                       .arg(r.trees)
                       .arg(r.rounds)
                       .arg(r.trainSeconds, 0, 'f', 1)
                       .arg(qs(r.trainFrom), qs(r.trainUntil))
                       .arg(r.trainRows)
                       .arg(qs(r.validUntil))
                       .arg(r.validRows)
                       .arg(qs(r.testFrom), qs(r.testUntil), qs(r.population))
                       .arg(r.testRows)
                       .arg(r.testDates);
    text += tr("Against the best baseline (%1): MAE %2 %3 (%4%), 95% interval of the difference [%5, %6] "
               "by date bootstrap%7.")
                .arg(qs(r.bestBaseline))
                .arg(r.maeDiff <= 0 ? tr("lower by") : tr("higher by"))
                .arg(std::abs(r.maeDiff), 0, 'f', 3)
                .arg(std::abs(r.improvementPct), 0, 'f', 2)
                .arg(r.maeDiffCi95.first, 0, 'f', 3)
                .arg(r.maeDiffCi95.second, 0, 'f', 3)
                .arg(r.maeDiffCi95.second < 0 ? tr(", excluding zero") : tr(", which includes zero"));
    if (r.props)
        text += tr("<br>Prop lines: %1 graded, over/under hit rate %2% [%3%, %4%].")
                    .arg(r.props->graded)
                    .arg(100 * r.props->hitRate, 0, 'f', 1)
                    .arg(100 * r.props->ci95.first, 0, 'f', 1)
                    .arg(100 * r.props->ci95.second, 0, 'f', 1);
    else
        text += tr("<br>Prop lines: none in the test window, so no over/under grading.");
    for (const auto& w : r.warnings)
        text += QStringLiteral("<br><span style='color:%1'>").arg(theme().warnText.name()) + qs(w) + QStringLiteral("</span>");
    return text;
}

void ReportView::show(const model::TrainingReport& report)
{
    m_report = report;
    if (!report.evaluated) {
        m_summary->clear();
        return;
    }
    m_summary->setText(summaryText(report));
    fillMetricsTable(m_metrics, report);
    fillSegmentChart(m_segmentView->chart(), report);
    showImportance();
    fillSearchTable(m_searchTable, report);
    fillSearchChart(m_searchView->chart(), report);
    const int fits = report.search.fits;
    setTabText(indexOf(m_searchView->parentWidget()), fits == 0 ? tr("Search") : tr("Search (%1 fits)").arg(fits));
    fillScatterChart(m_scatterView->chart(), report);
    m_overUnderSummary->setText(overUnderText(report));
    fillReliabilityChart(m_reliabilityView->chart(), report);
    fillOverUnderTable(m_overUnderTable, report);
    fillResidualChart(m_residualView->chart(), report);
}

void ReportView::showMessage(const QString& text)
{
    m_summary->setText(text);
}

void ReportView::showEvaluation()
{
    setCurrentWidget(m_evaluation);
}

void ReportView::showCurve()
{
    setCurrentWidget(m_curve);
}

void ReportView::showImportance()
{
    fillImportanceChart(m_importanceView->chart(), m_report, m_importanceKind->currentData().toString());
}

void ReportView::showOverTime(const std::vector<VersionWeeks>& versions, const std::vector<model::LiveWeek>& live,
                              const std::vector<model::DataQualityEvent>& events)
{
    fillOverTimeChart(m_timeView->chart(), versions, live, events);
}

QStringList ReportView::exportTo(const QString& dir) const
{
    QStringList files;
    const auto path = [&](const char* name) { return QDir(dir).filePath(QString::fromLatin1(name)); };
    const std::pair<QChartView*, const char*> charts[] = {{m_curve, "learning_curve.png"},
                                                          {m_importanceView, "importance.png"},
                                                          {m_scatterView, "predicted_vs_actual.png"},
                                                          {m_residualView, "residuals.png"},
                                                          {m_timeView, "mae_over_time.png"},
                                                          {m_reliabilityView, "reliability.png"},
                                                          {m_searchView, "search.png"}};
    for (const auto& [view, name] : charts) {
        if (view == m_searchView && m_report.search.bestAfterFit.empty())
            continue;
        if (view->size().width() < 400)
            view->resize(900, 520);
        if (view->grab().save(path(name)))
            files << path(name);
    }
    files << m_evaluation->exportTo(dir);
    if (writeTableCsv(m_metrics, path("report_metrics.csv")))
        files << path("report_metrics.csv");
    if (m_overUnderTable->rowCount() > 0 && writeTableCsv(m_overUnderTable, path("over_under.csv")))
        files << path("over_under.csv");
    if (m_searchTable->rowCount() > 0 && writeTableCsv(m_searchTable, path("search.csv")))
        files << path("search.csv");
    if (!m_report.importance.empty()) {
        QList<QStringList> rows;
        for (const char* kind : {"gain", "weight", "cover"}) {
            const auto it = m_report.importance.find(kind);
            if (it == m_report.importance.end())
                continue;
            for (const auto& [feature, value] : it->second.features)
                rows << QStringList{QString::fromLatin1(kind), qs(feature), QString::number(value, 'g', 8)};
        }
        if (writeCsv(path("importance.csv"), {QStringLiteral("kind"), QStringLiteral("feature"), QStringLiteral("value")},
                     rows))
            files << path("importance.csv");
    }
    if (writeCsv(path("learning_curve.csv"), {QStringLiteral("tree"), QStringLiteral("train_mae"), QStringLiteral("valid_mae")},
                 m_curve->rows()))
        files << path("learning_curve.csv");
    return files;
}

} // namespace nbaops::ui
