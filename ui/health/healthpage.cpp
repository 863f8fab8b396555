#include "healthpage.h"

#include "common/logging.h"
#include "common/qtconv.h"
#include "common/statestyle.h"
#include "common/texttable.h"
#include "common/theme.h"
#include "common/widgets.h"
#include "healthmodels.h"
#include "phasetile.h"
#include "pipeline/runner.h"
#include "registry/registry.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/text.h"

#include <QDateEdit>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace nbaops::ui {


HealthPage::HealthPage(QString dbPath, QWidget* parent, BackendPtr backend)
    : Page(parent), m_dbPath(std::move(dbPath)), m_backend(backendOr(std::move(backend), m_dbPath)), m_date(new QDateEdit(this)),
      m_latest(new QPushButton(tr("Latest"), this)), m_refresh(new QPushButton(tr("Refresh"), this)),
      m_overall(new QLabel(this)), m_meta(new QLabel(this)), m_banner(new QLabel(this)),
      m_failures(new FailuresModel(this)), m_freshness(new FreshnessModel(this)),
      m_days(new RecentDaysModel(this)), m_noData(new QLabel(this)), m_next(new QWidget(this))
{
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(16, 12, 16, 12);
    root->setSpacing(10);
    buildHeader(root);
    auto* split = new QSplitter(Qt::Horizontal, this);
    auto* failBox = buildFailures(split);
    buildTabs(split);
    split->addWidget(failBox);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setSizes({620, 620});
    root->addWidget(split, 1);
    m_next->setObjectName(QStringLiteral("nextSteps"));
    auto* nextLayout = new QVBoxLayout(m_next);
    nextLayout->setContentsMargins(0, 0, 0, 0);
    nextLayout->setSpacing(4);
    root->addWidget(m_next);
    m_confirm = [this](const QString& question) {
        return QMessageBox::question(this, tr("Run again?"), question, QMessageBox::Yes | QMessageBox::Cancel,
                                     QMessageBox::Cancel) == QMessageBox::Yes;
    };
    connectControls();
}

// The title, the overall badge, the date picker and its buttons, the banner and the tiles.
void HealthPage::buildHeader(QVBoxLayout* root)
{
    auto* header = new QHBoxLayout;
    header->addWidget(makeHeading(tr("Morning health check"), this));
    header->addSpacing(12);
    m_overall->setObjectName(QStringLiteral("overallBadge"));
    m_overall->setMinimumWidth(110);
    m_overall->setAlignment(Qt::AlignCenter);
    header->addWidget(m_overall);
    header->addStretch();
    header->addWidget(makeLabelFor(tr("Game date"), m_date, this));
    m_date->setCalendarPopup(true);
    m_date->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    header->addWidget(m_date);
    header->addWidget(m_latest);
    header->addWidget(m_refresh);
    root->addLayout(header);

    m_meta->setObjectName(QStringLiteral("meta"));
    m_meta->setStyleSheet(QStringLiteral("color: %1;").arg(theme().muted.name()));
    root->addWidget(m_meta);
    m_banner->setWordWrap(true);
    m_banner->setVisible(false);
    m_banner->setStyleSheet(QStringLiteral("background: %1; color: %2; border: 1px solid %3; border-radius: 4px; padding: 8px;")
                                .arg(theme().bannerBackground.name(), theme().bannerText.name(),
                                     theme().bannerBorder.name()));
    root->addWidget(m_banner);

    auto* tiles = new QHBoxLayout;
    tiles->setSpacing(8);
    for (int i = 0; i < 6; ++i) {
        m_tiles[size_t(i)] = new PhaseTile(i + 1, this);
        tiles->addWidget(m_tiles[size_t(i)]);
    }
    root->addLayout(tiles);
}

// Real failures, the selected one's detail, and the collapsed no-data runs.
QGroupBox* HealthPage::buildFailures(QWidget* parent)
{
    auto* failBox = new QGroupBox(tr("Real failures"), parent);
    auto* fl = new QVBoxLayout(failBox);
    m_failuresView = makeTable(m_failures, failBox, tr("Real failures"));
    m_failuresView->setObjectName(QStringLiteral("failuresView"));
    m_failuresView->horizontalHeader()->setStretchLastSection(true);
    m_failuresView->setTextElideMode(Qt::ElideRight);
    fl->addWidget(m_failuresView, 1);
    m_failureDetail = makeDetailPane(QStringLiteral("failureDetail"), failBox);
    m_failureDetail->setMinimumHeight(64);
    fl->addWidget(m_failureDetail);
    connect(m_failuresView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& cur) { showFailureDetail(cur.row()); });
    m_noData->setStyleSheet(QStringLiteral("color: %1;").arg(theme().muted.name()));
    m_noData->setWordWrap(true);
    fl->addWidget(m_noData);
    return failBox;
}

void HealthPage::connectControls()
{
    connect(m_refresh, &QPushButton::clicked, this, &HealthPage::refresh);
    connect(m_latest, &QPushButton::clicked, this, [this] {
        m_followLatest = true;
        refresh();
    });
    connect(m_date, &QDateEdit::dateChanged, this, [this](const QDate&) {
        if (!m_date->signalsBlocked()) {
            m_followLatest = false;
            refresh();
        }
    });
}

void HealthPage::refresh()
{
    health::Query q = m_backend->healthQuery(); // "Next:" names the backend's commands
    q.mode = health::Mode::Full;
    if (!m_followLatest)
        q.date = toDate(m_date->date());
    m_refresh->setEnabled(false);
    m_meta->setText(tr("Loading %1 …").arg(m_dbPath));
    qCInfo(lcHealth) << "loading health from" << m_dbPath;
    const std::string path = ss(m_dbPath);
    m_jobs.run<HealthSnapshot>(
        [path, q] {
            auto db = store::Database::open(path, store::Database::Mode::ReadOnly);
            const auto& reg = registry::Registry::builtin();
            const auto now = std::chrono::system_clock::now();
            HealthSnapshot snap;
            snap.report = health::check(db, reg, pipeline::Runner::implementedProcessors(), q, now);
            try {
                snap.slas = health::slaReport(db, reg, health::loadSlas(path, reg), std::nullopt, now);
            } catch (const UsageError& e) {
                snap.slaError = e.what(); // a mistake in slas.json: said on the tab, the rest still shows
            }
            // The scorecard reuses the SLA report; a file that did not load is measured (and named) again.
            snap.readiness = readiness::score({db, reg, pipeline::Runner::implementedProcessors(), path, now,
                                               snap.slaError.empty() ? &snap.slas : nullptr});
            return snap;
        },
        [this](const HealthSnapshot& snap) { showReport(snap); },
        [this](const QString& msg) { showError(msg); });
}

void HealthPage::showReport(const HealthSnapshot& snap)
{
    m_snapshot = snap;
    const health::Report& r = snap.report;
    m_report = r;
    m_refresh->setEnabled(true);
    m_banner->setVisible(r.empty);
    if (r.empty)
        m_banner->setText(tr("The run history is empty: %1.").arg(qs(m_backend->commands().firstRun)));
    const StateStyle s = styleFor(r.overall);
    m_overall->setText(s.label.toUpper());
    m_overall->setStyleSheet(QStringLiteral("QLabel#overallBadge { background: %1; color: %2; border: 1px solid %3;"
                                            " border-radius: 10px; padding: 3px 14px; font-weight: bold; }")
                                 .arg(s.background.name(), s.foreground.name(), s.border.name()));
    {
        const QSignalBlocker block(m_date);
        m_date->setDate(isoToQDate(r.date));
    }
    m_meta->setText(tr("Exit code %1 for cron · checked in %2 ms · generated %3 · counts over %4 days")
                        .arg(r.exitCode)
                        .arg(r.elapsedMs, 0, 'f', 1)
                        .arg(qs(formatEastern(*parseIsoUtc(r.generatedAt))))
                        .arg(r.windowDays));
    for (const auto& p : r.phases) {
        if (p.phase >= 1 && p.phase <= 6)
            m_tiles[size_t(p.phase - 1)]->setHealth(p, r.windowDays);
    }
    std::vector<health::FailureItem> roots;
    for (const auto& f : r.failures) {
        if (f.rootCause)
            roots.push_back(f);
    }
    m_failures->resetData(roots);
    m_failuresView->resizeColumnsToContents();
    if (m_date->hasFocus())
        m_failuresView->setFocus(); // the date field keeps no selection highlight after loading
    if (!roots.empty())
        m_failuresView->selectRow(0);
    else
        m_failureDetail->setText(tr("No real failures in the last %1 days.").arg(r.windowDays));
    m_freshness->resetData(r.freshness);
    m_freshnessView->resizeColumnsToContents();
    m_days->resetData(r.recentDays);
    int open = 0;
    for (const auto& f : r.failures)
        open += f.resolved ? 0 : 1;
    m_noData->setText(tr("%1 failed runs: %2 open, %3 resolved by a later run; %4 root cause(s) listed, the "
                         "runs they blocked counted · %5 expected no-data runs (no games scheduled) collapsed")
                          .arg(r.failures.size()).arg(open).arg(int(r.failures.size()) - open)
                          .arg(roots.size()).arg(r.expectedNoData));
    showNextSteps(r);
    showGapsAndChecks(r);
    showSlas(snap);
    showReadiness(snap.readiness);
    Q_EMIT statusMessage(tr("Health for %1: %2").arg(qs(r.date), s.label));
    Q_EMIT loaded();
}

// One row per "Next:" line: the line, and beside it the button that does it, its tooltip naming
// the command that does the same from a terminal.
void HealthPage::showNextSteps(const health::Report& r)
{
    auto* layout = static_cast<QVBoxLayout*>(m_next->layout());
    while (auto* item = layout->takeAt(0)) {
        if (auto* w = item->widget())
            w->deleteLater();
        delete item;
    }
    const auto addLine = [&](const QString& text) {
        auto* label = new QLabel(text, m_next);
        label->setObjectName(QStringLiteral("nextStepText"));
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
        return label;
    };
    if (r.next.empty()) {
        layout->addWidget(addLine(tr("Nothing to do: the pipeline is healthy.")));
        return;
    }
    using A = health::NextStep::Action;
    for (size_t i = 0; i < r.next.size(); ++i) {
        const auto& n = r.next[i];
        auto* row = new QWidget(m_next);
        auto* h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        h->addWidget(addLine(tr("Next: ") + qs(n.text)), 1);
        QString label;
        switch (n.action) {
        case A::None: break;
        case A::Retry: label = tr("Retry %1 on %2…").arg(qs(n.processor), qs(n.date)); break;
        case A::Rerun: label = tr("Rerun %1…").arg(qs(n.date)); break;
        case A::FillGaps: label = tr("Plan a backfill of the gaps…"); break;
        case A::OpenAlerts: label = tr("Open the alerts (%1)").arg(qs(n.filter)); break;
        }
        if (!label.isEmpty()) {
            auto* b = new QPushButton(label, row);
            b->setObjectName(QStringLiteral("nextStepAction"));
            const QString why = n.action == A::Retry || n.action == A::Rerun
                                    ? tr("Asks first: it changes the date's data.")
                                    : n.action == A::FillGaps ? tr("Nothing runs until you press Start there.")
                                                              : QString();
            b->setToolTip((n.command.empty() ? QString() : tr("The same from a terminal: %1").arg(qs(n.command))) +
                          (why.isEmpty() ? QString() : QStringLiteral("\n") + why));
            connect(b, &QPushButton::clicked, this, [this, i] { triggerNextStep(int(i)); });
            h->addWidget(b);
        }
        layout->addWidget(row);
    }
}

bool HealthPage::triggerNextStep(int index)
{
    if (!m_report || index < 0 || size_t(index) >= m_report->next.size())
        return false;
    const auto& n = m_report->next[size_t(index)];
    using A = health::NextStep::Action;
    switch (n.action) {
    case A::None:
        return false;
    case A::Retry:
    case A::Rerun: {
        const QString what = n.action == A::Retry ? tr("Run %1 for %2 again?").arg(qs(n.processor), qs(n.date))
                                                  : tr("Run %1 again?").arg(qs(n.date));
        const QString question =
            what + QStringLiteral("\n\n") +
            tr("What failed, or whose inputs changed, runs again and its rows for the date are replaced; "
               "what succeeded is kept. The Pipeline page shows the run.") +
            QStringLiteral("\n\n") + tr("The same from a terminal:\n%1").arg(qs(n.command));
        if (!m_confirm(question))
            return false;
        Q_EMIT rerunRequested(isoToQDate(n.date), n.action == A::Retry ? qs(n.processor) : QString());
        return true;
    }
    case A::FillGaps:
        Q_EMIT fillGapsRequested(m_gapFrom, m_gapTo); // the gaps tab's span (showGapsAndChecks)
        return true;
    case A::OpenAlerts:
        Q_EMIT openAlertsRequested(qs(n.filter));
        return true;
    }
    return false;
}

void HealthPage::showFailureDetail(int row)
{
    if (row < 0 || row >= int(m_failures->rows().size()))
        return;
    const auto& f = m_failures->rows()[size_t(row)];
    QString blocked = f.blocked > 0 ? tr(" · blocked %n downstream run(s)", nullptr, f.blocked) : QString();
    if (!f.jointWith.empty()) {
        QStringList others;
        for (const auto& j : f.jointWith)
            others << QString::fromStdString(j);
        blocked += tr(" together with %1 (its fallback failed too)").arg(others.join(QStringLiteral(", ")));
    }
    m_failureDetail->setText(tr("<b>%1</b> · %2 · %3%4%5<br>%6<br><span style='color:%9'>run %7, attempt %8</span>")
                                 .arg(qs(f.processor), qs(f.gameDate), qs(f.category),
                                      f.resolved ? tr(" (resolved by a later run)") : QString(), blocked,
                                      qs(f.error).toHtmlEscaped(), qs(f.runId))
                                 .arg(f.attempt)
                                 .arg(theme().muted.name()));
}

void HealthPage::showError(const QString& message)
{
    m_refresh->setEnabled(true);
    m_banner->setText(message);
    m_banner->setVisible(true);
    m_meta->setText(tr("Could not load the health check."));
    qCWarning(lcHealth) << message;
    Q_EMIT failed(message);
}

} // namespace nbaops::ui
