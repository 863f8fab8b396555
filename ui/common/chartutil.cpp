#include "chartutil.h"

#include <QAreaSeries>
#include <QChart>
#include <QLineSeries>

namespace nbaops::ui {

void clearChart(QChart* chart)
{
    chart->removeAllSeries();
    for (auto* a : chart->axes()) {
        chart->removeAxis(a);
        delete a;
    }
}

void addArea(QChart* chart, QAreaSeries* area)
{
    chart->addSeries(area);
    for (QLineSeries* edge : {area->upperSeries(), area->lowerSeries()}) {
        if (edge)
            edge->setParent(area);
    }
}

} // namespace nbaops::ui
