#include "backfillpage.h"

#include "backfillmodels.h"
#include "backfillrunner.h"
#include "common/qtconv.h"
#include "common/theme.h"
#include "common/widgets.h"
#include "pipeline/orphans.h"
#include "store/audit.h"
#include "store/database.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QFileDialog>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTextCursor>
#include <QTimer>
#include <QVBoxLayout>

#include <filesystem>
#include <tuple>

namespace nbaops::ui {

namespace {

struct Snapshot
{
    std::optional<jobs::BackfillInfo> active;
    std::vector<jobs::BackfillInfo> all;
    QStringList recent; // the shown backfill's latest runs, oldest first (for one run elsewhere)
    QDate latest;       // the latest game date with runs
};

QStringList recentRuns(store::Database& db, int64_t id)
{
    QStringList out;
    auto st = db.prepare("SELECT game_date, processor, coalesce(failure_category, 'running'), coalesce(records_out, 0),"
                         " coalesce(duration_ms, 0), coalesce(error, ''), coalesce(finished_at, started_at)"
                         " FROM processor_runs WHERE backfill_id = ? ORDER BY id DESC LIMIT 40");
    st.bindAll(id);
    while (st.step())
        out.prepend(QStringLiteral("%1  %2  %3 %4 %5 rec  %6 ms  %7")
                        .arg(qs(st.getText(6)).mid(11, 8), qs(st.getText(0)), qs(st.getText(1)).leftJustified(27),
                             qs(st.getText(2)).leftJustified(18))
                        .arg(st.getInt(3), 5)
                        .arg(st.getInt(4), 6)
                        .arg(qs(st.getText(5))));
    return out;
}

QString durationQ(double seconds) { return qs(jobs::durationText(seconds)); }

} // namespace

BackfillPage::BackfillPage(QString dbPath, QWidget* parent, BackendPtr backend)
    : Page(parent), m_dbPath(std::move(dbPath)), m_backend(backendOr(std::move(backend), m_dbPath)), m_runner(new BackfillRunner(this)), m_planModel(new PlanModel(this)),
      m_history(new BackfillHistoryModel(this)), m_source(new QComboBox(this)), m_from(new QDateEdit(this)),
      m_to(new QDateEdit(this)), m_file(new QLineEdit(this)), m_browse(new QPushButton(tr("Browse…"), this)),
      m_workers(new QSpinBox(this)), m_force(new QCheckBox(tr("Force"), this)),
      m_plan(new QPushButton(tr("Plan"), this)), m_start(new QPushButton(tr("Start"), this)),
      m_summary(new QLabel(this)), m_title(new QLabel(this)), m_overall(new QProgressBar(this)),
      m_eta(new QLabel(this)), m_pause(new QPushButton(tr("Pause"), this)),
      m_resume(new QPushButton(tr("Resume"), this)), m_cancel(new QPushButton(tr("Cancel"), this)),
      m_log(new QPlainTextEdit(this)), m_timer(new QTimer(this))
{
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(16, 12, 16, 12);
    root->setSpacing(8);
    root->addLayout(buildControls());
    m_summary->setObjectName(QStringLiteral("backfillSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setText(tr("Pick a range, a dates file or the gaps, then Plan: the plan shows what each date needs, "
                          "the estimate from the run history and any conflict before anything starts."));
    if (const auto [first, last] = m_backend->phasesOnRequest(); first != 1 || last != 6) {
        // The plan reads the cache's run history; the backfill's rows are this console's.
        const QString where = tr("On the cloud, a backfill runs phases %1 to %2 of each date on the Cloud Run "
                                 "services (phases 1 and 6 run on Cloud Scheduler's timetable); its plan and "
                                 "progress are kept in this console's cache, and the runs reach the run history "
                                 "with the next sync.")
                                  .arg(first)
                                  .arg(last);
        m_summary->setText(m_summary->text() + QStringLiteral("\n") + where);
        m_start->setToolTip(where);
    }
    root->addWidget(m_summary);

    auto* split = new QSplitter(Qt::Horizontal, this);
    auto* planTable = makeTable(m_planModel, split, tr("Backfill plan"));
    planTable->setObjectName(QStringLiteral("planTable"));
    planTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    planTable->horizontalHeader()->setStretchLastSection(true);
    split->addWidget(planTable);
    split->addWidget(buildProgress());
    split->setSizes({520, 680});
    root->addWidget(split, 3);

    root->addWidget(makeSubtitle(tr("Backfills, newest first"), this));
    auto* history = makeTable(m_history, this, tr("Backfills, newest first"));
    history->setObjectName(QStringLiteral("backfillHistory"));
    history->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    history->horizontalHeader()->setStretchLastSection(true);
    history->setMinimumHeight(120);
    root->addWidget(history, 1);
    chainTabs({m_start, planTable, m_pause, m_resume, m_cancel, m_log, history});

    connectRunner();
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &BackfillPage::refresh);
    m_timer->start();
}



void BackfillPage::connectRunner()
{
    connect(m_pause, &QPushButton::clicked, this, [this] { act(QStringLiteral("pause")); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { act(QStringLiteral("cancel")); });
    connect(m_resume, &QPushButton::clicked, this, [this] {
        if (!m_shown || m_runner->isRunning())
            return;
        m_ownId = m_shown->id;
        log(tr("Resuming backfill %1 with %2 worker(s)").arg(m_shown->id).arg(m_shown->workers));
        m_runner->resume(m_backend, m_shown->id, m_shown->workers);
        m_resume->setEnabled(false);
    });
    connect(m_runner, &BackfillRunner::created, this, [this](qint64 id) {
        m_ownId = id;
        log(tr("Backfill %1 created").arg(id));
        refresh();
    });
    connect(m_runner, &BackfillRunner::line, this, &BackfillPage::log);
    connect(m_runner, &BackfillRunner::finished, this, [this](const jobs::BackfillResult& r) {
        const QString msg = tr("Backfill %1 %2 in %3 (estimated %4): %5")
                                .arg(r.id)
                                .arg(qs(r.state), durationQ(r.seconds), durationQ(r.estimateS), qs(r.reason));
        log(msg);
        Q_EMIT statusMessage(msg);
        refresh();
        plan(); // what is left, now
    });
    connect(m_runner, &BackfillRunner::failed, this, [this](const QString& m) {
        log(tr("The backfill could not go on: %1").arg(m));
        m_summary->setText(m);
        m_start->setEnabled(true);
        Q_EMIT failed(m);
        refresh();
    });
}


// What the controls ask for; none (and the reason shown) when they do not make a request yet.
std::optional<jobs::PlanRequest> BackfillPage::request() const
{
    jobs::PlanRequest r;
    const QString s = m_source->currentData().toString();
    if (s == QStringLiteral("file")) {
        r.datesFile = ss(m_file->text().trimmed());
        if (r.datesFile.empty()) {
            m_summary->setText(tr("Choose a file of dates first (one YYYY-MM-DD a line)."));
            return std::nullopt;
        }
    } else {
        r.from = toDate(m_from->date());
        r.to = toDate(m_to->date());
        r.gaps = s == QStringLiteral("gaps");
    }
    r.workers = m_workers->value();
    r.force = m_force->isChecked();
    std::tie(r.firstPhase, r.lastPhase) = m_backend->phasesOnRequest();
    return r;
}

void BackfillPage::planGaps(const QDate& from, const QDate& to)
{
    m_source->setCurrentIndex(2);
    m_from->setDate(from);
    m_to->setDate(to);
    plan();
}

void BackfillPage::plan()
{
    const auto wanted = request();
    if (!wanted)
        return;
    const jobs::PlanRequest& req = *wanted;
    const std::string path = ss(m_dbPath);
    m_summary->setText(tr("Planning…"));
    m_planJobs.run<jobs::BackfillPlan>(
        [path, req] {
            auto db = store::Database::open(path);
            return jobs::planBackfill(db, req);
        },
        [this](const jobs::BackfillPlan& p) {
            m_planModel->resetData(p.dates);
            if (p.dates.empty()) {
                m_summary->setText(tr("<b>Nothing to backfill</b> (%1): %2 date(s) asked for, every one complete. "
                                      "Pick other dates, or Force to rerun them.")
                                       .arg(qs(p.source).toHtmlEscaped())
                                       .arg(p.complete.size()));
                m_start->setEnabled(false);
                Q_EMIT planned();
                return;
            }
            QString text = tr("<b>%1 date(s), %2 run(s)</b> (%3), %4 worker(s). Estimate <b>%5</b> (P50), from %6 (P25) "
                              "to %7 (P90), from each processor's durations in the run history")
                               .arg(p.dates.size())
                               .arg(p.items)
                               .arg(qs(p.source).toHtmlEscaped())
                               .arg(p.workers)
                               .arg(durationQ(p.estimate.seconds), durationQ(p.estimate.low), durationQ(p.estimate.high));
            if (!p.estimate.withoutHistory.empty()) {
                QStringList none;
                for (const auto& n : p.estimate.withoutHistory)
                    none << qs(n);
                text += tr("; no history for %1 (counted as %2 s each)")
                            .arg(none.join(QStringLiteral(", ")))
                            .arg(jobs::kNoHistorySeconds);
            }
            text += QStringLiteral(".");
            if (!p.complete.empty())
                text += tr(" %1 date(s) are complete and left alone.").arg(p.complete.size());
            for (const auto& c : p.conflicts)
                text += QStringLiteral("<br><span style='color:%1'>").arg(theme().errorText.name()) + tr("Conflict: ") +
                        qs(c).toHtmlEscaped() + QStringLiteral("</span>");
            text += QStringLiteral("<br><span style='color:%1'>").arg(theme().muted.name()) +
                    tr("Phases 1-2 go newest first, several dates at once; phases 3-6 follow the calendar, since each "
                       "date's analytics read the days before it. Planned in %1 ms.")
                        .arg(p.planMs, 0, 'f', 0) +
                    QStringLiteral("</span>");
            if (const auto [first, last] = m_backend->phasesOnRequest(); first != 1 || last != 6)
                text += QStringLiteral("<br><span style='color:%1'>").arg(theme().muted.name()) +
                        tr("Runs on the Cloud Run services of %1: phases %2 to %3 (Cloud Scheduler runs the others).")
                            .arg(qs(m_backend->label()).toHtmlEscaped())
                            .arg(first)
                            .arg(last) +
                        QStringLiteral("</span>");
            m_summary->setText(text);
            m_start->setEnabled(!p.dates.empty() && p.holders.empty() && !m_runner->isRunning());
            Q_EMIT planned();
        },
        [this](const QString& m) {
            m_planModel->resetData({});
            m_summary->setText(m);
            Q_EMIT failed(m);
        });
}

void BackfillPage::start()
{
    if (m_runner->isRunning())
        return;
    const auto req = request();
    if (!req)
        return;
    m_start->setEnabled(false);
    log(tr("Starting a backfill with %1 worker(s) on %2").arg(req->workers).arg(qs(m_backend->label())));
    m_runner->start(m_backend, *req);
}

// Pause or cancel the shown backfill through the database: its executor (here, in the CLI, or
// elsewhere) obeys at its next poll; one whose executor is gone changes at once.
void BackfillPage::act(const QString& what)
{
    if (!m_shown)
        return;
    const std::string path = ss(m_dbPath);
    const int64_t id = m_shown->id;
    const bool pause = what == QStringLiteral("pause");
    m_actJobs.run<QString>(
        [path, id, pause] {
            auto db = store::Database::open(path);
            return qs(pause ? jobs::pauseBackfill(db, id, store::currentActor())
                            : jobs::cancelBackfill(db, id, store::currentActor()));
        },
        [this](const QString& said) {
            log(said);
            Q_EMIT statusMessage(said);
            refresh();
        },
        [this](const QString& m) {
            log(m);
            Q_EMIT failed(m);
        });
}

void BackfillPage::showInfo(const std::optional<jobs::BackfillInfo>& info, const std::vector<jobs::BackfillInfo>& all)
{
    m_history->resetData(all);
    m_shown = info;
    const bool ours = m_runner->isRunning();
    if (!info) {
        m_title->setText(tr("No backfill yet: plan one on the left, then Start."));
        m_eta->clear();
        for (auto* bar : m_phases) {
            bar->setRange(0, 1);
            bar->setValue(0);
            bar->setFormat(tr("—"));
        }
        m_overall->setFormat(tr("—"));
        for (auto* b : {m_pause, m_resume, m_cancel})
            b->setEnabled(false);
        return;
    }
    const auto& b = *info;
    QString who = qs(b.state);
    if (b.state == "running")
        who = ours ? tr("running in this console") : tr("running (%1; this page follows it)").arg(qs(b.executor));
    m_title->setText(tr("Backfill %1 — %2 (%3), started by %4 at %5 — %6")
                         .arg(b.id)
                         .arg(qs(b.source))
                         .arg(b.dates == 1 ? tr("1 date") : tr("%1 dates").arg(b.dates))
                         .arg(qs(b.createdBy), qs(b.createdAt.substr(0, 16)).replace(QLatin1Char('T'), QLatin1Char(' ')),
                              who));
    m_overall->setFormat(QStringLiteral("%v / %m runs (%p%)"));
    for (size_t i = 0; i < 6; ++i) {
        m_phases[i]->setFormat(b.phases[i].total > 0 ? QStringLiteral("%v / %m") : tr("none planned"));
        m_phases[i]->setRange(0, std::max(1, b.phases[i].total));
        m_phases[i]->setValue(b.phases[i].done);
        m_phases[i]->setEnabled(b.phases[i].total > 0);
    }
    m_overall->setRange(0, std::max(1, b.items));
    m_overall->setValue(b.done + b.failed + b.skipped);
    QString eta = tr("%1 done, %2 failed, %3 skipped; error rate %4% of the last %5 runs (pauses above %6%)")
                      .arg(b.done)
                      .arg(b.failed)
                      .arg(b.skipped)
                      .arg(b.errorRate * 100, 0, 'f', 0)
                      .arg(b.errorWindow)
                      .arg(b.errorThreshold * 100, 0, 'f', 0);
    eta += tr("; ran %1 of an estimated %2").arg(durationQ(b.runSeconds), durationQ(b.estimateS));
    if (b.etaS && b.pending > 0)
        eta += tr("; about %1 left").arg(durationQ(*b.etaS));
    if (!b.reason.empty())
        eta += QStringLiteral("\n") + qs(b.reason);
    m_eta->setText(eta);
    m_pause->setEnabled(b.state == "running" && b.request.empty());
    m_cancel->setEnabled(b.active());
    m_resume->setEnabled(b.state == "paused" && !ours);
}

void BackfillPage::refresh()
{
    if (!isVisible() && !m_runner->isRunning())
        return; // nothing to follow while hidden (showing the page refreshes it)
    const std::string path = ss(m_dbPath);
    m_pollJobs.run<Snapshot>(
        [path] {
            Snapshot s;
            if (!std::filesystem::exists(path))
                return s;
            auto db = store::Database::open(path);
            pipeline::closeOrphans(db, std::chrono::system_clock::now());
            s.all = jobs::listBackfills(db);
            if (const auto id = jobs::activeBackfill(db))
                s.active = jobs::backfillInfo(db, *id);
            else if (!s.all.empty())
                s.active = s.all.front();
            if (s.active)
                s.recent = recentRuns(db, s.active->id);
            auto last = db.prepare("SELECT max(game_date) FROM processor_latest");
            if (last.step() && !last.isNull(0))
                s.latest = isoToQDate(last.getView(0));
            return s;
        },
        [this](Snapshot s) {
            showInfo(s.active, s.all);
            // A backfill this console does not run: its latest runs from the history.
            if (!m_runner->isRunning() && s.active && s.active->id != m_ownId && !s.recent.isEmpty()) {
                const QString text = s.recent.join(QLatin1Char('\n'));
                if (m_log->toPlainText() != text) {
                    m_log->setPlainText(text);
                    m_log->moveCursor(QTextCursor::End);
                    m_log->moveCursor(QTextCursor::StartOfLine); // the newest line, from its start
                }
            }
            if (!m_planned && !m_runner->isRunning()) {
                m_planned = true;
                if (s.latest.isValid()) { // the last 30 days of the history, not of the calendar
                    m_from->setDate(s.latest.addDays(-29));
                    m_to->setDate(s.latest);
                }
                plan(); // the gaps of the last 30 days, so the page opens on what needs doing
            }
            Q_EMIT loaded();
        },
        [this](const QString& m) {
            m_summary->setText(m);
            Q_EMIT failed(m);
        });
}

void BackfillPage::log(const QString& line)
{
    m_log->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

} // namespace nbaops::ui
