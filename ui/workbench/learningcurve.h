#pragma once

#include "model/report.h"

#include <QChartView>

class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace nbaops::ui {

// The learning curve: train and validation MAE per tree, drawn live while training runs (a
// point per tree) or all at once for a stored version, with the best iteration marked.
class LearningCurve : public QChartView
{
    Q_OBJECT
public:
    explicit LearningCurve(QWidget* parent = nullptr);

    void reset();
    void addPoint(int iteration, double trainMae, double validMae, int bestIteration);
    void showVersion(const QString& version, const model::TrainingReport& report);
    int points() const;
    // The curve as CSV rows: tree, train_mae, valid_mae.
    QList<QStringList> rows() const;

private:
    QLineSeries* m_train;
    QLineSeries* m_valid;
    QScatterSeries* m_best;
    QValueAxis* m_x;
    QValueAxis* m_y;

    void zoom(double trainMae, double validMae);
};

} // namespace nbaops::ui
