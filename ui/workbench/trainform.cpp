#include "trainform.h"

#include "common/qtconv.h"
#include "model/train.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace nbaops::ui {

TrainForm::TrainForm(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 8, 0);
    auto* f = new QFormLayout;
    f->setLabelAlignment(Qt::AlignRight);
    addParameters(f);
    addSplit(f);
    layout->addLayout(f);
    auto* buttons = new QHBoxLayout;
    m_train = new QPushButton(tr("Train"), this);
    m_train->setObjectName(QStringLiteral("trainButton"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setEnabled(false);
    buttons->addWidget(m_train);
    buttons->addWidget(m_cancel);
    layout->addLayout(buttons);
    // Judge these parameters a month at a time instead of training one version.
    auto* evaluate = new QHBoxLayout;
    m_walk = new QPushButton(tr("Walk forward"), this);
    m_walk->setObjectName(QStringLiteral("walkForwardButton"));
    m_walk->setToolTip(tr("A model per month of the last two seasons, each trained on everything before the month "
                          "and tested on it against the baselines; nothing is registered"));
    m_ablation = new QPushButton(tr("Ablation"), this);
    m_ablation->setObjectName(QStringLiteral("ablationButton"));
    m_ablation->setToolTip(tr("The walk-forward again without each family of features: how much each one helps"));
    evaluate->addWidget(m_walk);
    evaluate->addWidget(m_ablation);
    layout->addLayout(evaluate);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    layout->addWidget(m_progress);
    layout->addStretch();
    connect(m_train, &QPushButton::clicked, this, &TrainForm::trainRequested);
    connect(m_cancel, &QPushButton::clicked, this, &TrainForm::cancelRequested);
    connect(m_walk, &QPushButton::clicked, this, &TrainForm::walkForwardRequested);
    connect(m_ablation, &QPushButton::clicked, this, &TrainForm::ablationRequested);
}

void TrainForm::addParameters(QFormLayout* f)
{
    const auto defaults = model::defaultParams();
    const auto num = [&](const char* k) { return std::stod(defaults.xgb.at(k)); };
    m_objective = new QComboBox(this);
    m_objective->addItem(tr("pseudo-Huber"), QStringLiteral("reg:pseudohubererror"));
    m_objective->addItem(tr("squared error"), QStringLiteral("reg:squarederror"));
    m_objective->addItem(tr("absolute error (defective in XGBoost 1.7)"), QStringLiteral("reg:absoluteerror"));
    f->addRow(tr("Objective"), m_objective);
    m_target = new QComboBox(this);
    m_target->setObjectName(QStringLiteral("target"));
    m_target->addItem(tr("√points"), QStringLiteral("sqrt"));
    m_target->addItem(tr("points"), QStringLiteral("points"));
    m_target->setCurrentIndex(m_target->findData(QString::fromStdString(defaults.target)));
    m_target->setToolTip(tr("The scale the trees learn: the square root of the points (a scorer's spread grows "
                            "with his mean, much less so on it; predictions are squared back) or the points"));
    f->addRow(tr("Learns"), m_target);
    m_depth = new QSpinBox(this);
    m_depth->setRange(1, 16);
    m_depth->setValue(int(num("max_depth")));
    f->addRow(tr("Max depth"), m_depth);
    const auto dbl = [&](double lo, double hi, double step, double v, int decimals) {
        auto* s = new QDoubleSpinBox(this);
        s->setRange(lo, hi);
        s->setSingleStep(step);
        s->setDecimals(decimals);
        s->setValue(v);
        return s;
    };
    m_eta = dbl(0.001, 1, 0.01, num("eta"), 3);
    f->addRow(tr("Learning rate"), m_eta);
    m_childWeight = dbl(0, 1000, 5, num("min_child_weight"), 1);
    f->addRow(tr("Min child weight"), m_childWeight);
    m_subsample = dbl(0.1, 1, 0.05, num("subsample"), 2);
    f->addRow(tr("Subsample"), m_subsample);
    m_colsample = dbl(0.1, 1, 0.05, num("colsample_bytree"), 2);
    f->addRow(tr("Columns per tree"), m_colsample);
    m_rounds = new QSpinBox(this);
    m_rounds->setRange(1, 5000);
    m_rounds->setValue(defaults.maxRounds);
    f->addRow(tr("Max trees"), m_rounds);
    m_early = new QSpinBox(this);
    m_early->setRange(1, 500);
    m_early->setValue(defaults.earlyStopping);
    f->addRow(tr("Early stopping"), m_early);
    m_refit = new QCheckBox(tr("on train + validation"), this);
    m_refit->setObjectName(QStringLiteral("refit"));
    m_refit->setChecked(defaults.refit);
    m_refit->setToolTip(tr("Early stopping picks the number of trees on the validation rows; the model kept is then "
                           "trained on both windows (the validation window is the start of the tested season)"));
    f->addRow(tr("Refit"), m_refit);
    m_budget = new QSpinBox(this);
    m_budget->setObjectName(QStringLiteral("searchBudget"));
    m_budget->setRange(0, 600);
    m_budget->setSuffix(tr(" min"));
    m_budget->setSpecialValueText(tr("off"));
    m_budget->setToolTip(tr("Search the parameters first, for this long: successive halving judged on walk-forward "
                            "months before the test window; the best configuration is trained and registered"));
    f->addRow(tr("Search budget"), m_budget);
    m_maxConfigs = new QSpinBox(this);
    m_maxConfigs->setObjectName(QStringLiteral("searchConfigs"));
    m_maxConfigs->setRange(0, 1000);
    m_maxConfigs->setSpecialValueText(tr("as the budget allows"));
    f->addRow(tr("Configurations"), m_maxConfigs);
    const auto enable = [this](int minutes) { m_maxConfigs->setEnabled(minutes > 0); };
    connect(m_budget, &QSpinBox::valueChanged, this, enable);
    enable(0);
}

void TrainForm::addSplit(QFormLayout* f)
{
    m_defaultSplit = new QCheckBox(tr("Split from the data"), this);
    m_defaultSplit->setChecked(true);
    f->addRow(QString(), m_defaultSplit);
    const auto date = [&] {
        auto* d = new QDateEdit(this);
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        d->setEnabled(false);
        return d;
    };
    // Until the page has read the data's default split (or a version's), the last weeks.
    const QDate today = QDate::currentDate();
    m_trainUntil = date();
    m_validUntil = date();
    m_testFrom = date();
    setSplit(today.addDays(-60), today.addDays(-30), today.addDays(-29));
    f->addRow(tr("Train until"), m_trainUntil);
    f->addRow(tr("Validate until"), m_validUntil);
    f->addRow(tr("Test from"), m_testFrom);
    connect(m_defaultSplit, &QCheckBox::toggled, this, [this](bool on) {
        for (auto* d : {m_trainUntil, m_validUntil, m_testFrom})
            d->setEnabled(!on);
    });
}

void TrainForm::setSplit(const QDate& trainUntil, const QDate& validUntil, const QDate& testFrom)
{
    m_trainUntil->setDate(trainUntil);
    m_validUntil->setDate(validUntil);
    m_testFrom->setDate(testFrom);
}

jobs::TrainOptions TrainForm::options() const
{
    jobs::TrainOptions req;
    const auto set = [&](const char* k, const QString& v) { model::applyParam(req.params, std::string(k) + "=" + ss(v)); };
    set("target", m_target->currentData().toString()); // first: it moves the default slope to its scale
    set("objective", m_objective->currentData().toString());
    set("max_depth", QString::number(m_depth->value()));
    set("eta", QString::number(m_eta->value()));
    set("min_child_weight", QString::number(m_childWeight->value()));
    set("subsample", QString::number(m_subsample->value()));
    set("colsample_bytree", QString::number(m_colsample->value()));
    set("rounds", QString::number(m_rounds->value()));
    set("early_stopping_rounds", QString::number(m_early->value()));
    set("refit", m_refit->isChecked() ? QStringLiteral("1") : QStringLiteral("0"));
    if (m_budget->value() > 0) {
        jobs::SearchRequest sr;
        sr.budgetSeconds = 60.0 * m_budget->value();
        sr.maxConfigs = m_maxConfigs->value();
        req.search = sr;
    }
    if (!m_defaultSplit->isChecked()) {
        req.split.trainUntil = toDate(m_trainUntil->date());
        req.split.validUntil = toDate(m_validUntil->date());
        req.split.testFrom = toDate(m_testFrom->date());
    }
    return req;
}

void TrainForm::setRunning(bool running)
{
    m_train->setEnabled(!running);
    m_walk->setEnabled(!running);
    m_ablation->setEnabled(!running);
    m_cancel->setEnabled(running);
}

void TrainForm::setProgress(int done, int total)
{
    m_progress->setRange(0, std::max(total, 1));
    m_progress->setValue(done);
}

} // namespace nbaops::ui
