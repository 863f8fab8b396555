// The Models page's P(over) views: the reliability diagram, the hit rate by confidence and the
// scores in words, each from a training report's over/under judgement.
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

void fillReliabilityChart(QChart* c, const model::TrainingReport& r)
{
    clearChart(c);
    if (r.overUnder.empty()) {
        c->setTitle(modelsText("No P(over) with this version: it was trained before calibration, or on too few validation rows"));
        return;
    }
    c->setTitle(modelsText("Reliability of P(over) on the test window"));
    auto* diagonal = new QLineSeries;
    diagonal->setName(modelsText("perfectly calibrated"));
    QPen pen(theme().gridLine);
    pen.setStyle(Qt::DashLine);
    diagonal->setPen(pen);
    diagonal->append(0, 0);
    diagonal->append(100, 100);
    c->addSeries(diagonal);
    std::vector<QXYSeries*> all = {diagonal};
    for (const auto& o : r.overUnder) {
        auto* line = new QLineSeries;
        auto* dots = new QScatterSeries;
        const QColor colour = o.lines == "odds" ? theme().accent : theme().secondary;
        line->setName(o.lines == "odds" ? modelsText("bookmaker lines (%1 graded)").arg(o.graded)
                                        : modelsText("stand-in lines (%1 graded)").arg(o.graded));
        line->setPen(QPen(colour, 2));
        dots->setColor(colour);
        dots->setBorderColor(colour);
        dots->setMarkerSize(8);
        for (const auto& b : o.reliability)
            if (b.n >= 20) { // a bin of a few player-games says little
                line->append(100 * b.meanPredicted, 100 * b.observed);
                dots->append(100 * b.meanPredicted, 100 * b.observed);
            }
        c->addSeries(line);
        c->addSeries(dots);
        all.push_back(line);
        all.push_back(dots);
    }
    auto* x = valueAxis(modelsText("predicted P(over), %"), 0, 100, c, Qt::AlignBottom);
    auto* y = valueAxis(modelsText("went over, %"), 0, 100, c, Qt::AlignLeft);
    for (auto* s : all) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    for (auto* m : c->legend()->markers())
        if (qobject_cast<QScatterSeries*>(m->series()))
            m->setVisible(false);
}

void fillOverUnderTable(QTableWidget* table, const model::TrainingReport& r)
{
    table->setSortingEnabled(false);
    table->clear();
    const QStringList header = {modelsText("Lines"), modelsText("Confidence"), modelsText("Player-games"), modelsText("Hit rate"), modelsText("95% interval")};
    table->setColumnCount(int(header.size()));
    table->setHorizontalHeaderLabels(header);
    table->horizontalHeaderItem(1)->setToolTip(modelsText("How far P(over) is from 50%: the side it favours is the call"));
    int rows = 0;
    for (const auto& o : r.overUnder)
        rows += int(o.byConfidence.size());
    table->setRowCount(rows);
    int row = 0;
    for (const auto& o : r.overUnder)
        for (const auto& b : o.byConfidence) {
            const auto cell = [&](int col, const QString& text, bool right) {
                auto* item = new QTableWidgetItem(text);
                if (right)
                    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                table->setItem(row, col, item);
            };
            cell(0, o.lines == "odds" ? modelsText("bookmaker") : modelsText("stand-in"), false);
            cell(1, qs(b.name), false);
            cell(2, QString::number(b.n), true);
            cell(3, b.n > 0 ? QStringLiteral("%1%").arg(100 * b.hitRate, 0, 'f', 1) : QStringLiteral("—"), true);
            cell(4, b.n > 0 ? QStringLiteral("%1% – %2%").arg(100 * b.ci95.first, 0, 'f', 1).arg(100 * b.ci95.second, 0, 'f', 1)
                            : QStringLiteral("—"),
                 true);
            ++row;
        }
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
}

QString overUnderText(const model::TrainingReport& r)
{
    if (r.overUnder.empty())
        return modelsText("This version has no P(over): it was trained before calibration, or on fewer validation rows "
                  "than the distribution needs. Train a new version to get one.");
    QString text;
    for (const auto& o : r.overUnder) {
        text += modelsText("<b>%1</b>: %2. %3 player-games graded. Brier score <b>%4</b> (always 50%: %5), log loss "
                   "<b>%6</b> (%7).")
                    .arg(o.lines == "odds" ? modelsText("Bookmaker lines") : modelsText("Stand-in lines"), qs(o.lineDefinition))
                    .arg(o.graded)
                    .arg(o.brier, 0, 'f', 4)
                    .arg(o.naiveBrier, 0, 'f', 4)
                    .arg(o.logLoss, 0, 'f', 4)
                    .arg(o.naiveLogLoss, 0, 'f', 4);
        if (o.marketBrier)
            text += modelsText(" On the %1 with prices: the model %2 / %3 against the line's own price %4 / %5 (Brier / log loss).")
                        .arg(o.priced)
                        .arg(*o.modelBrierOnPriced, 0, 'f', 4)
                        .arg(*o.modelLogLossOnPriced, 0, 'f', 4)
                        .arg(*o.marketBrier, 0, 'f', 4)
                        .arg(*o.marketLogLoss, 0, 'f', 4);
        text += QStringLiteral("<br>");
    }
    text += modelsText("P(over) comes from the validation window's residuals by minutes bucket and prediction band; lower "
               "Brier and log loss are better.");
    return text;
}

} // namespace nbaops::ui
