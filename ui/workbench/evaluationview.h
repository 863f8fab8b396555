#pragma once

#include "model/walkforward.h"

#include <QWidget>

#include <optional>

class QChartView;
class QLabel;
class QTableWidget;

namespace nbaops::ui {

// The Models page's Evaluation tab: the latest walk-forward run (MAE per month, the model
// against each month's best baseline, and its folds) and the latest feature ablation (a forest
// plot of the MAE rise without each family, with its 95% interval), as kept in
// model_evaluations by `nbaops train --walk-forward / --ablation` or the form's buttons.
class EvaluationView : public QWidget
{
    Q_OBJECT
public:
    explicit EvaluationView(QWidget* parent = nullptr);
    // `id` and `at` name the run; nullopt: none yet.
    void showWalkForward(const std::optional<model::WalkForward>& walk, const QString& id, const QString& at);
    void showAblation(const std::optional<model::Ablation>& ablation, const QString& id, const QString& at);
    // Charts (PNG) and tables (CSV) of the runs shown.
    QStringList exportTo(const QString& dir) const;

private:
    QLabel* m_summary;
    QChartView* m_walkView;
    QChartView* m_ablationView;
    QTableWidget* m_folds;
    QTableWidget* m_families;
    QString m_walkText, m_ablationText;
    void updateSummary();
};

} // namespace nbaops::ui
