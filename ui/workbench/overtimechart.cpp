// The Models page's MAE over calendar time: versions on their test windows, the best baseline,
// live graded predictions, and the data-quality events of those weeks.
#include "reportcharts.h"

#include "common/chartutil.h"
#include "common/qtconv.h"
#include "common/theme.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHeaderView>
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

void fillOverTimeChart(QChart* c, const std::vector<VersionWeeks>& versions, const std::vector<model::LiveWeek>& live,
                       const std::vector<model::DataQualityEvent>& events)
{
    clearChart(c);
    double lo = 1e9, hi = 0;
    qint64 tmin = std::numeric_limits<qint64>::max(), tmax = 0;
    std::vector<QLineSeries*> all;
    const auto ms = [](const std::string& iso) {
        return QDateTime(isoToQDate(iso), QTime(12, 0)).toMSecsSinceEpoch();
    };
    const auto add = [&](QLineSeries* s, const std::string& iso, double mae) {
        const qint64 t = ms(iso);
        s->append(double(t), mae);
        lo = std::min(lo, mae);
        hi = std::max(hi, mae);
        tmin = std::min(tmin, t);
        tmax = std::max(tmax, t);
    };
    int shown = 0;
    for (const auto& v : versions) {
        if (shown++ == 6)
            break; // the six newest
        auto* s = new QLineSeries;
        s->setPointsVisible(true);
        s->setName(qs(v.version) + (v.champion ? modelsText(" (champion)") : QString()));
        for (const auto& w : v.weekly)
            add(s, w.week, w.mae);
        all.push_back(s);
    }
    if (!versions.empty() && !versions[0].weekly.empty()) {
        auto* b = new QLineSeries;
        b->setName(modelsText("best baseline (%1's window)").arg(qs(versions[0].version)));
        QPen pen(theme().gridLine);
        pen.setStyle(Qt::DashLine);
        b->setPen(pen);
        for (const auto& w : versions[0].weekly)
            add(b, w.week, w.baselineMae);
        all.push_back(b);
    }
    std::map<std::string, QLineSeries*> liveSeries;
    for (const auto& w : live) {
        auto& s = liveSeries[w.model];
        if (!s) {
            s = new QLineSeries;
            s->setName(modelsText("live: %1").arg(qs(w.model)));
            s->setPointsVisible(true);
            QPen pen(QColor(217, 48, 37));
            pen.setWidth(2);
            s->setPen(pen);
            all.push_back(s);
        }
        add(s, w.week, w.mae);
    }
    if (all.empty()) {
        c->setTitle(modelsText("MAE per week: no versions and no graded predictions yet"));
        return;
    }
    c->setTitle(modelsText("MAE per week: versions on their test windows, and live graded predictions"));
    for (auto* s : all)
        c->addSeries(s);
    auto* x = new QDateTimeAxis;
    x->setFormat(QStringLiteral("yyyy-MM-dd"));
    x->setTitleText(modelsText("week"));
    x->setRange(QDateTime::fromMSecsSinceEpoch(tmin - 3 * 86400000LL), QDateTime::fromMSecsSinceEpoch(tmax + 3 * 86400000LL));
    c->addAxis(x, Qt::AlignBottom);
    auto* y = valueAxis(modelsText("MAE (points)"), std::floor(lo * 0.95 * 2) / 2, std::ceil(hi * 1.05 * 2) / 2, c, Qt::AlignLeft);
    y->applyNiceNumbers();
    for (auto* s : all) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    // The data-quality events of the span, along the top: a week's MAE next to one may not be
    // the model's doing.
    const double top = y->max() - 0.03 * (y->max() - y->min());
    const std::pair<const char*, QColor> kinds[] = {{"failed", theme().errorText}, {"nulls", theme().warnText}};
    for (const auto& [kind, colour] : kinds) {
        auto* marks = new QScatterSeries;
        marks->setObjectName(QString::fromLatin1(kind) + QStringLiteral("Events"));
        marks->setName(std::string_view(kind) == "failed" ? modelsText("failed runs") : modelsText("NULL-rate spikes"));
        marks->setMarkerShape(std::string_view(kind) == "failed" ? QScatterSeries::MarkerShapeRectangle
                                                                 : QScatterSeries::MarkerShapeCircle);
        marks->setMarkerSize(9);
        marks->setColor(colour);
        marks->setBorderColor(colour);
        for (const auto& e : events) {
            const qint64 t = ms(e.date);
            if (e.kind == kind && t >= tmin - 3 * 86400000LL && t <= tmax + 3 * 86400000LL)
                marks->append(double(t), top);
        }
        if (marks->count() == 0) {
            delete marks;
            continue;
        }
        c->addSeries(marks);
        marks->attachAxis(x);
        marks->attachAxis(y);
        c->setTitle(modelsText("MAE per week: versions on their test windows, live graded predictions, and the data-quality "
                       "events of those weeks"));
    }
}

} // namespace nbaops::ui
