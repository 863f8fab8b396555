#include "evaluationview.h"

#include "common/chartutil.h"
#include "common/csv.h"
#include "common/qtconv.h"
#include "common/theme.h"
#include "reportcharts.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace nbaops::ui {

namespace {

QTableWidget* makeEvalTable(const QString& name, const QString& accessible, QWidget* parent)
{
    auto* t = new QTableWidget(parent);
    t->setObjectName(name);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->verticalHeader()->setVisible(false);
    t->setTabKeyNavigation(false);
    t->setAccessibleName(accessible);
    t->setWordWrap(false);
    return t;
}

void setRow(QTableWidget* t, int row, const QStringList& cells)
{
    for (int c = 0; c < int(cells.size()); ++c) {
        auto* item = new QTableWidgetItem(cells[c]);
        if (c > 0)
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        t->setItem(row, c, item);
    }
}

QString num(double v, int decimals) { return QString::number(v, 'f', decimals); }
QString signedNum(double v, int decimals) { return (v >= 0 ? QStringLiteral("+") : QString()) + num(v, decimals); }

} // namespace

EvaluationView::EvaluationView(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("evaluationSummary"));
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    auto* rows = new QSplitter(Qt::Vertical, this);
    auto* charts = new QSplitter(Qt::Horizontal, rows);
    m_walkView = makeChartView(tr("Walk-forward"), charts);
    m_walkView->setObjectName(QStringLiteral("walkForwardChart"));
    m_walkView->setAccessibleName(tr("Walk-forward: MAE per month, model and best baseline"));
    m_ablationView = makeChartView(tr("Feature ablation"), charts);
    m_ablationView->setObjectName(QStringLiteral("ablationChart"));
    m_ablationView->setAccessibleName(tr("Feature ablation: the MAE rise without each family"));
    charts->addWidget(m_walkView);
    charts->addWidget(m_ablationView);
    auto* tables = new QSplitter(Qt::Horizontal, rows);
    m_folds = makeEvalTable(QStringLiteral("foldsTable"), tr("Walk-forward: the months"), tables);
    m_families = makeEvalTable(QStringLiteral("ablationTable"), tr("Feature ablation: the families"), tables);
    tables->addWidget(m_folds);
    tables->addWidget(m_families);
    rows->addWidget(charts);
    rows->addWidget(tables);
    rows->setStretchFactor(0, 3);
    rows->setStretchFactor(1, 2);
    layout->addWidget(rows, 1);
    showWalkForward(std::nullopt, {}, {});
    showAblation(std::nullopt, {}, {});
}

void EvaluationView::updateSummary() { m_summary->setText(m_walkText + QStringLiteral("<br>") + m_ablationText); }

void EvaluationView::showWalkForward(const std::optional<model::WalkForward>& w, const QString& id, const QString& at)
{
    QChart* c = m_walkView->chart();
    clearChart(c);
    m_folds->clear();
    m_folds->setRowCount(0);
    if (!w || w->folds.empty()) {
        c->setTitle(tr("No walk-forward run yet: press Walk forward (or nbaops train --walk-forward)"));
        m_walkText = tr("<b>Walk-forward</b>: none yet. It trains a model per month of the last seasons on everything "
                        "before the month and tests it on the month.");
        updateSummary();
        return;
    }
    c->setTitle(tr("Walk-forward %1: MAE per month").arg(id));
    auto* model = new QLineSeries;
    model->setName(tr("model"));
    model->setPen(QPen(theme().accent, 2.5));
    auto* base = new QLineSeries;
    base->setName(tr("best baseline of the month"));
    base->setPen(QPen(theme().secondary, 2));
    auto* dots = new QScatterSeries;
    dots->setColor(theme().accent);
    dots->setBorderColor(theme().accent);
    dots->setMarkerSize(7);
    auto* x = new QCategoryAxis;
    x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    double lo = 1e9, hi = 0;
    const int n = int(w->folds.size());
    for (int i = 0; i < n; ++i) {
        const auto& f = w->folds[size_t(i)];
        model->append(i, f.modelMae);
        dots->append(i, f.modelMae);
        base->append(i, f.bestBaselineMae());
        x->append(qs(f.month), i);
        lo = std::min({lo, f.modelMae, f.bestBaselineMae()});
        hi = std::max({hi, f.modelMae, f.bestBaselineMae()});
    }
    x->setRange(-0.5, n - 0.5);
    x->setLabelsAngle(n > 8 ? -45 : 0);
    c->addAxis(x, Qt::AlignBottom);
    auto* y = valueAxis(tr("MAE (points)"), std::floor((lo - 0.05) * 10) / 10, std::ceil((hi + 0.05) * 10) / 10, c,
                        Qt::AlignLeft);
    for (QXYSeries* s : std::initializer_list<QXYSeries*>{base, model, dots}) {
        c->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    c->legend()->markers(dots).first()->setVisible(false);

    const QStringList header = {tr("Month"), tr("Train rows"), tr("Test rows"), tr("Trees"), tr("Model MAE"),
                                tr("Best baseline"), tr("Its MAE"), tr("Difference")};
    m_folds->setColumnCount(int(header.size()));
    m_folds->setHorizontalHeaderLabels(header);
    m_folds->setRowCount(n);
    for (int i = 0; i < n; ++i) {
        const auto& f = w->folds[size_t(i)];
        setRow(m_folds, i, {qs(f.month), QString::number(f.trainRows), QString::number(f.testRows),
                            QString::number(f.trees), num(f.modelMae, 3), qs(f.bestBaseline), num(f.bestBaselineMae(), 3),
                            signedNum(f.modelMae - f.bestBaselineMae(), 3)});
    }
    m_folds->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_walkText = tr("<b>Walk-forward %1</b> (%2): %3 months, model MAE %4 against %5 for the best baselines, "
                    "%6% below; difference %7, 95% interval [%8, %9]; better in %10 of %3 months.")
                     .arg(id, at)
                     .arg(n)
                     .arg(w->meanModelMae, 0, 'f', 3)
                     .arg(w->meanBaselineMae, 0, 'f', 3)
                     .arg(w->improvementPct, 0, 'f', 1)
                     .arg(signedNum(w->meanDiff, 3), signedNum(w->meanDiffCi95.first, 3),
                          signedNum(w->meanDiffCi95.second, 3))
                     .arg(w->foldsBetter);
    updateSummary();
}

void EvaluationView::showAblation(const std::optional<model::Ablation>& a, const QString& id, const QString& at)
{
    QChart* c = m_ablationView->chart();
    clearChart(c);
    m_families->clear();
    m_families->setRowCount(0);
    if (!a || a->rows.empty()) {
        c->setTitle(tr("No ablation yet: press Ablation (or nbaops train --ablation)"));
        m_ablationText = tr("<b>Feature ablation</b>: none yet. It walks forward again without each family of features "
                            "and shows how much the MAE rises.");
        updateSummary();
        return;
    }
    c->setTitle(tr("Ablation %1: MAE rise without each family (95% interval)").arg(id));
    auto rows = a->rows;
    std::sort(rows.begin(), rows.end(), [](const auto& l, const auto& r) { return l.rise < r.rise; });
    const int n = int(rows.size());
    double lo = 0, hi = 0;
    for (const auto& r : rows) {
        lo = std::min(lo, r.riseCi95.first);
        hi = std::max(hi, r.riseCi95.second);
    }
    const double pad = std::max(0.005, (hi - lo) * 0.08);
    auto* x = valueAxis(tr("MAE without it - MAE with every feature (points)"), lo - pad, hi + pad, c, Qt::AlignBottom);
    x->applyNiceNumbers();
    x->setLabelFormat(QStringLiteral("%.2f"));
    auto* y = new QCategoryAxis;
    y->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    y->setRange(-0.5, n - 0.5);
    c->addAxis(y, Qt::AlignLeft);
    auto* zero = new QLineSeries;
    QPen zp(theme().gridLine, 1.5);
    zp.setStyle(Qt::DashLine);
    zero->setPen(zp);
    zero->append(0, -0.5);
    zero->append(0, n - 0.5);
    std::vector<QXYSeries*> all = {zero};
    auto* points = new QScatterSeries;
    points->setColor(theme().accent);
    points->setBorderColor(theme().accent);
    points->setMarkerSize(9);
    for (int i = 0; i < n; ++i) {
        const auto& r = rows[size_t(i)];
        y->append(qs(r.family), i);
        auto* whisker = new QLineSeries;
        whisker->setPen(QPen(r.riseCi95.first > 0 ? theme().accent : theme().secondary, 2));
        whisker->append(r.riseCi95.first, i);
        whisker->append(r.riseCi95.second, i);
        all.push_back(whisker);
        points->append(r.rise, i);
    }
    all.push_back(points);
    for (auto* s : all) {
        c->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    c->legend()->hide();

    const QStringList header = {tr("Without"), tr("MAE"), tr("Rise"), tr("95% interval"), tr("Months worse"),
                                tr("Features dropped")};
    m_families->setColumnCount(int(header.size()));
    m_families->setHorizontalHeaderLabels(header);
    m_families->setRowCount(n);
    for (int i = 0; i < n; ++i) {
        const auto& r = rows[size_t(n - 1 - i)]; // the family that helps most first
        QStringList dropped;
        for (const auto& d : r.dropped)
            dropped << qs(d);
        setRow(m_families, i, {qs(r.family), num(r.meanModelMae, 3), signedNum(r.rise, 4),
                               signedNum(r.riseCi95.first, 4) + QStringLiteral(" .. ") + signedNum(r.riseCi95.second, 4),
                               QStringLiteral("%1 of %2").arg(r.monthsWorse).arg(a->all.folds.size()),
                               dropped.join(QStringLiteral(", "))});
    }
    m_families->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_families->horizontalHeader()->setStretchLastSection(true);
    int clear = 0;
    for (const auto& r : rows)
        clear += r.riseCi95.first > 0 ? 1 : 0;
    m_ablationText = tr("<b>Ablation %1</b> (%2): with every feature %3 over %4 months; %5 of %6 families help "
                        "clearly (their interval above zero). A rise above zero: the family helps.")
                         .arg(id, at)
                         .arg(a->all.meanModelMae, 0, 'f', 3)
                         .arg(a->all.folds.size())
                         .arg(clear)
                         .arg(n);
    updateSummary();
}

QStringList EvaluationView::exportTo(const QString& dir) const
{
    QStringList files;
    const auto path = [&](const char* name) { return QDir(dir).filePath(QString::fromLatin1(name)); };
    if (m_folds->rowCount() > 0) {
        if (m_walkView->grab().save(path("walk_forward.png")))
            files << path("walk_forward.png");
        if (writeTableCsv(m_folds, path("walk_forward.csv")))
            files << path("walk_forward.csv");
    }
    if (m_families->rowCount() > 0) {
        if (m_ablationView->grab().save(path("ablation.png")))
            files << path("ablation.png");
        if (writeTableCsv(m_families, path("ablation.csv")))
            files << path("ablation.csv");
    }
    return files;
}

} // namespace nbaops::ui
