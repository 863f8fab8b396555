#pragma once

#include "jobs/train.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDate;
class QDateEdit;
class QDoubleSpinBox;
class QFormLayout;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace nbaops::ui {

// The training form: XGBoost parameters, the budgeted search, the split (from the data, or the
// dates given), Train and Cancel, and the progress of a run.
class TrainForm : public QWidget
{
    Q_OBJECT
public:
    explicit TrainForm(QWidget* parent = nullptr);

    // What the form asks for; throws UsageError naming what is wrong.
    jobs::TrainOptions options() const;
    // The split dates shown: the data's default split, or the version on display's.
    void setSplit(const QDate& trainUntil, const QDate& validUntil, const QDate& testFrom);
    void setRunning(bool running);
    void setProgress(int done, int total);

Q_SIGNALS:
    void trainRequested();
    void walkForwardRequested();
    void ablationRequested();
    void cancelRequested();

private:
    QComboBox* m_objective;
    QSpinBox* m_depth;
    QDoubleSpinBox* m_eta;
    QDoubleSpinBox* m_childWeight;
    QDoubleSpinBox* m_subsample;
    QDoubleSpinBox* m_colsample;
    QSpinBox* m_rounds;
    QSpinBox* m_early;
    QCheckBox* m_refit;
    QComboBox* m_target;
    QSpinBox* m_budget;
    QSpinBox* m_maxConfigs;
    QCheckBox* m_defaultSplit;
    QDateEdit* m_trainUntil;
    QDateEdit* m_validUntil;
    QDateEdit* m_testFrom;
    QPushButton* m_train;
    QPushButton* m_cancel;
    QPushButton* m_walk;
    QPushButton* m_ablation;
    QProgressBar* m_progress;

    void addParameters(QFormLayout* f);
    void addSplit(QFormLayout* f);
};

} // namespace nbaops::ui
