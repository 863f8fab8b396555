#include "healthpage.h"

#include "common/logging.h"
#include "common/qtconv.h"
#include "common/statestyle.h"
#include "common/texttable.h"
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
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace nbaops::ui {


HealthPage::HealthPage(QString dbPath, QWidget* parent)
    : Page(parent), m_dbPath(std::move(dbPath)), m_date(new QDateEdit(this)),
      m_latest(new QPushButton(tr("Latest"), this)), m_refresh(new QPushButton(tr("Refresh"), this)),
      m_overall(new QLabel(this)), m_meta(new QLabel(this)), m_banner(new QLabel(this)),
      m_failures(new FailuresModel(this)), m_freshness(new FreshnessModel(this)),
      m_days(new RecentDaysModel(this)), m_noData(new QLabel(this)), m_next(new QLabel(this))
{
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(16, 12, 16, 12);
    root->setSpacing(10);

    auto* header = new QHBoxLayout;
    header->addWidget(makeHeading(tr("Morning health check"), this));
    header->addSpacing(12);
    m_overall->setObjectName(QStringLiteral("overallBadge"));
    m_overall->setMinimumWidth(110);
    m_overall->setAlignment(Qt::AlignCenter);
    header->addWidget(m_overall);
    header->addStretch();
    header->addWidget(new QLabel(tr("Game date"), this));
    m_date->setCalendarPopup(true);
    m_date->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    header->addWidget(m_date);
    header->addWidget(m_latest);
    header->addWidget(m_refresh);
    root->addLayout(header);

    m_meta->setObjectName(QStringLiteral("meta"));
    m_meta->setStyleSheet(QStringLiteral("color: #5f6368;"));
    root->addWidget(m_meta);
    m_banner->setWordWrap(true);
    m_banner->setVisible(false);
    m_banner->setStyleSheet(QStringLiteral("background: #fce8e6; color: #a50e0e; border: 1px solid #d93025;"
                                           " border-radius: 4px; padding: 8px;"));
    root->addWidget(m_banner);

    auto* tiles = new QHBoxLayout;
    tiles->setSpacing(8);
    for (int i = 0; i < 6; ++i) {
        m_tiles[size_t(i)] = new PhaseTile(i + 1, this);
        tiles->addWidget(m_tiles[size_t(i)]);
    }
    root->addLayout(tiles);

    auto* split = new QSplitter(Qt::Horizontal, this);
    auto* failBox = new QGroupBox(tr("Real failures"), split);
    auto* fl = new QVBoxLayout(failBox);
    m_failuresView = makeTable(m_failures, failBox);
    m_failuresView->setObjectName(QStringLiteral("failuresView"));
    m_failuresView->horizontalHeader()->setStretchLastSection(true);
    m_failuresView->setTextElideMode(Qt::ElideRight);
    fl->addWidget(m_failuresView, 1);
    m_failureDetail = makeDetailPane(QStringLiteral("failureDetail"), failBox);
    m_failureDetail->setMinimumHeight(64);
    fl->addWidget(m_failureDetail);
    connect(m_failuresView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& cur) { showFailureDetail(cur.row()); });
    m_noData->setStyleSheet(QStringLiteral("color: #5f6368;"));
    m_noData->setWordWrap(true);
    fl->addWidget(m_noData);

    m_tabs = new QTabWidget(split);
    m_tabs->setObjectName(QStringLiteral("healthTabs"));
    m_daysView = makeTable(m_days, m_tabs);
    m_daysView->setObjectName(QStringLiteral("recentDaysView"));
    m_daysView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_daysView->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_daysView->setSelectionMode(QAbstractItemView::NoSelection);
    m_daysView->setToolTip(tr("Double-click a day to check it"));
    connect(m_daysView, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const auto* day = m_days->rows().size() > size_t(index.row()) ? &m_days->rows()[size_t(index.row())] : nullptr;
        if (day)
            m_date->setDate(isoToQDate(day->date)); // triggers a refresh
    });
    m_freshnessView = makeTable(m_freshness, m_tabs);
    m_freshnessView->setObjectName(QStringLiteral("freshnessView"));
    m_freshnessView->horizontalHeader()->setStretchLastSection(true);

    m_checkModel = new TextTableModel({tr("Check"), tr("State"), tr("What it found")}, this);
    auto* checks = makeTable(m_checkModel, m_tabs);
    checks->setObjectName(QStringLiteral("checksView"));
    checks->setWordWrap(true);
    checks->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    checks->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);

    // A table with a pane below it for the selected row's details.
    const auto withDetail = [this](TextTableModel* model, const QString& name, QLabel*& detail, void (HealthPage::*show)(int)) {
        auto* box = new QWidget(m_tabs);
        auto* l = new QVBoxLayout(box);
        auto* view = makeTable(model, box);
        view->setObjectName(name + QStringLiteral("View"));
        view->setSelectionMode(QAbstractItemView::SingleSelection);
        view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        detail = makeDetailPane(name + QStringLiteral("Detail"), box);
        l->addWidget(view, 1);
        l->addWidget(detail, 1);
        connect(view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
                [this, show](const QModelIndex& cur) { (this->*show)(cur.row()); });
        return std::pair{box, view};
    };
    m_slaModel = new TextTableModel({tr("SLA"), tr("State"), tr("7 days"), tr("30 days"), tr("Objective"), tr("Last miss")}, this);
    const auto [slaBox, slaView] = withDetail(m_slaModel, QStringLiteral("sla"), m_slaDetail, &HealthPage::showSlaDetail);
    slaView->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_gapModel = new TextTableModel({tr("Game date"), tr("Processor"), tr("Phase"), tr("Status"), tr("Blocks"),
                                     tr("Leaves stale")},
                                    this);
    const auto [gapBox, gapView] = withDetail(m_gapModel, QStringLiteral("gap"), m_gapDetail, &HealthPage::showGapDetail);
    gapView->horizontalHeader()->setSectionResizeMode(5, QHeaderView::Stretch);

    auto* readyBox = new QWidget(m_tabs);
    auto* rdl = new QVBoxLayout(readyBox);
    m_readinessTotal = new QLabel(readyBox);
    m_readinessTotal->setObjectName(QStringLiteral("readinessTotal"));
    m_readinessTotal->setWordWrap(true);
    m_readinessModel = new TextTableModel({tr("Item"), tr("Points"), tr("Basis"), tr("Evidence")}, this);
    auto* ready = makeTable(m_readinessModel, readyBox);
    ready->setObjectName(QStringLiteral("readinessView"));
    ready->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    ready->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Interactive);
    ready->horizontalHeader()->resizeSection(0, 250);
    ready->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    rdl->addWidget(m_readinessTotal);
    rdl->addWidget(ready, 1);

    m_tabs->addTab(m_daysView, tr("Last seven days"));
    m_tabs->addTab(m_freshnessView, tr("Freshness"));
    m_tabs->addTab(checks, tr("Checks"));
    m_tabs->addTab(slaBox, tr("SLAs"));
    m_tabs->addTab(gapBox, tr("Gaps"));
    m_tabs->addTab(readyBox, tr("Readiness"));
    split->addWidget(failBox);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setSizes({620, 620});
    root->addWidget(split, 1);

    m_next->setWordWrap(true);
    m_next->setTextInteractionFlags(Qt::TextSelectableByMouse);
    root->addWidget(m_next);

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
    health::Query q;
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
        m_banner->setText(tr("The run history is empty. Run the pipeline (nbaops run --date YYYY-MM-DD) "
                             "or build the demo (nbaops demo --db %1).").arg(m_dbPath));
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
    QStringList next;
    for (const auto& n : r.nextSteps)
        next << qs(n);
    m_next->setText(next.isEmpty() ? tr("Nothing to do: the pipeline is healthy.")
                                   : tr("Next: ") + next.join(QStringLiteral("\nNext: ")));
    showGapsAndChecks(r);
    showSlas(snap);
    showReadiness(snap.readiness);
    Q_EMIT statusMessage(tr("Health for %1: %2").arg(qs(r.date), s.label));
    Q_EMIT loaded();
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
    m_failureDetail->setText(tr("<b>%1</b> · %2 · %3%4%5<br>%6<br><span style='color:#5f6368'>run %7, attempt %8</span>")
                                 .arg(qs(f.processor), qs(f.gameDate), qs(f.category),
                                      f.resolved ? tr(" (resolved by a later run)") : QString(), blocked,
                                      qs(f.error).toHtmlEscaped(), qs(f.runId))
                                 .arg(f.attempt));
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
