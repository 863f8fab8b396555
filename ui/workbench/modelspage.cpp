#include "modelspage.h"

#include "common/logging.h"
#include "common/qtconv.h"
#include "common/theme.h"
#include "common/widgets.h"
#include "learningcurve.h"
#include "evaluationview.h"
#include "model/evaluations.h"
#include "model/serving.h"
#include "model/train.h"
#include "model/versions.h"
#include "modeltrainer.h"
#include "reportview.h"
#include "store/audit.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "trainform.h"
#include "util/errors.h"
#include "versiondiffdialog.h"
#include "versionspanel.h"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

namespace nbaops::ui {

namespace {

// What the page reads off the GUI thread.
struct ModelsLoaded
{
    std::vector<model::ModelVersion> versions;      // newest first
    std::map<std::string, model::TrainingReport> reports;
    std::vector<model::LiveWeek> live;             // graded live predictions per week and model
    std::vector<model::DataQualityEvent> events;   // failed runs and NULL spikes, by date
    std::optional<model::Split> defaultSplit;       // with no versions: what "split from the data" would use
    QString serving;                                // champion, rollout, retraining triggers
    std::optional<model::EvaluationRecord> walk, ablation; // the latest of each kind
};

QString servingText(store::Database& db)
{
    const auto plan = model::servingPlan(db);
    QString s = plan.champion ? ModelsPage::tr("Serving: <b>%1</b>").arg(qs(*plan.champion))
                              : ModelsPage::tr("Serving: the baseline (no champion yet)");
    if (plan.rollout)
        s += ModelsPage::tr(" &middot; %1 rollout of <b>%2</b> on %3% of games (stage %4, rolls back above %5x)")
                 .arg(qs(plan.rollout->mode), qs(plan.rollout->challenger))
                 .arg(plan.rollout->share * 100, 0, 'f', 0)
                 .arg(plan.rollout->stage)
                 .arg(plan.rollout->threshold, 0, 'f', 2);
    QStringList fired;
    for (const auto& t : model::retrainTriggers(db, Date::todayEastern()))
        if (t.fired)
            fired << qs(t.name);
    return s + (fired.isEmpty() ? ModelsPage::tr(" &middot; retraining triggers: none fired")
                                : ModelsPage::tr(" &middot; <span style='color:%2'>retrain due: %1</span>")
                                      .arg(fired.join(QStringLiteral(", ")), theme().warnText.name()));
}

ModelsLoaded load(const std::string& path)
{
    ModelsLoaded l;
    auto db = store::Database::open(path);
    model::ModelVersions registry(db, store::ObjectStore::forDatabase(db).root());
    l.versions = registry.list();
    std::reverse(l.versions.begin(), l.versions.end());
    for (const auto& v : l.versions)
        l.reports[v.version] = model::TrainingReport::fromJson(v.report);
    l.live = model::liveWeeklyMae(db);
    l.events = model::dataQualityEvents(db);
    // With a version on display the form shows its split; the data's default (a scan of the
    // summaries) is needed only before the first version.
    if (l.versions.empty()) {
        try {
            l.defaultSplit = model::resolveSplit(model::summaryCalendar(db), {});
        } catch (const std::exception&) {
            // Too little data to split yet: the form keeps its dates, and training says why.
            l.defaultSplit.reset();
        }
    }
    l.serving = servingText(db);
    model::EvaluationLog evaluations(db);
    l.walk = evaluations.latest("walk_forward");
    l.ablation = evaluations.latest("ablation");
    return l;
}

} // namespace

ModelsPage::ModelsPage(QString dbPath, QWidget* parent)
    : Page(parent), m_dbPath(std::move(dbPath)), m_trainer(new ModelTrainer(this))
{
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(16, 12, 16, 12);
    root->setSpacing(8);
    auto* header = new QHBoxLayout;
    header->addWidget(makeHeading(tr("Models"), this));
    header->addStretch();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("modelsStatus"));
    m_status->setStyleSheet(QStringLiteral("color: %1;").arg(theme().muted.name()));
    header->addWidget(m_status);
    root->addLayout(header);
    root->addWidget(makeSubtitle(tr("Train the points model on the feature store, compare it with the baselines and "
                                    "earlier versions, and choose what serves."), this));

    auto* split = new QSplitter(Qt::Vertical, this);
    auto* top = new QWidget(split);
    auto* topLayout = new QHBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    m_form = new TrainForm(top);
    m_form->setFixedWidth(300);
    topLayout->addWidget(m_form);
    m_curve = new LearningCurve(top);
    m_report = new ReportView(m_curve, top);
    topLayout->addWidget(m_report, 1);
    m_versions = new VersionsPanel(split);
    split->addWidget(top);
    split->addWidget(m_versions);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    root->addWidget(split, 1);

    connect(m_form, &TrainForm::trainRequested, this, &ModelsPage::train);
    connect(m_form, &TrainForm::walkForwardRequested, this, &ModelsPage::walkForward);
    connect(m_form, &TrainForm::ablationRequested, this, &ModelsPage::ablation);
    connect(m_form, &TrainForm::cancelRequested, this, &ModelsPage::cancelTraining);
    connect(m_versions, &VersionsPanel::selectionChanged, this, [this](const QString& v) {
        if (!v.isEmpty() && v != m_shown)
            showVersion(v);
    });
    connect(m_versions, &VersionsPanel::compareRequested, this, &ModelsPage::compareSelected);
    connect(m_versions, &VersionsPanel::diffRequested, this, &ModelsPage::diffSelected);
    connect(m_versions, &VersionsPanel::promoteRequested, this, &ModelsPage::promoteSelected);
    connect(m_versions, &VersionsPanel::exportRequested, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export charts and tables to"));
        if (!dir.isEmpty())
            Q_EMIT statusMessage(tr("Wrote %1 files to %2").arg(exportAll(dir).size()).arg(dir));
    });
    connectTrainer();
}

void ModelsPage::connectTrainer()
{
    connect(m_trainer, &ModelTrainer::stage, this, [this](const QString& msg, int done, int total) {
        m_status->setText(msg);
        m_form->setProgress(done, total);
    });
    connect(m_trainer, &ModelTrainer::iteration, m_curve, &LearningCurve::addPoint);
    connect(m_trainer, &ModelTrainer::finished, this, [this](const QString& version, double secs) {
        m_form->setRunning(false);
        m_status->setText(tr("Registered %1 (%2 s)").arg(version).arg(secs, 0, 'f', 1));
        m_selectAfterLoad = version;
        refresh();
        Q_EMIT trainingFinished(version);
    });
    connect(m_trainer, &ModelTrainer::evaluated, this, [this](const QString& id, double secs) {
        m_form->setRunning(false);
        m_status->setText(tr("Kept %1 (%2 s)").arg(id).arg(secs, 0, 'f', 0));
        m_showEvaluation = true;
        refresh();
        Q_EMIT evaluationFinished(id);
    });
    connect(m_trainer, &ModelTrainer::cancelled, this, [this] {
        m_form->setRunning(false);
        m_status->setText(tr("Run cancelled; nothing was registered or kept."));
    });
    connect(m_trainer, &ModelTrainer::failed, this, [this](const QString& msg) {
        m_form->setRunning(false);
        m_status->setText(tr("Training failed"));
        m_versions->setActionResult(msg);
        qCWarning(lcWorkbench) << "training failed:" << msg;
        Q_EMIT failed(msg);
        Q_EMIT trainingFailed(msg);
    });
}

bool ModelsPage::isTraining() const { return m_trainer->isRunning(); }

int ModelsPage::curvePoints() const { return m_curve->points(); }

void ModelsPage::train()
{
    if (m_trainer->isRunning())
        return;
    jobs::TrainOptions options;
    try {
        options = m_form->options();
    } catch (const std::exception& e) {
        m_versions->setActionResult(QString::fromStdString(e.what()));
        return;
    }
    m_curve->reset();
    m_report->showCurve();
    m_form->setRunning(true);
    m_versions->setActionResult({});
    m_status->setText(tr("Starting..."));
    m_trainer->start(m_dbPath, options);
}

void ModelsPage::walkForward() { startEvaluation(false); }

void ModelsPage::ablation() { startEvaluation(true); }

void ModelsPage::startEvaluation(bool ablation)
{
    if (m_trainer->isRunning())
        return;
    model::Params params;
    try {
        params = m_form->options().params;
    } catch (const std::exception& e) {
        m_versions->setActionResult(QString::fromStdString(e.what()));
        return;
    }
    m_report->showEvaluation();
    m_form->setRunning(true);
    m_versions->setActionResult({});
    m_status->setText(ablation ? tr("Ablation: starting...") : tr("Walk-forward: starting..."));
    if (ablation)
        m_trainer->startAblation(m_dbPath, params);
    else
        m_trainer->startWalkForward(m_dbPath, params);
}

void ModelsPage::cancelTraining()
{
    m_trainer->stop();
    m_status->setText(tr("Cancelling..."));
}

void ModelsPage::refresh()
{
    m_jobs.run<ModelsLoaded>(
        [path = ss(m_dbPath)] { return load(path); },
        [this](ModelsLoaded l) {
            m_reports = std::move(l.reports);
            m_versions->setVersions(l.versions);
            m_versions->setServing(l.serving);
            if (l.defaultSplit)
                m_form->setSplit(toQDate(l.defaultSplit->trainUntil), toQDate(l.defaultSplit->validUntil),
                                 toQDate(l.defaultSplit->testFrom));
            std::vector<VersionWeeks> weeks;
            for (const auto& v : l.versions)
                weeks.push_back({v.version, std::find(v.aliases.begin(), v.aliases.end(), "champion") != v.aliases.end(),
                                 m_reports[v.version].weekly});
            m_report->showOverTime(weeks, l.live, l.events);
            const auto at = [](const auto& r) -> QString { return qs(r->createdAt.substr(0, 16)) + QStringLiteral(" UTC"); };
            if (l.walk)
                m_report->evaluation()->showWalkForward(model::walkForwardFromJson(l.walk->result), qs(l.walk->id), at(l.walk));
            if (l.ablation)
                m_report->evaluation()->showAblation(model::ablationFromJson(l.ablation->result), qs(l.ablation->id),
                                                     at(l.ablation));
            if (m_showEvaluation)
                m_report->showEvaluation();
            m_showEvaluation = false;
            const QString target = m_selectAfterLoad.isEmpty() ? m_shown : m_selectAfterLoad;
            m_selectAfterLoad.clear();
            int row = l.versions.empty() ? -1 : 0;
            for (size_t i = 0; i < l.versions.size(); ++i)
                if (qs(l.versions[i].version) == target)
                    row = int(i);
            if (row >= 0) {
                m_versions->select(row);
                showVersion(qs(l.versions[size_t(row)].version));
            } else {
                m_report->showMessage(tr("No model versions yet. Import history (nbaops import boxscores FILE) or run "
                                         "the pipeline over a season, then press Train."));
            }
            m_status->setText(l.versions.empty() ? tr("No versions") : tr("%n version(s)", nullptr, int(l.versions.size())));
            Q_EMIT loaded();
        },
        [this](const QString& msg) {
            m_status->setText(tr("Cannot read the model registry"));
            m_report->showMessage(msg);
            qCWarning(lcWorkbench) << "reading the model versions failed:" << msg;
            Q_EMIT failed(msg);
            Q_EMIT loaded();
        });
}

void ModelsPage::showVersion(const QString& version)
{
    const auto it = m_reports.find(ss(version));
    if (it == m_reports.end())
        return;
    m_shown = version;
    const auto& r = it->second;
    m_report->show(r);
    if (!r.trainUntil.empty())
        m_form->setSplit(isoToQDate(r.trainUntil), isoToQDate(r.validUntil), isoToQDate(r.testFrom));
    if (!m_trainer->isRunning())
        m_curve->showVersion(version, r);
}

// Runs an action on the registry off the GUI thread; its sentence goes to the panel and
// actionDone, and the page reloads when it changed something.
void ModelsPage::runAction(const QString& start, std::function<QString(const std::string& path)> action, bool reload)
{
    m_versions->setActionResult(start);
    m_actions.run<QString>(
        [path = ss(m_dbPath), action = std::move(action)] { return action(path); },
        [this, reload](const QString& s) {
            m_versions->setActionResult(s);
            if (reload)
                refresh();
            Q_EMIT actionDone(s);
        },
        [this](const QString& msg) {
            m_versions->setActionResult(msg);
            qCWarning(lcWorkbench) << "a model action failed:" << msg;
            Q_EMIT actionDone(msg);
        });
}

void ModelsPage::compareSelected()
{
    const QString v = m_versions->selected();
    if (v.isEmpty())
        return;
    runAction(tr("Comparing %1 with the champion...").arg(v), [version = ss(v)](const std::string& path) {
        auto db = store::Database::open(path);
        model::ModelVersions registry(db, store::ObjectStore::forDatabase(db).root());
        const auto c = registry.compare(version, "champion");
        QString s = tr("%1 vs %2 on %3..%4 (%5 player-games): MAE %6 vs %7, difference %8, 95% interval [%9, %10]")
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
    }, false);
}

void ModelsPage::diffSelected()
{
    const QString v = m_versions->selected();
    if (v.isEmpty())
        return;
    // Against the champion; the champion itself (or any version while there is none) against
    // the version before it.
    std::string reference;
    const auto& all = m_versions->versions(); // newest first
    for (size_t i = 0; i < all.size(); ++i) {
        const bool champion = std::find(all[i].aliases.begin(), all[i].aliases.end(), "champion") != all[i].aliases.end();
        if (champion && qs(all[i].version) != v)
            reference = all[i].version;
    }
    if (reference.empty())
        for (size_t i = 0; i + 1 < all.size(); ++i)
            if (qs(all[i].version) == v)
                reference = all[i + 1].version;
    if (reference.empty()) {
        m_versions->setActionResult(tr("%1 is the first version: there is nothing before it to compare with.").arg(v));
        return;
    }
    m_versions->setActionResult(tr("Comparing %1 with %2...").arg(v, qs(reference)));
    m_actions.run<model::VersionDiff>(
        [path = ss(m_dbPath), version = ss(v), reference] {
            auto db = store::Database::open(path);
            model::ModelVersions registry(db, store::ObjectStore::forDatabase(db).root());
            return model::diffVersions(registry, reference, version);
        },
        [this](const model::VersionDiff& d) {
            m_versions->setActionResult({});
            auto* dialog = new VersionDiffDialog(d, this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->show();
            Q_EMIT actionDone(tr("What changed from %1 to %2").arg(qs(d.from), qs(d.to)));
        },
        [this](const QString& msg) {
            m_versions->setActionResult(msg);
            Q_EMIT actionDone(msg);
        });
}

void ModelsPage::promoteSelected()
{
    const QString v = m_versions->selected();
    if (v.isEmpty())
        return;
    runAction(tr("Checking %1 against the champion...").arg(v), [version = ss(v)](const std::string& path) {
        auto db = store::Database::open(path);
        model::ModelVersions registry(db, store::ObjectStore::forDatabase(db).root());
        return qs(registry.promote(version, store::currentActor()));
    }, true);
}

QStringList ModelsPage::exportAll(const QString& dir)
{
    QDir().mkpath(dir);
    QStringList files = m_report->exportTo(dir);
    const QString versions = QDir(dir).filePath(QStringLiteral("versions.csv"));
    if (m_versions->exportCsv(versions))
        files << versions;
    return files;
}

} // namespace nbaops::ui
