#include "trendcharts.h"

#include "common/chartutil.h"
#include "common/qtconv.h"
#include "common/theme.h"

#include <QAreaSeries>
#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPen>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <set>

namespace nbaops::ui::trendcharts {

namespace {

const QColor kRed(0xd9, 0x30, 0x25);

// The series' colours in the scheme in use.
QColor blue() { return theme().accent; }
QColor grey() { return theme().muted; }
QColor bandColour()
{
    QColor c = theme().accent;
    c.setAlpha(60);
    return c;
}

qreal xOf(const std::string& day)
{
    const QDate d = isoToQDate(day);
    // The axis shows local time: noon of the day, whatever the zone.
    return qreal(QDateTime(d, QTime(12, 0)).toMSecsSinceEpoch());
}

void reset(QChart* chart, const QString& title)
{
    clearChart(chart);
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
}

// A date axis over the series' days and a value axis from 0 (or `minY`) to a round top. With
// `counts` the ticks fall on whole numbers (a count of 1.5 runs would be labelled 2 beside 2).
void addAxes(QChart* chart, const health::TrendSeries& s, double minY, double maxY, const QString& yTitle,
             const QString& yFormat, bool counts = false)
{
    auto* x = new QDateTimeAxis;
    x->setFormat(s.days.size() > 120 ? QStringLiteral("MMM yy") : QStringLiteral("MMM d"));
    if (!s.days.empty()) {
        x->setRange(QDateTime::fromMSecsSinceEpoch(qint64(xOf(s.days.front().day)) - 43200000),
                    QDateTime::fromMSecsSinceEpoch(qint64(xOf(s.days.back().day)) + 43200000));
    }
    x->setTickCount(int(std::clamp<size_t>(s.days.size() + 1, 2, 8)));
    auto* y = new QValueAxis;
    y->setRange(minY, maxY);
    y->setTitleText(yTitle);
    y->setLabelFormat(yFormat);
    if (counts) {
        const double step = std::max(1.0, std::ceil((maxY - minY) / 4));
        const double top = minY + step * std::max(1.0, std::ceil((maxY - minY) / step));
        y->setRange(minY, top);
        y->setTickCount(int((top - minY) / step) + 1);
    } else {
        y->applyNiceNumbers();
    }
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (auto* series : chart->series()) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
}

QScatterSeries* markers(const QString& name)
{
    auto* m = new QScatterSeries;
    m->setName(name);
    m->setColor(kRed);
    m->setBorderColor(Qt::white);
    m->setMarkerSize(11);
    return m;
}

QString num(double v, int digits = 1) { return QString::number(v, 'f', digits); }

} // namespace

void fillSuccessRate(QChart* chart, const health::TrendSeries& s)
{
    reset(chart, QObject::tr("Success rate, %1 (no-data runs not counted)").arg(qs(s.name)));
    auto* daily = new QLineSeries;
    daily->setName(QObject::tr("daily"));
    daily->setPen(QPen(blue(), 1.5));
    auto* avg = new QLineSeries;
    avg->setName(QObject::tr("7-day average"));
    avg->setPen(QPen(grey(), 2, Qt::DashLine));
    double lowest = 100;
    std::vector<std::pair<int, int>> window; // (success, counted) of the last 7 days
    for (const auto& d : s.days) {
        const int counted = d.runs - d.noData;
        window.emplace_back(d.success, counted);
        if (window.size() > 7)
            window.erase(window.begin());
        if (counted > 0) {
            daily->append(xOf(d.day), 100.0 * d.successRate());
            lowest = std::min(lowest, 100.0 * d.successRate());
        }
        int ok = 0, n = 0;
        for (const auto& [a, b] : window) {
            ok += a;
            n += b;
        }
        if (n > 0)
            avg->append(xOf(d.day), 100.0 * ok / n);
    }
    chart->addSeries(daily);
    chart->addSeries(avg);
    addAxes(chart, s, std::max(0.0, std::floor(std::min(lowest, 90.0) / 10.0) * 10.0), 100, QObject::tr("%"),
            QStringLiteral("%.0f"));
}

void fillDurations(QChart* chart, const health::TrendSeries& s)
{
    reset(chart, QObject::tr("Duration of successful runs, %1").arg(qs(s.name)));
    // The unit follows the values: milliseconds, seconds or minutes.
    double topMs = 1;
    for (const auto& d : s.days)
        topMs = std::max({topMs, d.p95Ms.value_or(0), d.p99Ms.value_or(0)});
    const double scale = topMs < 2000 ? 1.0 : topMs < 180000 ? 1000.0 : 60000.0;
    const QString unit = scale == 1.0 ? QObject::tr("ms") : scale == 1000.0 ? QObject::tr("seconds") : QObject::tr("minutes");
    auto* p50 = new QLineSeries;
    auto* p95 = new QLineSeries;
    auto* p99 = new QLineSeries;
    const std::set<std::string> slow(s.slowDays.begin(), s.slowDays.end());
    auto* slowMarks = markers(QObject::tr("slower than usual"));
    for (const auto& d : s.days) {
        if (!d.p50Ms || !d.p95Ms)
            continue;
        const qreal x = xOf(d.day);
        p50->append(x, *d.p50Ms / scale);
        p95->append(x, *d.p95Ms / scale);
        if (d.p99Ms)
            p99->append(x, *d.p99Ms / scale);
        if (slow.count(d.day))
            slowMarks->append(x, *d.p95Ms / scale);
    }
    // The band between P50 and P95.
    auto* band = new QAreaSeries(p95, p50);
    band->setName(QObject::tr("P50-P95"));
    band->setColor(bandColour());
    band->setBorderColor(bandColour());
    auto* median = new QLineSeries;
    median->setName(QObject::tr("P50"));
    median->setPen(QPen(blue(), 2));
    median->append(p50->points());
    p99->setName(QObject::tr("P99"));
    p99->setPen(QPen(grey(), 1.2, Qt::DashLine));
    addArea(chart, band);
    chart->addSeries(median);
    chart->addSeries(p99);
    chart->addSeries(slowMarks);
    addAxes(chart, s, 0, topMs / scale * 1.1, unit, scale == 1.0 ? QStringLiteral("%.0f") : QStringLiteral("%.1f"));
    if (slowMarks->count() == 0)
        chart->legend()->markers(slowMarks).first()->setVisible(false);
}

void fillFailures(QChart* chart, const health::TrendSeries& s)
{
    reset(chart, QObject::tr("Real failures by category, %1").arg(qs(s.name)));
    const QColor colours[] = {QColor(0x9a, 0xa0, 0xa6), QColor(0xa1, 0x42, 0xf4), QColor(0xf2, 0x99, 0x00), kRed};
    std::vector<double> base(s.days.size(), 0.0);
    double top = 1;
    for (size_t c = 0; c < std::size(kFailureCategories); ++c) {
        auto* upper = new QLineSeries;
        auto* low = new QLineSeries;
        for (size_t i = 0; i < s.days.size(); ++i) {
            const auto& d = s.days[i];
            const auto it = d.byCategory.find(kFailureCategories[c]);
            const double n = it == d.byCategory.end() ? 0 : it->second;
            low->append(xOf(d.day), base[i]);
            base[i] += n;
            upper->append(xOf(d.day), base[i]);
            top = std::max(top, base[i]);
        }
        auto* area = new QAreaSeries(upper, low);
        area->setName(qs(kFailureCategories[c]));
        area->setColor(colours[c]);
        area->setBorderColor(colours[c].darker(120));
        addArea(chart, area);
    }
    auto* zero = new QLineSeries;
    zero->setName(QObject::tr("zero-record runs"));
    zero->setPen(QPen(grey(), 1.5, Qt::DotLine));
    const std::set<std::string> spikes(s.failureDays.begin(), s.failureDays.end());
    auto* marks = markers(QObject::tr("more failures than usual"));
    for (size_t i = 0; i < s.days.size(); ++i) {
        const auto& d = s.days[i];
        zero->append(xOf(d.day), d.zeroRecords);
        top = std::max(top, double(d.zeroRecords));
        if (spikes.count(d.day))
            marks->append(xOf(d.day), base[i]);
    }
    chart->addSeries(zero);
    chart->addSeries(marks);
    addAxes(chart, s, 0, std::ceil(top * 1.15), QObject::tr("runs"), QStringLiteral("%.0f"), true);
    if (marks->count() == 0)
        chart->legend()->markers(marks).first()->setVisible(false);
}

Table successRateTable(const health::TrendSeries& s)
{
    Table t{{QStringLiteral("day"), QStringLiteral("runs"), QStringLiteral("success"), QStringLiteral("no_data"),
             QStringLiteral("failures"), QStringLiteral("success_rate_pct")},
            {}};
    for (const auto& d : s.days)
        t.rows.push_back({qs(d.day), QString::number(d.runs), QString::number(d.success), QString::number(d.noData),
                          QString::number(d.failures), d.runs - d.noData > 0 ? num(100.0 * d.successRate(), 2) : QString()});
    return t;
}

Table durationsTable(const health::TrendSeries& s)
{
    Table t{{QStringLiteral("day"), QStringLiteral("p50_ms"), QStringLiteral("p95_ms"), QStringLiteral("p99_ms"),
             QStringLiteral("slower_than_usual")},
            {}};
    const std::set<std::string> slow(s.slowDays.begin(), s.slowDays.end());
    const auto ms = [](const std::optional<double>& v) { return v ? num(*v, 0) : QString(); };
    for (const auto& d : s.days)
        t.rows.push_back({qs(d.day), ms(d.p50Ms), ms(d.p95Ms), ms(d.p99Ms), slow.count(d.day) ? QStringLiteral("1") : QStringLiteral("0")});
    return t;
}

Table failuresTable(const health::TrendSeries& s)
{
    Table t{{QStringLiteral("day")}, {}};
    for (const char* c : kFailureCategories)
        t.header << qs(c);
    t.header << QStringLiteral("zero_record_runs") << QStringLiteral("more_failures_than_usual");
    const std::set<std::string> spikes(s.failureDays.begin(), s.failureDays.end());
    for (const auto& d : s.days) {
        QStringList row{qs(d.day)};
        for (const char* c : kFailureCategories) {
            const auto it = d.byCategory.find(c);
            row << QString::number(it == d.byCategory.end() ? 0 : it->second);
        }
        row << QString::number(d.zeroRecords) << (spikes.count(d.day) ? QStringLiteral("1") : QStringLiteral("0"));
        t.rows.push_back(row);
    }
    return t;
}

} // namespace nbaops::ui::trendcharts
