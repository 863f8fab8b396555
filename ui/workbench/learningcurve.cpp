#include "learningcurve.h"

#include "reportcharts.h"
#include "common/theme.h"

#include <QChart>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace nbaops::ui {

LearningCurve::LearningCurve(QWidget* parent) : QChartView(new QChart, parent)
{
    setObjectName(QStringLiteral("learningCurve"));
    setAccessibleName(tr("Learning curve: MAE per tree"));
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(260);
    QChart* c = chart();
    themeChart(c);
    c->setTitle(tr("Learning curve: MAE per tree"));
    c->setMargins(QMargins(6, 6, 6, 6));
    c->legend()->setAlignment(Qt::AlignBottom);
    m_train = new QLineSeries;
    m_train->setName(tr("train MAE"));
    m_valid = new QLineSeries;
    m_valid->setName(tr("validation MAE"));
    m_best = new QScatterSeries;
    m_best->setName(tr("best iteration (kept)"));
    m_best->setMarkerSize(10);
    c->addSeries(m_train);
    c->addSeries(m_valid);
    c->addSeries(m_best);
    m_x = valueAxis(tr("tree"), 0, 100, c, Qt::AlignBottom);
    m_x->setLabelFormat(QStringLiteral("%d"));
    m_y = valueAxis(tr("MAE (points)"), 0, 10, c, Qt::AlignLeft);
    for (auto* s : std::initializer_list<QXYSeries*>{m_train, m_valid, m_best}) {
        s->attachAxis(m_x);
        s->attachAxis(m_y);
    }
}

void LearningCurve::reset()
{
    m_train->clear();
    m_valid->clear();
    m_best->clear();
    m_x->setRange(0, 100);
    m_y->setRange(0, 10);
}

int LearningCurve::points() const
{
    return int(m_valid->count());
}

void LearningCurve::addPoint(int iteration, double trainMae, double validMae, int bestIteration)
{
    const double x = iteration + 1;
    m_train->append(x, trainMae);
    m_valid->append(x, validMae);
    if (m_valid->count() > bestIteration) {
        m_best->clear();
        m_best->append(bestIteration + 1, m_valid->at(bestIteration).y());
    }
    if (x > m_x->max()) {
        m_x->setMax(std::ceil(x * 1.25 / 50) * 50);
        const int ticks = int(m_x->max() / 50) + 1;
        m_x->setTickCount(ticks <= 13 ? ticks : 11);
    }
    zoom(trainMae, validMae);
}

// The first point sets the scale; after ten trees the interesting part is near the bottom.
void LearningCurve::zoom(double trainMae, double validMae)
{
    const int n = int(m_valid->count());
    if (n == 1) {
        m_y->setRange(0, std::max(trainMae, validMae) * 1.05);
    } else if (n == 10) {
        double lo = 1e9, hi = 0;
        for (const auto* s : {m_train, m_valid}) {
            for (int i = 3; i < s->count(); ++i) {
                lo = std::min(lo, s->at(i).y());
                hi = std::max(hi, s->at(i).y());
            }
        }
        m_y->setRange(std::floor(lo * 0.9 * 10) / 10, std::ceil(hi * 1.05 * 10) / 10);
        m_y->applyNiceNumbers();
    } else if (n > 10 && std::min(trainMae, validMae) < m_y->min()) {
        m_y->setMin(std::floor(std::min(trainMae, validMae) * 0.95 * 10) / 10);
        m_y->applyNiceNumbers();
    }
}

void LearningCurve::showVersion(const QString& version, const model::TrainingReport& report)
{
    reset();
    for (const auto& p : report.curve)
        addPoint(p.iteration, p.trainMae, p.validMae, report.bestIteration);
    chart()->setTitle(tr("Learning curve of %1: MAE per tree (kept: %2 trees)").arg(version).arg(report.trees));
}

QList<QStringList> LearningCurve::rows() const
{
    QList<QStringList> out;
    for (int i = 0; i < m_valid->count(); ++i)
        out << QStringList{QString::number(int(m_valid->at(i).x())), QString::number(m_train->at(i).y(), 'f', 5),
                           QString::number(m_valid->at(i).y(), 'f', 5)};
    return out;
}

} // namespace nbaops::ui
