#include "reportcharts.h"

#include "common/chartutil.h"
#include "common/qtconv.h"
#include "common/theme.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCoreApplication>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHeaderView>
#include <QHorizontalBarSeries>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QTableWidget>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

namespace nbaops::ui {

QString modelsText(const char* text) { return QCoreApplication::translate("nbaops::ui::ModelsPage", text); }

namespace {

QString tr(const char* text) { return modelsText(text); }

} // namespace

QChartView* makeChartView(const QString& title, QWidget* parent)
{
    auto* chart = new QChart;
    themeChart(chart);
    chart->setTitle(title);
    chart->setMargins(QMargins(6, 6, 6, 6));
    chart->legend()->setAlignment(Qt::AlignBottom);
    auto* view = new QChartView(chart, parent);
    view->setAccessibleName(title);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(260);
    return view;
}

QValueAxis* valueAxis(const QString& title, double lo, double hi, QChart* chart, Qt::Alignment where)
{
    auto* a = new QValueAxis;
    a->setTitleText(title);
    a->setRange(lo, hi);
    chart->addAxis(a, where);
    return a;
}

void fillMetricsTable(QTableWidget* table, const model::TrainingReport& r)
{
    const QStringList cols = {tr("Predictor"), tr("MAE"), tr("RMSE"), tr("MAE <15 min"), tr("MAE 15-30"),
                              tr("MAE >30"), tr("Home"), tr("Away"), tr("Rest 0"), tr("Rest 1"), tr("Rest 2+")};
    table->clear();
    table->setColumnCount(int(cols.size()));
    table->setHorizontalHeaderLabels(cols);
    std::vector<std::pair<QString, const model::SegmentedMae*>> rows = {{tr("model"), &r.model}};
    for (const auto& [name, m] : r.baselines)
        rows.emplace_back(qs(name), &m);
    table->setRowCount(int(rows.size()));
    for (size_t i = 0; i < rows.size(); ++i) {
        const auto& m = *rows[i].second;
        const auto cell = [&](int c, const QString& t) {
            auto* item = new QTableWidgetItem(t);
            if (c > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (i == 0) {
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
            table->setItem(int(i), c, item);
        };
        const auto n = [](const std::optional<double>& v) {
            return v ? QString::number(*v, 'f', 3) : QStringLiteral("-");
        };
        const auto in = [](const std::map<std::string, double>& g, const char* k) {
            const auto it = g.find(k);
            return it == g.end() ? std::nullopt : std::optional(it->second);
        };
        cell(0, rows[i].first);
        cell(1, n(m.mae));
        cell(2, n(m.rmse));
        cell(3, n(in(m.byMinutes, "<15")));
        cell(4, n(in(m.byMinutes, "15-30")));
        cell(5, n(in(m.byMinutes, ">30")));
        cell(6, n(in(m.byVenue, "home")));
        cell(7, n(in(m.byVenue, "away")));
        cell(8, n(in(m.byRest, "0")));
        cell(9, n(in(m.byRest, "1")));
        cell(10, n(in(m.byRest, "2+")));
    }
}

void fillSegmentChart(QChart* c, const model::TrainingReport& r)
{
    clearChart(c);
    const auto bit = r.baselines.find(r.bestBaseline);
    const model::SegmentedMae none;
    const auto& b = bit == r.baselines.end() ? none : bit->second;
    const auto& m = r.model;
    auto* sm = new QBarSet(tr("model"));
    sm->setColor(theme().accent);
    auto* sb = new QBarSet(tr("best baseline (%1)").arg(qs(r.bestBaseline)));
    sb->setColor(theme().secondary);
    QStringList cats;
    double top = 0;
    using Group = std::map<std::string, double> model::SegmentedMae::*;
    const std::tuple<Group, const char*, QString> segs[] = {
        {&model::SegmentedMae::byMinutes, "<15", tr("%1 min").arg(QStringLiteral("&lt;15"))}, // axis labels are rich text
        {&model::SegmentedMae::byMinutes, "15-30", tr("%1 min").arg(QStringLiteral("15-30"))},
        {&model::SegmentedMae::byMinutes, ">30", tr("%1 min").arg(QStringLiteral("&gt;30"))},
        {&model::SegmentedMae::byVenue, "home", QStringLiteral("home")},
        {&model::SegmentedMae::byVenue, "away", QStringLiteral("away")},
        {&model::SegmentedMae::byRest, "0", tr("rest %1").arg(0)},
        {&model::SegmentedMae::byRest, "1", tr("rest %1").arg(1)},
        {&model::SegmentedMae::byRest, "2+", tr("rest %1").arg(QStringLiteral("2+"))}};
    for (const auto& [group, key, label] : segs) {
        const auto mv = (m.*group).find(key), bv = (b.*group).find(key);
        if (mv == (m.*group).end() || bv == (b.*group).end())
            continue;
        cats << label;
        *sm << mv->second;
        *sb << bv->second;
        top = std::max({top, mv->second, bv->second});
    }
    auto* series = new QBarSeries;
    series->append(sm);
    series->append(sb);
    c->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(cats);
    c->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    auto* y = valueAxis(tr("MAE (points)"), 0, std::ceil(top + 0.5), c, Qt::AlignLeft);
    y->applyNiceNumbers();
    series->attachAxis(y);
}

void fillSearchTable(QTableWidget* table, const model::TrainingReport& r)
{
    table->setSortingEnabled(false);
    table->clear();
    const char* const keys[] = {"max_depth", "eta", "min_child_weight", "subsample", "colsample_bytree", "gamma",
                                "lambda", "huber_slope"};
    QStringList header = {tr("Config"), tr("Rung"), tr("Months"), tr("Walk-forward MAE"), tr("Best baseline")};
    for (const char* k : keys)
        header << QString::fromLatin1(k);
    header << tr("Seconds");
    table->setColumnCount(int(header.size()));
    table->setHorizontalHeaderLabels(header);
    table->setRowCount(int(r.search.configs.size()));
    int row = 0;
    for (const auto& c : r.search.configs) {
        const auto num = [&](int col, double v, int decimals) {
            auto* item = new QTableWidgetItem;
            item->setData(Qt::DisplayRole, decimals < 0 ? QVariant(int(v)) : QVariant(QString::number(v, 'f', decimals).toDouble()));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (r.search.best && c.config == *r.search.best)
                item->setToolTip(tr("The best configuration: the registered model was trained with it"));
            table->setItem(row, col, item);
        };
        num(0, c.config, -1);
        num(1, c.rung + 1, -1);
        num(2, c.months, -1);
        if (c.rung >= 0) {
            num(3, c.mae, 4);
            num(4, c.baselineMae, 4);
        }
        for (int k = 0; k < int(std::size(keys)); ++k) {
            if (const auto p = c.params.find(keys[k]); p != c.params.end())
                num(5 + k, p->second, 3); // empty: XGBoost's default
        }
        num(5 + int(std::size(keys)), c.seconds, 1);
        ++row;
    }
    table->setSortingEnabled(true);
    table->sortByColumn(1, Qt::DescendingOrder); // the highest rung first; within it, the standing order (MAE)
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
}

void fillSearchChart(QChart* c, const model::TrainingReport& r)
{
    clearChart(c);
    const auto& s = r.search;
    if (s.bestAfterFit.empty()) {
        c->setTitle(tr("No search with this version: set a search budget in the form to run one"));
        return;
    }
    c->setTitle(tr("Search %1: the best walk-forward MAE reached at each rung, against the fits run (%2 s)")
                    .arg(qs(s.id))
                    .arg(s.spentSeconds, 0, 'f', 0));
    double lo = 1e9, hi = 0;
    std::vector<QLineSeries*> series;
    for (size_t rung = 0; rung < s.rungFolds.size(); ++rung) {
        auto* line = new QLineSeries;
        line->setName(s.rungFolds[rung] == 1 ? tr("rung %1: one month").arg(rung + 1)
                                             : tr("rung %1: %2 months").arg(rung + 1).arg(s.rungFolds[rung]));
        const size_t n = s.rungFolds.size();
        QPen pen(rung + 1 == n ? theme().accent : rung + 2 == n ? theme().secondary : theme().accentSoft);
        pen.setWidthF(rung + 1 == s.rungFolds.size() ? 2.5 : 1.5);
        line->setPen(pen);
        double last = std::nan("");
        for (size_t i = 0; i < s.bestAfterFit.size(); ++i) {
            const double v = rung < s.bestAfterFit[i].size() ? s.bestAfterFit[i][rung] : std::nan("");
            if (std::isnan(v))
                continue;
            if (!std::isnan(last))
                line->append(double(i + 1), last); // a step: the best holds until a fit beats it
            line->append(double(i + 1), v);
            last = v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        if (!std::isnan(last))
            line->append(double(s.bestAfterFit.size()), last);
        c->addSeries(line);
        series.push_back(line);
    }
    if (hi < lo)
        return;
    const double fits = std::max<double>(2, double(s.bestAfterFit.size()));
    auto* x = valueAxis(tr("fits run"), 1, fits, c, Qt::AlignBottom);
    x->setLabelFormat(QStringLiteral("%d"));
    x->setTickType(QValueAxis::TicksDynamic);
    x->setTickAnchor(1);
    x->setTickInterval(std::max(1.0, std::ceil(fits / 10)));
    const double pad = std::max(0.01, (hi - lo) * 0.1);
    auto* y = valueAxis(tr("MAE (points)"), lo - pad, hi + pad, c, Qt::AlignLeft);
    y->setLabelFormat(QStringLiteral("%.3f"));
    for (auto* line : series) {
        line->attachAxis(x);
        line->attachAxis(y);
    }
}

void fillScatterChart(QChart* c, const model::TrainingReport& r)
{
    clearChart(c);
    auto* s = new QScatterSeries;
    s->setName(tr("player-games (sample)"));
    s->setMarkerSize(5);
    s->setBorderColor(Qt::transparent);
    s->setColor(theme().accentSoft);
    double hi = 10;
    for (const auto& [predicted, actual] : r.sample) {
        s->append(predicted, actual);
        hi = std::max({hi, predicted, actual});
    }
    hi = std::ceil(hi / 10) * 10;
    auto* diag = new QLineSeries;
    diag->setName(tr("actual = predicted"));
    diag->append(0, 0);
    diag->append(hi, hi);
    c->addSeries(s);
    c->addSeries(diag);
    auto* x = valueAxis(tr("predicted points"), 0, hi, c, Qt::AlignBottom);
    auto* y = valueAxis(tr("actual points"), 0, hi, c, Qt::AlignLeft);
    x->setTickCount(int(hi / 10) + 1);
    y->setTickCount(int(hi / 10) + 1);
    x->setLabelFormat(QStringLiteral("%d"));
    y->setLabelFormat(QStringLiteral("%d"));
    for (auto* series : std::initializer_list<QXYSeries*>{s, diag}) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
}

void fillResidualChart(QChart* c, const model::TrainingReport& r)
{
    clearChart(c);
    const auto& res = r.residuals;
    auto* set = new QBarSet(tr("player-games"));
    set->setColor(theme().accent);
    QStringList cats;
    const double first = res.firstEdge, width = res.binWidth;
    int64_t top = 1;
    const auto& counts = res.counts;
    for (size_t i = 0; i < counts.size(); ++i) {
        const double lo = first + double(i) * width;
        cats << (i == 0 ? QStringLiteral("&lt;%1").arg(lo + width)
                        : (i + 1 == counts.size() ? QStringLiteral("%1+").arg(lo) : QString::number(lo)));
        *set << double(counts[i]);
        top = std::max(top, counts[i]);
    }
    auto* series = new QBarSeries;
    series->append(set);
    series->setBarWidth(0.95);
    c->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(cats);
    x->setTitleText(tr("actual - predicted (points); mean %1, sd %2")
                        .arg(res.mean, 0, 'f', 2)
                        .arg(res.sd, 0, 'f', 2));
    x->setLabelsAngle(-60);
    c->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    auto* y = valueAxis(tr("player-games"), 0, double(top) * 1.1, c, Qt::AlignLeft);
    y->applyNiceNumbers();
    y->setLabelFormat(QStringLiteral("%d"));
    series->attachAxis(y);
    c->legend()->hide();
}

void fillImportanceChart(QChart* c, const model::TrainingReport& report, const QString& kind)
{
    clearChart(c);
    const auto it = report.importance.find(ss(kind));
    if (it == report.importance.end())
        return;
    const auto& imp = it->second;
    const auto& feats = imp.features;
    const size_t n = std::min<size_t>(15, feats.size());
    auto* set = new QBarSet(qs(imp.label));
    set->setColor(theme().accent);
    QStringList cats;
    double top = 0;
    for (size_t i = n; i-- > 0;) { // largest at the top
        cats << qs(feats[i].first);
        *set << feats[i].second;
        top = std::max(top, feats[i].second);
    }
    auto* series = new QHorizontalBarSeries;
    series->append(set);
    c->addSeries(series);
    auto* y = new QBarCategoryAxis;
    y->append(cats);
    c->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    auto* x = valueAxis(qs(imp.label), 0, top * 1.08, c, Qt::AlignBottom);
    x->applyNiceNumbers();
    series->attachAxis(x);
    c->setTitle(tr("Feature importance by %1 (top %2 of %3 features used)").arg(kind).arg(n).arg(feats.size()));
    c->legend()->hide();
}

} // namespace nbaops::ui
