#include "pipelinepage.h"

#include "common/qtconv.h"
#include "common/theme.h"
#include "common/widgets.h"
#include "phasegraph.h"
#include "pipeline/history.h"
#include "pipelinemodel.h"
#include "pipelinerunner.h"
#include "store/database.h"

#include <filesystem>

#include <QDateEdit>
#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QThread>
#include <QVBoxLayout>

namespace nbaops::ui {

PipelinePage::PipelinePage(QString dbPath, QWidget* parent, BackendPtr backend)
    : Page(parent), m_dbPath(std::move(dbPath)), m_backend(backendOr(std::move(backend), m_dbPath)), m_model(new PipelineModel(this)),
      m_runner(new PipelineRunner(this)), m_graph(new PhaseGraph(this)), m_from(new QDateEdit(this)),
      m_to(new QDateEdit(this)), m_workers(new QSpinBox(this)), m_run(new QPushButton(tr("Run"), this)),
      m_cancel(new QPushButton(tr("Cancel"), this)), m_status(new QLabel(this)), m_log(new QPlainTextEdit(this))
{
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(16, 12, 16, 12);
    root->setSpacing(8);
    root->addLayout(buildControls());
    m_status->setObjectName(QStringLiteral("pipelineStatus"));
    m_status->setStyleSheet(QStringLiteral("color: %1;").arg(theme().muted.name()));
    root->addWidget(m_status);

    m_graph->setModel(m_model);
    m_graph->setMinimumHeight(m_graph->neededHeight());
    m_graph->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    root->addWidget(m_graph);

    auto* split = new QSplitter(Qt::Horizontal, this);
    auto* table = makeTable(m_model, split, tr("Processor runs"));
    table->setObjectName(QStringLiteral("pipelineTable"));
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    m_log->setObjectName(QStringLiteral("pipelineLog"));
    m_log->setAccessibleName(tr("Run log"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->appendPlainText(tr("Each processor's outcome appears here while a run goes on."));
    split->addWidget(table);
    split->addWidget(m_log);
    split->setSizes({640, 560});
    root->addWidget(split, 1);
    chainTabs({m_run, m_cancel, table, m_log});

    connectRunner();
}

// The range, the workers, Run and Cancel.
QHBoxLayout* PipelinePage::buildControls()
{
    auto* header = new QHBoxLayout;
    header->addWidget(makeHeading(tr("Pipeline"), this));
    header->addStretch();
    for (auto* d : {m_from, m_to}) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        d->setDate(QDate::currentDate().addDays(-1));
    }
    m_from->setAccessibleName(tr("First game date"));
    m_to->setAccessibleName(tr("Last game date"));
    header->addWidget(new QLabel(tr("From"), this));
    header->addWidget(m_from);
    header->addWidget(new QLabel(tr("to"), this));
    header->addWidget(m_to);
    header->addSpacing(10);
    header->addWidget(makeLabelFor(tr("Workers"), m_workers, this));
    m_workers->setRange(1, 16);
    m_workers->setValue(std::max(1, QThread::idealThreadCount()));
    header->addWidget(m_workers);
    m_run->setObjectName(QStringLiteral("runButton"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setEnabled(false);
    header->addWidget(m_run);
    header->addWidget(m_cancel);
    if (m_backend->kind() == jobs::BackendKind::Cloud) {
        m_run->setToolTip(tr("Runs each date on the Cloud Run services (phases 2-4 on /process-date, phase 5 "
                             "through the coordinator); 'nbaops cloud sync' then brings the runs into the cache."));
        m_workers->setEnabled(false);
        m_workers->setToolTip(tr("The cloud's services run the processors: no local workers."));
    }
    return header;
}

// The run's progress into the graph, the table and the log.
void PipelinePage::connectRunner()
{
    connect(m_run, &QPushButton::clicked, this, &PipelinePage::run);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_runner->stop();
        m_cancel->setEnabled(false);
        log(tr("Cancelling: running processors stop; nothing is left half-written."));
    });
    connect(m_runner, &PipelineRunner::dateStarted, this, [this](const QDate& d) {
        m_model->startDate(d);
        m_status->setText(tr("Running %1 …").arg(d.toString(Qt::ISODate)));
        log(tr("— %1 —").arg(d.toString(Qt::ISODate)));
    });
    connect(m_runner, &PipelineRunner::processorStarted, m_model, &PipelineModel::setRunning);
    connect(m_runner, &PipelineRunner::processorFinished, this, [this](const pipeline::ProcessorResult& r) {
        m_model->setResult(r);
        log(QStringLiteral("%1  %2  %3  %4 rec  %5 ms  %6")
                .arg(qs(r.date.iso()), qs(r.processor).leftJustified(27),
                     (r.skipped ? QStringLiteral("skipped") : qs(pipeline::toString(r.outcome.category))).leftJustified(18))
                .arg(r.outcome.recordsOut, 5)
                .arg(r.durationMs, 6)
                .arg(qs(r.outcome.error)));
    });
    connect(m_runner, &PipelineRunner::finished, this, [this](int dates, int failures, bool cancelled, double secs) {
        setRunning(false);
        const QString msg = cancelled ? tr("Cancelled after %1 date(s), %2 s.").arg(dates).arg(secs, 0, 'f', 1)
                                      : tr("Finished %1 date(s) in %2 s: %3 real failure(s).").arg(dates).arg(secs, 0, 'f', 1).arg(failures);
        m_status->setText(msg);
        log(msg);
        Q_EMIT statusMessage(msg);
    });
    connect(m_runner, &PipelineRunner::failed, this, [this](const QString& m) {
        setRunning(false);
        m_status->setText(m);
        log(tr("The run could not start: %1").arg(m));
        Q_EMIT failed(m);
    });
}

void PipelinePage::run()
{
    if (m_runner->isRunning())
        return;
    if (m_to->date() < m_from->date()) {
        m_status->setText(tr("The first date must be on or before the last date."));
        return;
    }
    setRunning(true);
    log(tr("Run %1 to %2 with %3 worker(s) on %4")
            .arg(m_from->date().toString(Qt::ISODate), m_to->date().toString(Qt::ISODate))
            .arg(m_workers->value())
            .arg(backendName()));
    m_runner->start(m_backend, m_from->date(), m_to->date(), m_workers->value());
}

bool PipelinePage::runDate(const QDate& date, const QString& only)
{
    if (m_runner->isRunning()) {
        Q_EMIT statusMessage(tr("A run is going: wait for it, or cancel it, then try again."));
        return false;
    }
    m_from->setDate(date);
    m_to->setDate(date);
    setRunning(true);
    log(only.isEmpty() ? tr("Rerun of %1 on %2").arg(date.toString(Qt::ISODate), backendName())
                       : tr("Retry of %1 for %2 on %3").arg(only, date.toString(Qt::ISODate), backendName()));
    m_runner->start(m_backend, date, date, m_workers->value(), only);
    return true;
}

QString PipelinePage::backendName() const
{
    return m_backend->kind() == jobs::BackendKind::Local ? m_dbPath : qs(m_backend->label());
}

void PipelinePage::setRunning(bool running)
{
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
    m_from->setEnabled(!running);
    m_to->setEnabled(!running);
    m_workers->setEnabled(!running);
}

void PipelinePage::log(const QString& line)
{
    m_log->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

void PipelinePage::refresh()
{
    if (m_runner->isRunning()) {
        QMetaObject::invokeMethod(this, [this] { Q_EMIT loaded(); }, Qt::QueuedConnection);
        return;
    }
    const std::string path = ss(m_dbPath);
    m_jobs.run<pipeline::DateRuns>(
        [path] {
            if (!std::filesystem::exists(path))
                return pipeline::DateRuns{};
            auto db = store::Database::open(path, store::Database::Mode::ReadOnly);
            return pipeline::latestRuns(db);
        },
        [this](pipeline::DateRuns runs) {
            if (m_runner->isRunning()) { // a run started meanwhile (a Health page action): it shows live
                Q_EMIT loaded();
                return;
            }
            m_model->showHistory(runs);
            if (runs.date) {
                const QDate next = toQDate(runs.date->addDays(1));
                m_from->setDate(next);
                m_to->setDate(next);
                m_status->setText(tr("Showing the latest runs, of %1. Pick dates and Run to go on.")
                                      .arg(qs(runs.date->iso())));
            } else {
                m_status->setText(tr("No runs yet in %1. Pick dates and Run.").arg(m_dbPath));
            }
            m_run->setFocus();
            Q_EMIT loaded();
        },
        [this](const QString& m) {
            m_status->setText(m);
            Q_EMIT failed(m);
        });
}

} // namespace nbaops::ui
