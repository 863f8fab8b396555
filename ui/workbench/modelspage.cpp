#include "modelspage.h"

#include "common/csv.h"
#include "common/logging.h"
#include "common/qtconv.h"
#include "common/widgets.h"
#include "model/versions.h"
#include "model/serving.h"
#include "modeltrainer.h"
#include "reportcharts.h"
#include "versionsmodel.h"
#include "store/database.h"
#include "store/objectstore.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace nbaops::ui {

namespace {

struct Loaded
{
    std::vector<model::ModelVersion> versions;
    nlohmann::json live = nlohmann::json::array(); // graded live predictions per week and model
    QString serving;                               // champion, rollout, retraining triggers
};

} // namespace

ModelsPage::ModelsPage(QString dbPath, QWidget* parent)
    : Page(parent), m_dbPath(std::move(dbPath)), m_trainer(new ModelTrainer(this)), m_versions(new VersionsModel(this))
{
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(16, 12, 16, 12);
    root->setSpacing(8);
    auto* header = new QHBoxLayout;
    header->addWidget(makeHeading(tr("Models"), this));
    header->addStretch();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("modelsStatus"));
    m_status->setStyleSheet(QStringLiteral("color: #5f6368;"));
    header->addWidget(m_status);
    root->addLayout(header);
    root->addWidget(makeSubtitle(tr("Train the points model on the feature store, compare it with the baselines and "
                                    "earlier versions, and choose what serves."), this));

    auto* split = new QSplitter(Qt::Vertical, this);
    auto* top = new QWidget(split);
    auto* topLayout = new QHBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    auto* form = new QWidget(top);
    form->setFixedWidth(300);
    buildForm(form);
    topLayout->addWidget(form);

    m_tabs = new QTabWidget(top);
    m_tabs->setObjectName(QStringLiteral("modelTabs"));
    m_curveView = makeChartView(tr("Learning curve: MAE per tree"), m_tabs);
    m_curveView->setObjectName(QStringLiteral("learningCurve"));
    {
        QChart* c = m_curveView->chart();
        m_trainSeries = new QLineSeries;
        m_trainSeries->setName(tr("train MAE"));
        m_validSeries = new QLineSeries;
        m_validSeries->setName(tr("validation MAE"));
        m_bestPoint = new QScatterSeries;
        m_bestPoint->setName(tr("best iteration (kept)"));
        m_bestPoint->setMarkerSize(10);
        c->addSeries(m_trainSeries);
        c->addSeries(m_validSeries);
        c->addSeries(m_bestPoint);
        m_curveX = valueAxis(tr("tree"), 0, 100, c, Qt::AlignBottom);
        m_curveX->setLabelFormat(QStringLiteral("%d"));
        m_curveY = valueAxis(tr("MAE (points)"), 0, 10, c, Qt::AlignLeft);
        for (auto* s : std::initializer_list<QXYSeries*>{m_trainSeries, m_validSeries, m_bestPoint}) {
            s->attachAxis(m_curveX);
            s->attachAxis(m_curveY);
        }
    }
    m_tabs->addTab(m_curveView, tr("Learning curve"));

    auto* report = new QWidget(m_tabs);
    auto* reportLayout = new QVBoxLayout(report);
    m_summary = new QLabel(report);
    m_summary->setObjectName(QStringLiteral("reportSummary"));
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    reportLayout->addWidget(m_summary);
    m_metrics = new QTableWidget(report);
    m_metrics->setObjectName(QStringLiteral("metricsTable"));
    m_metrics->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_metrics->verticalHeader()->setVisible(false);
    m_metrics->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_metrics->setMaximumHeight(150);
    reportLayout->addWidget(m_metrics);
    m_segmentView = makeChartView(tr("MAE by segment: model vs the best baseline"), report);
    m_segmentView->setObjectName(QStringLiteral("segmentChart"));
    m_segmentView->setMinimumHeight(200);
    reportLayout->addWidget(m_segmentView, 1);
    m_tabs->addTab(report, tr("Report"));

    auto* imp = new QWidget(m_tabs);
    auto* impLayout = new QVBoxLayout(imp);
    auto* impBar = new QHBoxLayout;
    impBar->addWidget(new QLabel(tr("Importance by"), imp));
    m_importanceKind = new QComboBox(imp);
    m_importanceKind->addItem(tr("gain (average loss reduction per split)"), QStringLiteral("gain"));
    m_importanceKind->addItem(tr("weight (number of splits)"), QStringLiteral("weight"));
    m_importanceKind->addItem(tr("cover (average rows per split)"), QStringLiteral("cover"));
    impBar->addWidget(m_importanceKind);
    impBar->addStretch();
    impLayout->addLayout(impBar);
    m_importanceView = makeChartView(tr("Feature importance"), imp);
    m_importanceView->setObjectName(QStringLiteral("importanceChart"));
    impLayout->addWidget(m_importanceView, 1);
    m_tabs->addTab(imp, tr("Importance"));
    connect(m_importanceKind, &QComboBox::currentIndexChanged, this, [this] { showImportance(); });

    m_scatterView = makeChartView(tr("Predicted vs actual points (test window)"), m_tabs);
    m_scatterView->setObjectName(QStringLiteral("scatterChart"));
    m_tabs->addTab(m_scatterView, tr("Predicted vs actual"));
    m_residualView = makeChartView(tr("Residuals: actual - predicted points (test window)"), m_tabs);
    m_residualView->setObjectName(QStringLiteral("residualChart"));
    m_tabs->addTab(m_residualView, tr("Residuals"));
    m_timeView = makeChartView(tr("MAE per week: versions on their test windows, and live graded predictions"), m_tabs);
    m_timeView->setObjectName(QStringLiteral("timeChart"));
    m_tabs->addTab(m_timeView, tr("Over time"));
    m_searchTable = new QTableWidget(m_tabs);
    m_searchTable->setObjectName(QStringLiteral("searchTable"));
    m_searchTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_searchTable->setSortingEnabled(true);
    m_searchTable->verticalHeader()->setVisible(false);
    m_tabs->addTab(m_searchTable, tr("Search"));
    topLayout->addWidget(m_tabs, 1);

    auto* bottom = new QWidget(split);
    auto* bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout;
    auto* versionsTitle = new QLabel(tr("<b>Versions</b>"), bottom);
    bar->addWidget(versionsTitle);
    m_actionResult = new QLabel(bottom);
    m_actionResult->setObjectName(QStringLiteral("actionResult"));
    m_actionResult->setWordWrap(true);
    bar->addWidget(m_actionResult, 1);
    m_compare = new QPushButton(tr("Compare with champion"), bottom);
    m_promote = new QPushButton(tr("Promote to champion"), bottom);
    m_export = new QPushButton(tr("Export charts and tables..."), bottom);
    for (auto* b : {m_compare, m_promote, m_export})
        bar->addWidget(b);
    bottomLayout->addLayout(bar);
    m_serving = new QLabel(bottom);
    m_serving->setObjectName(QStringLiteral("servingLabel"));
    m_serving->setTextFormat(Qt::RichText);
    bottomLayout->addWidget(m_serving);
    m_table = makeTable(m_versions, bottom);
    m_table->setObjectName(QStringLiteral("versionsTable"));
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    bottomLayout->addWidget(m_table);
    split->addWidget(top);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    root->addWidget(split, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        const QString v = selectedVersion();
        if (!v.isEmpty() && v != m_shown)
            showVersion(v);
    });
    connect(m_compare, &QPushButton::clicked, this, &ModelsPage::compareSelected);
    connect(m_promote, &QPushButton::clicked, this, &ModelsPage::promoteSelected);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export charts and tables to"));
        if (!dir.isEmpty())
            Q_EMIT statusMessage(tr("Wrote %1 files to %2").arg(exportAll(dir).size()).arg(dir));
    });

    connect(m_trainer, &ModelTrainer::stage, this, [this](const QString& msg, int done, int total) {
        m_status->setText(msg);
        m_progress->setRange(0, std::max(total, 1));
        m_progress->setValue(done);
    });
    connect(m_trainer, &ModelTrainer::iteration, this, &ModelsPage::addCurvePoint);
    const auto idle = [this] {
        m_train->setEnabled(true);
        m_cancel->setEnabled(false);
    };
    connect(m_trainer, &ModelTrainer::finished, this, [this, idle](const QString& version, double secs) {
        idle();
        m_status->setText(tr("Registered %1 (%2 s)").arg(version).arg(secs, 0, 'f', 1));
        m_selectAfterLoad = version;
        refresh();
        Q_EMIT trainingFinished(version);
    });
    connect(m_trainer, &ModelTrainer::cancelled, this, [this, idle] {
        idle();
        m_status->setText(tr("Training cancelled; nothing was registered."));
    });
    connect(m_trainer, &ModelTrainer::failed, this, [this, idle](const QString& msg) {
        idle();
        m_status->setText(tr("Training failed"));
        m_actionResult->setText(msg);
        qCWarning(lcWorkbench) << "training failed:" << msg;
        Q_EMIT failed(msg);
        Q_EMIT trainingFailed(msg);
    });
}

void ModelsPage::buildForm(QWidget* host)
{
    auto* layout = new QVBoxLayout(host);
    layout->setContentsMargins(0, 0, 8, 0);
    auto* f = new QFormLayout;
    f->setLabelAlignment(Qt::AlignRight);
    const auto defaults = model::defaultParams();
    const auto num = [&](const char* k) { return std::stod(defaults.xgb.at(k)); };
    m_objective = new QComboBox(host);
    m_objective->addItem(tr("pseudo-Huber"), QStringLiteral("reg:pseudohubererror"));
    m_objective->addItem(tr("squared error"), QStringLiteral("reg:squarederror"));
    m_objective->addItem(tr("absolute error (defective in XGBoost 1.7)"), QStringLiteral("reg:absoluteerror"));
    f->addRow(tr("Objective"), m_objective);
    m_depth = new QSpinBox(host);
    m_depth->setRange(1, 16);
    m_depth->setValue(int(num("max_depth")));
    f->addRow(tr("Max depth"), m_depth);
    const auto dbl = [&](double lo, double hi, double step, double v, int decimals) {
        auto* s = new QDoubleSpinBox(host);
        s->setRange(lo, hi);
        s->setSingleStep(step);
        s->setDecimals(decimals);
        s->setValue(v);
        return s;
    };
    m_eta = dbl(0.001, 1, 0.01, num("eta"), 3);
    f->addRow(tr("Learning rate"), m_eta);
    m_childWeight = dbl(0, 100, 1, num("min_child_weight"), 1);
    f->addRow(tr("Min child weight"), m_childWeight);
    m_subsample = dbl(0.1, 1, 0.05, num("subsample"), 2);
    f->addRow(tr("Subsample"), m_subsample);
    m_colsample = dbl(0.1, 1, 0.05, num("colsample_bytree"), 2);
    f->addRow(tr("Columns per tree"), m_colsample);
    m_rounds = new QSpinBox(host);
    m_rounds->setRange(1, 5000);
    m_rounds->setValue(defaults.maxRounds);
    f->addRow(tr("Max trees"), m_rounds);
    m_early = new QSpinBox(host);
    m_early->setRange(1, 500);
    m_early->setValue(defaults.earlyStopping);
    f->addRow(tr("Early stopping"), m_early);
    m_search = new QSpinBox(host);
    m_search->setRange(0, 200);
    m_search->setSpecialValueText(tr("off"));
    f->addRow(tr("Random search fits"), m_search);
    m_defaultSplit = new QCheckBox(tr("Split from the data"), host);
    m_defaultSplit->setChecked(true);
    f->addRow(QString(), m_defaultSplit);
    const auto date = [&] {
        auto* d = new QDateEdit(host);
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        d->setEnabled(false);
        return d;
    };
    m_trainUntil = date();
    m_validUntil = date();
    m_testFrom = date();
    m_trainUntil->setDate(QDate(2024, 4, 14));
    m_validUntil->setDate(QDate(2024, 12, 22));
    m_testFrom->setDate(QDate(2024, 12, 23));
    f->addRow(tr("Train until"), m_trainUntil);
    f->addRow(tr("Validate until"), m_validUntil);
    f->addRow(tr("Test from"), m_testFrom);
    connect(m_defaultSplit, &QCheckBox::toggled, this, [this](bool on) {
        for (auto* d : {m_trainUntil, m_validUntil, m_testFrom})
            d->setEnabled(!on);
    });
    layout->addLayout(f);
    auto* buttons = new QHBoxLayout;
    m_train = new QPushButton(tr("Train"), host);
    m_train->setObjectName(QStringLiteral("trainButton"));
    m_cancel = new QPushButton(tr("Cancel"), host);
    m_cancel->setEnabled(false);
    buttons->addWidget(m_train);
    buttons->addWidget(m_cancel);
    layout->addLayout(buttons);
    m_progress = new QProgressBar(host);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    layout->addWidget(m_progress);
    layout->addStretch();
    connect(m_train, &QPushButton::clicked, this, &ModelsPage::train);
    connect(m_cancel, &QPushButton::clicked, this, &ModelsPage::cancelTraining);
}

bool ModelsPage::isTraining() const { return m_trainer->isRunning(); }

int ModelsPage::curvePoints() const { return int(m_validSeries->count()); }

void ModelsPage::train()
{
    if (m_trainer->isRunning())
        return;
    jobs::TrainOptions req;
    const auto set = [&](const char* k, const QString& v) { model::applyParam(req.params, std::string(k) + "=" + ss(v)); };
    try {
        set("objective", m_objective->currentData().toString());
        set("max_depth", QString::number(m_depth->value()));
        set("eta", QString::number(m_eta->value()));
        set("min_child_weight", QString::number(m_childWeight->value()));
        set("subsample", QString::number(m_subsample->value()));
        set("colsample_bytree", QString::number(m_colsample->value()));
        set("rounds", QString::number(m_rounds->value()));
        set("early_stopping_rounds", QString::number(m_early->value()));
    } catch (const std::exception& e) {
        m_actionResult->setText(QString::fromStdString(e.what()));
        return;
    }
    req.search = m_search->value();
    if (!m_defaultSplit->isChecked()) {
        req.split.trainUntil = toDate(m_trainUntil->date());
        req.split.validUntil = toDate(m_validUntil->date());
        req.split.testFrom = toDate(m_testFrom->date());
    }
    resetCurve();
    m_tabs->setCurrentWidget(m_curveView);
    m_train->setEnabled(false);
    m_cancel->setEnabled(true);
    m_actionResult->clear();
    m_status->setText(tr("Starting..."));
    m_trainer->start(m_dbPath, req);
}

void ModelsPage::cancelTraining()
{
    m_trainer->stop();
    m_status->setText(tr("Cancelling..."));
}

void ModelsPage::resetCurve()
{
    m_trainSeries->clear();
    m_validSeries->clear();
    m_bestPoint->clear();
    m_curveMax = 0;
    m_curveX->setRange(0, 100);
    m_curveY->setRange(0, 10);
}

void ModelsPage::addCurvePoint(int iteration, double trainMae, double validMae, int best)
{
    const double x = iteration + 1;
    m_trainSeries->append(x, trainMae);
    m_validSeries->append(x, validMae);
    if (m_validSeries->count() > best) {
        m_bestPoint->clear();
        m_bestPoint->append(best + 1, m_validSeries->at(best).y());
    }
    if (x > m_curveX->max()) {
        m_curveX->setMax(std::ceil(x * 1.25 / 50) * 50);
        m_curveX->setTickCount(int(m_curveX->max() / 50) + 1 <= 13 ? int(m_curveX->max() / 50) + 1 : 11);
    }
    if (m_validSeries->count() == 1) {
        m_curveMax = std::max(trainMae, validMae);
        m_curveY->setRange(0, m_curveMax * 1.05);
    }
    // After the first trees the interesting part is near the bottom: zoom to it.
    if (m_validSeries->count() == 10) {
        double lo = 1e9, hi = 0;
        for (const auto* s : {m_trainSeries, m_validSeries}) {
            for (int i = 3; i < s->count(); ++i) {
                lo = std::min(lo, s->at(i).y());
                hi = std::max(hi, s->at(i).y());
            }
        }
        m_curveY->setRange(std::floor(lo * 0.9 * 10) / 10, std::ceil(hi * 1.05 * 10) / 10);
        m_curveY->applyNiceNumbers();
    } else if (m_validSeries->count() > 10 && std::min(trainMae, validMae) < m_curveY->min()) {
        m_curveY->setMin(std::floor(std::min(trainMae, validMae) * 0.95 * 10) / 10);
        m_curveY->applyNiceNumbers();
    }
}

void ModelsPage::refresh()
{
    const std::string path = ss(m_dbPath);
    m_jobs.run<Loaded>(
        [path] {
            Loaded l;
            auto db = store::Database::open(path);
            model::ModelVersions reg(db, store::ObjectStore::forDatabase(db).root());
            l.versions = reg.list();
            std::reverse(l.versions.begin(), l.versions.end());
            // Live: graded predictions per week and serving model.
            auto st = db.prepare("SELECT date(game_date, '-' || ((CAST(strftime('%w', game_date) AS INTEGER) + 6) % 7) || ' days')"
                                 " AS week, model_version, count(*), avg(abs_error) FROM prediction_grades WHERE played = 1"
                                 " GROUP BY week, model_version ORDER BY week");
            while (st.step())
                l.live.push_back({{"week", st.getText(0)}, {"model", st.getText(1)}, {"rows", st.getInt(2)},
                                  {"mae", st.getDouble(3)}});
            const auto plan = model::servingPlan(db);
            l.serving = plan.champion ? tr("Serving: <b>%1</b>").arg(qs(*plan.champion))
                                      : tr("Serving: the baseline (no champion yet)");
            if (plan.rollout)
                l.serving += tr(" &middot; %1 rollout of <b>%2</b> on %3% of games (stage %4, rolls back above %5x)")
                                 .arg(qs(plan.rollout->mode), qs(plan.rollout->challenger))
                                 .arg(plan.rollout->share * 100, 0, 'f', 0)
                                 .arg(plan.rollout->stage)
                                 .arg(plan.rollout->threshold, 0, 'f', 2);
            QStringList fired, quiet;
            for (const auto& t : model::retrainTriggers(db, Date::todayEastern()))
                (t.fired ? fired : quiet) << qs(t.name);
            l.serving += fired.isEmpty() ? tr(" &middot; retraining triggers: none fired")
                                         : tr(" &middot; <span style='color:#b06000'>retrain due: %1</span>")
                                               .arg(fired.join(QStringLiteral(", ")));
            return l;
        },
        [this](Loaded l) {
            m_versions->resetData(l.versions);
            m_serving->setText(l.serving);
            nlohmann::json versions = nlohmann::json::array();
            for (const auto& v : l.versions)
                versions.push_back({{"version", v.version}, {"weekly", v.report.value("weekly", nlohmann::json::array())},
                                    {"champion", std::find(v.aliases.begin(), v.aliases.end(), "champion") != v.aliases.end()}});
            showOverTime(versions, l.live);
            QString target = m_selectAfterLoad.isEmpty() ? m_shown : m_selectAfterLoad;
            m_selectAfterLoad.clear();
            int row = -1;
            for (size_t i = 0; i < l.versions.size(); ++i)
                if (qs(l.versions[i].version) == target)
                    row = int(i);
            if (row < 0 && !l.versions.empty())
                row = 0;
            if (row >= 0) {
                m_table->selectRow(row);
                showVersion(qs(l.versions[size_t(row)].version));
            } else {
                m_summary->setText(tr("No model versions yet. Import history (nbaops import boxscores FILE) or run the "
                                      "pipeline over a season, then press Train."));
            }
            m_compare->setEnabled(row >= 0);
            m_promote->setEnabled(row >= 0);
            m_status->setText(l.versions.empty() ? tr("No versions") : tr("%n version(s)", nullptr, int(l.versions.size())));
            Q_EMIT loaded();
        },
        [this](const QString& msg) {
            m_status->setText(tr("Cannot read the model registry"));
            m_summary->setText(msg);
            qCWarning(lcWorkbench) << "reading the model versions failed:" << msg;
            Q_EMIT failed(msg);
            Q_EMIT loaded();
        });
}

QString ModelsPage::selectedVersion() const
{
    const auto idx = m_table->currentIndex();
    if (!idx.isValid() || idx.row() >= int(m_versions->rows().size()))
        return {};
    return qs(m_versions->rows()[size_t(idx.row())].version);
}

void ModelsPage::showVersion(const QString& version)
{
    for (const auto& v : m_versions->rows()) {
        if (qs(v.version) != version)
            continue;
        m_shown = version;
        showReport(v.report);
        if (!m_trainer->isRunning()) {
            resetCurve();
            const auto& curve = v.report.value("learning_curve", nlohmann::json::array());
            for (const auto& p : curve)
                addCurvePoint(p[0].get<int>(), p[1].get<double>(), p[2].get<double>(), v.bestIteration);
            m_curveView->chart()->setTitle(tr("Learning curve of %1: MAE per tree (kept: %2 trees)")
                                               .arg(version)
                                               .arg(v.trees));
        }
        return;
    }
}

void ModelsPage::showReport(const nlohmann::json& r)
{
    m_report = r;
    if (!r.contains("model")) {
        m_summary->clear();
        return;
    }
    const auto& pop = r["population"];
    const auto& split = r["split"];
    QString text = tr("<b>%1</b> &middot; %2 &middot; %3 trees (best of %4) &middot; trained in %5 s<br>"
                      "Train %6 .. %7 (%8 rows) &middot; validate to %9 (%10) &middot; test %11 .. %12<br>"
                      "Population: %13 &mdash; <b>%14</b> test rows on %15 dates.<br>")
                       .arg(qs(r.value("version", "")), qs(r.value("objective", "")))
                       .arg(r.value("trees", 0))
                       .arg(r.value("rounds", 0))
                       .arg(r.value("train_seconds", 0.0), 0, 'f', 1)
                       .arg(qs(split.value("train_from", "")), qs(split.value("train_until", "")))
                       .arg(r["rows"].value("train", 0))
                       .arg(qs(split.value("valid_until", "")))
                       .arg(r["rows"].value("valid", 0))
                       .arg(qs(split.value("test_from", "")), qs(split.value("test_until", "")),
                            qs(pop.value("definition", "")))
                       .arg(pop.value("test_rows", 0))
                       .arg(pop.value("test_dates", 0));
    const double pct = r.value("improvement_pct", 0.0);
    text += tr("Against the best baseline (%1): MAE %2 %3 (%4%), 95% interval of the difference [%5, %6] "
               "by date bootstrap%7.")
                .arg(qs(r.value("best_baseline", "")))
                .arg(r.value("mae_diff", 0.0) <= 0 ? tr("lower by") : tr("higher by"))
                .arg(std::abs(r.value("mae_diff", 0.0)), 0, 'f', 3)
                .arg(std::abs(pct), 0, 'f', 2)
                .arg(r["mae_diff_ci95"][0].get<double>(), 0, 'f', 3)
                .arg(r["mae_diff_ci95"][1].get<double>(), 0, 'f', 3)
                .arg(r["mae_diff_ci95"][1].get<double>() < 0 ? tr(", excluding zero") : tr(", which includes zero"));
    if (r.contains("props") && !r["props"].is_null())
        text += tr("<br>Prop lines: %1 graded, over/under hit rate %2% [%3%, %4%].")
                    .arg(r["props"]["graded"].get<int64_t>())
                    .arg(100 * r["props"]["hit_rate"].get<double>(), 0, 'f', 1)
                    .arg(100 * r["props"]["hit_rate_ci95"][0].get<double>(), 0, 'f', 1)
                    .arg(100 * r["props"]["hit_rate_ci95"][1].get<double>(), 0, 'f', 1);
    else
        text += tr("<br>Prop lines: none in the test window, so no over/under grading.");
    for (const auto& w : r.value("warnings", nlohmann::json::array()))
        text += QStringLiteral("<br><span style='color:#b06000'>") + qs(w.get<std::string>()) + QStringLiteral("</span>");
    m_summary->setText(text);

    fillMetricsTable(m_metrics, r);
    fillSegmentChart(m_segmentView->chart(), r);
    if (split.contains("train_until")) {
        m_trainUntil->setDate(isoToQDate(split["train_until"].get<std::string>()));
        m_validUntil->setDate(isoToQDate(split["valid_until"].get<std::string>()));
        m_testFrom->setDate(isoToQDate(split["test_from"].get<std::string>()));
    }
    showImportance();

    fillSearchTable(m_searchTable, r);
    const size_t fits = r.value("search", nlohmann::json::array()).size();
    m_tabs->setTabText(m_tabs->indexOf(m_searchTable), fits == 0 ? tr("Search") : tr("Search (%1 fits)").arg(fits));

    fillScatterChart(m_scatterView->chart(), r);
    fillResidualChart(m_residualView->chart(), r);
}

void ModelsPage::showImportance()
{
    fillImportanceChart(m_importanceView->chart(), m_report, m_importanceKind->currentData().toString());
}

void ModelsPage::showOverTime(const nlohmann::json& versions, const nlohmann::json& live)
{
    fillOverTimeChart(m_timeView->chart(), versions, live);
}

void ModelsPage::compareSelected()
{
    const QString v = selectedVersion();
    if (v.isEmpty())
        return;
    m_actionResult->setText(tr("Comparing %1 with the champion...").arg(v));
    const std::string path = ss(m_dbPath), version = ss(v);
    m_actions.run<QString>(
        [path, version] {
            auto db = store::Database::open(path);
            model::ModelVersions reg(db, store::ObjectStore::forDatabase(db).root());
            const auto c = reg.compare(version, "champion");
            QString s = QStringLiteral("%1 vs %2 on %3..%4 (%5 player-games): MAE %6 vs %7, difference %8, 95% interval [%9, %10]")
                            .arg(qs(c.candidate), qs(c.reference), qs(c.from.iso()), qs(c.until.iso()))
                            .arg(c.rows)
                            .arg(c.candidateMae, 0, 'f', 3)
                            .arg(c.referenceMae, 0, 'f', 3)
                            .arg(c.candidateMae - c.referenceMae, 0, 'f', 3)
                            .arg(c.diffCi95.first, 0, 'f', 3)
                            .arg(c.diffCi95.second, 0, 'f', 3);
            if (!c.note.empty())
                s += QStringLiteral(". ") + qs(c.note);
            return s;
        },
        [this](QString s) {
            m_actionResult->setText(s);
            Q_EMIT actionDone(s);
        },
        [this](const QString& msg) {
            m_actionResult->setText(msg);
            Q_EMIT actionDone(msg);
        });
}

void ModelsPage::promoteSelected()
{
    const QString v = selectedVersion();
    if (v.isEmpty())
        return;
    m_actionResult->setText(tr("Checking %1 against the champion...").arg(v));
    const std::string path = ss(m_dbPath), version = ss(v);
    m_actions.run<QString>(
        [path, version] {
            auto db = store::Database::open(path);
            model::ModelVersions reg(db, store::ObjectStore::forDatabase(db).root());
            return qs(reg.promote(version, model::currentActor()));
        },
        [this](QString s) {
            m_actionResult->setText(s);
            refresh();
            Q_EMIT actionDone(s);
        },
        [this](const QString& msg) {
            m_actionResult->setText(msg);
            Q_EMIT actionDone(msg);
        });
}

QStringList ModelsPage::exportAll(const QString& dir)
{
    QStringList files;
    QDir().mkpath(dir);
    const std::pair<QChartView*, const char*> charts[] = {{m_curveView, "learning_curve.png"},
                                                          {m_importanceView, "importance.png"},
                                                          {m_scatterView, "predicted_vs_actual.png"},
                                                          {m_residualView, "residuals.png"},
                                                          {m_timeView, "mae_over_time.png"}};
    for (const auto& [view, name] : charts) {
        const QString path = QDir(dir).filePath(QString::fromLatin1(name));
        if (view->size().width() < 400)
            view->resize(900, 520);
        if (view->grab().save(path))
            files << path;
    }
    // Tables: versions, the report's metrics, importance (all three kinds), learning curve.
    {
        QStringList header;
        for (int c = 0; c < m_versions->columnCount(); ++c)
            header << m_versions->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
        QList<QStringList> rows;
        for (int r = 0; r < m_versions->rowCount(); ++r) {
            QStringList row;
            for (int c = 0; c < m_versions->columnCount(); ++c)
                row << m_versions->data(m_versions->index(r, c), Qt::DisplayRole).toString();
            rows << row;
        }
        const QString path = QDir(dir).filePath(QStringLiteral("versions.csv"));
        if (writeCsv(path, header, rows))
            files << path;
    }
    if (writeTableCsv(m_metrics, QDir(dir).filePath(QStringLiteral("report_metrics.csv"))))
        files << QDir(dir).filePath(QStringLiteral("report_metrics.csv"));
    if (m_searchTable->rowCount() > 0 && writeTableCsv(m_searchTable, QDir(dir).filePath(QStringLiteral("search.csv"))))
        files << QDir(dir).filePath(QStringLiteral("search.csv"));
    if (m_report.contains("importance")) {
        QList<QStringList> rows;
        for (const char* kind : {"gain", "weight", "cover"})
            for (const auto& f : m_report["importance"][kind]["features"])
                rows << QStringList{QString::fromLatin1(kind), qs(f["feature"].get<std::string>()),
                                    QString::number(f["value"].get<double>(), 'g', 8)};
        const QString path = QDir(dir).filePath(QStringLiteral("importance.csv"));
        if (writeCsv(path, {QStringLiteral("kind"), QStringLiteral("feature"), QStringLiteral("value")}, rows))
            files << path;
    }
    {
        QList<QStringList> rows;
        for (int i = 0; i < m_validSeries->count(); ++i)
            rows << QStringList{QString::number(int(m_validSeries->at(i).x())),
                                QString::number(m_trainSeries->at(i).y(), 'f', 5),
                                QString::number(m_validSeries->at(i).y(), 'f', 5)};
        const QString path = QDir(dir).filePath(QStringLiteral("learning_curve.csv"));
        if (writeCsv(path, {QStringLiteral("tree"), QStringLiteral("train_mae"), QStringLiteral("valid_mae")}, rows))
            files << path;
    }
    return files;
}

} // namespace nbaops::ui
