// The Health page's tabs beyond the last seven days and freshness: the checks, the SLAs with
// their compliance, the gaps with what they leave stale, and the readiness scorecard.
#include "healthpage.h"

#include "common/statestyle.h"
#include "common/theme.h"

#include "common/qtconv.h"
#include "common/texttable.h"
#include "common/widgets.h"
#include "healthmodels.h"
#include "util/text.h"

#include <QDateEdit>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QTabWidget>
#include <QTableView>
#include <QPushButton>
#include <QVBoxLayout>

namespace nbaops::ui {

namespace {

// Row tints: a state's ground, in the scheme in use.
QColor greenRow() { return styleFor(health::State::Healthy).background; }
QColor yellowRow() { return styleFor(health::State::Degraded).background; }
QColor redRow() { return styleFor(health::State::Failed).background; }

QColor stateColour(const std::string& state)
{
    if (state == "ok" || state == "met")
        return greenRow();
    if (state == "warning" || state == "at_risk")
        return yellowRow();
    if (state == "failed" || state == "breached")
        return redRow();
    return {};
}

QString compliance(const health::SlaCompliance& c)
{
    if (!c.rate)
        return QObject::tr("no decided day");
    return QObject::tr("%1 (%2/%3)").arg(qs(percentText(*c.rate))).arg(c.met).arg(c.met + c.missed);
}

QString stateText(const std::string& state)
{
    QString s = qs(state);
    s.replace(QLatin1Char('_'), QLatin1Char(' '));
    return s;
}

} // namespace

void HealthPage::showGapsAndChecks(const health::Report& r)
{
    std::vector<QStringList> rows;
    std::vector<QColor> colours;
    int notOk = 0;
    for (const auto& c : r.checks) {
        QString found = qs(c.summary);
        for (size_t i = 0; i < c.items.size() && i < 3; ++i)
            found += QStringLiteral("\n  · ") + qs(c.items[i]);
        if (c.items.size() > 3)
            found += tr("\n  · and %1 more").arg(c.items.size() - 3);
        rows.push_back({qs(c.name), stateText(c.state), found});
        colours.push_back(stateColour(c.state));
        notOk += c.state == "warning" || c.state == "failed";
    }
    m_checkModel->reset(std::move(rows), std::move(colours));
    m_tabs->setTabText(2, notOk ? tr("Checks (%1 not ok)").arg(notOk) : tr("Checks"));

    rows.clear();
    for (const auto& g : r.gaps) {
        rows.push_back({qs(g.date), qs(g.processor), QString::number(g.phase), qs(g.status),
                        g.blocked.empty() ? tr("nothing (a fallback served)") : tr("%n processor(s)", nullptr, int(g.blocked.size())),
                        g.stale.empty() ? tr("-")
                                        : qs(g.stale.front()) + (g.stale.size() > 1 ? tr(" and %1 more").arg(g.stale.size() - 1)
                                                                                  : QString())});
    }
    m_gapModel->reset(std::move(rows), std::vector<QColor>(r.gaps.size(), redRow()));
    m_gapFrom = {};
    m_gapTo = {};
    for (const auto& g : r.gaps) {
        const QDate d = isoToQDate(g.date);
        m_gapFrom = m_gapFrom.isValid() ? std::min(m_gapFrom, d) : d;
        m_gapTo = m_gapTo.isValid() ? std::max(m_gapTo, d) : d;
    }
    m_fillGaps->setEnabled(!r.gaps.empty());
    m_tabs->setTabText(4, r.gaps.empty() ? tr("Gaps") : tr("Gaps (%1)").arg(r.gaps.size()));
    if (r.gaps.empty())
        m_gapDetail->setText(tr("No gap: every processor has a success for each date with final games in the last %1 days.")
                                 .arg(r.windowDays));
    else
        showGapDetail(0);
}

void HealthPage::showGapDetail(int row)
{
    if (!m_report || row < 0 || row >= int(m_report->gaps.size()))
        return;
    const auto& g = m_report->gaps[size_t(row)];
    QStringList blocked, stale;
    for (const auto& b : g.blocked)
        blocked << qs(b);
    for (const auto& t : g.stale)
        stale << qs(t);
    m_gapDetail->setText(tr("<b>%1</b> has no successful run for %2 (%3).<br><br><b>Cannot run for the date:</b> %4"
                            "<br><br><b>Left stale:</b><br>%5<br><br>Fill it: <tt>%6</tt>")
                             .arg(qs(g.processor), qs(g.date), qs(g.status),
                                  blocked.isEmpty() ? tr("nothing: a fallback served the date") : blocked.join(QStringLiteral(", ")),
                                  stale.isEmpty() ? tr("no table") : stale.join(QStringLiteral("<br>")),
                                  qs(m_backend->commands().rerunOf(g.date, g.processor)).toHtmlEscaped()));
}

void HealthPage::showSlas(const HealthSnapshot& snap)
{
    std::vector<QStringList> rows;
    std::vector<QColor> colours;
    int bad = 0;
    for (const auto& s : snap.slas.slas) {
        QString lastMiss = tr("none");
        for (auto it = s.days.rbegin(); it != s.days.rend(); ++it) {
            if (it->state == "missed") {
                lastMiss = qs(it->date);
                break;
            }
        }
        rows.push_back({qs(s.def.name), stateText(s.state), compliance(s.last7), compliance(s.last30),
                        qs(percentText(s.def.objective)), lastMiss});
        colours.push_back(stateColour(s.state));
        bad += s.state == "breached" || s.state == "at_risk";
    }
    m_slaModel->reset(std::move(rows), std::move(colours));
    m_tabs->setTabText(3, bad ? tr("SLAs (%1 not met)").arg(bad) : tr("SLAs"));
    if (!snap.slaError.empty())
        m_slaDetail->setText(tr("The SLAs could not be read: %1").arg(qs(snap.slaError)));
    else if (snap.slas.slas.empty() || snap.slas.until.empty())
        m_slaDetail->setText(tr("No final games yet: the SLAs have nothing to measure."));
    else
        showSlaDetail(0);
}

void HealthPage::showSlaDetail(int row)
{
    if (!m_snapshot || row < 0 || row >= int(m_snapshot->slas.slas.size()))
        return;
    const auto& s = m_snapshot->slas.slas[size_t(row)];
    QString text = tr("<b>%1</b> — %2<br>%3").arg(qs(s.def.name).toHtmlEscaped(), qs(s.def.description).toHtmlEscaped(),
                                                  qs(s.summary).toHtmlEscaped());
    QStringList misses;
    for (auto it = s.days.rbegin(); it != s.days.rend() && misses.size() < 6; ++it) {
        if (it->state != "met")
            misses << tr("%1 %2: %3").arg(qs(it->date), qs(it->state), qs(it->detail).toHtmlEscaped());
    }
    text += misses.isEmpty() ? tr("<br>Every decided day in the last 30 met it.")
                             : tr("<br><br>Days not met:<br>") + misses.join(QStringLiteral("<br>"));
    m_slaDetail->setText(text);
}

void HealthPage::showReadiness(const readiness::Scorecard& s)
{
    std::vector<QStringList> rows;
    std::vector<QColor> colours;
    for (const auto& c : s.categories) {
        rows.push_back({tr("%1 (weight %2%)").arg(qs(c.name)).arg(c.weight),
                        QString::number(c.score, 'f', 0) + QStringLiteral("/100"), QString(),
                        tr("%1 points of the total").arg(c.score * c.weight / 100, 0, 'f', 1)});
        colours.push_back(theme().rowNeutral);
        for (const auto& i : c.items) {
            rows.push_back({QStringLiteral("    ") + qs(i.name),
                            QString::number(i.points, 'f', 1) + QLatin1Char('/') + QString::number(i.max, 'f', 0),
                            i.measured ? tr("measured") : tr("not measured"), qs(i.evidence)});
            colours.push_back(!i.measured ? QColor() : i.points >= i.max ? greenRow() : i.points > 0 ? yellowRow() : redRow());
        }
    }
    m_readinessModel->reset(std::move(rows), std::move(colours));
    m_readinessTotal->setText(tr("<b>Production readiness: %1 / 100 — %2</b> (go at %3). %4 items measured from the "
                                 "database, the rules and the disk; %5 have no fact in this build yet and score 0.")
                                  .arg(s.total, 0, 'f', 1)
                                  .arg(s.go() ? tr("GO") : tr("NO-GO"))
                                  .arg(s.threshold)
                                  .arg(s.measured)
                                  .arg(s.unmeasured));
    m_tabs->setTabText(5, tr("Readiness %1").arg(s.total, 0, 'f', 0));
    m_tabs->setTabToolTip(5, tr("The production-readiness score, out of 100, from measured facts: %1 and up is go")
                                 .arg(s.threshold));
}

// The tabs beside the failures: the last seven days, freshness, checks, SLAs, gaps, readiness.
void HealthPage::buildTabs(QWidget* parent)
{
    m_tabs = new QTabWidget(parent);
    m_tabs->setObjectName(QStringLiteral("healthTabs"));
    m_daysView = makeTable(m_days, m_tabs, tr("Last seven days"));
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
    m_freshnessView = makeTable(m_freshness, m_tabs, tr("Freshness"));
    m_freshnessView->setObjectName(QStringLiteral("freshnessView"));
    m_freshnessView->horizontalHeader()->setStretchLastSection(true);

    m_checkModel = new TextTableModel({tr("Check"), tr("State"), tr("What it found")}, this);
    auto* checks = makeTable(m_checkModel, m_tabs, tr("Checks"));
    checks->setObjectName(QStringLiteral("checksView"));
    checks->setWordWrap(true);
    checks->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    checks->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);

    // A table with a pane below it for the selected row's details.
    const auto withDetail = [this](TextTableModel* model, const QString& name, const QString& title, QLabel*& detail,
                                   void (HealthPage::*show)(int)) {
        auto* box = new QWidget(m_tabs);
        auto* l = new QVBoxLayout(box);
        auto* view = makeTable(model, box, title);
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
    const auto [slaBox, slaView] = withDetail(m_slaModel, QStringLiteral("sla"), tr("SLAs"), m_slaDetail, &HealthPage::showSlaDetail);
    slaView->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_gapModel = new TextTableModel({tr("Game date"), tr("Processor"), tr("Phase"), tr("Status"), tr("Blocks"),
                                     tr("Leaves stale")},
                                    this);
    const auto [gapBox, gapView] = withDetail(m_gapModel, QStringLiteral("gap"), tr("Gaps"), m_gapDetail, &HealthPage::showGapDetail);
    gapView->horizontalHeader()->setSectionResizeMode(5, QHeaderView::Stretch);
    m_fillGaps = new QPushButton(tr("Fill these gaps in a backfill…"), gapBox);
    m_fillGaps->setObjectName(QStringLiteral("fillGapsButton"));
    m_fillGaps->setToolTip(tr("Plans a backfill of every gap listed here on the Backfill page (nothing starts until you press Start)"));
    m_fillGaps->setEnabled(false);
    static_cast<QVBoxLayout*>(gapBox->layout())->insertWidget(0, m_fillGaps, 0, Qt::AlignLeft);
    QWidget::setTabOrder(m_fillGaps, gapView); // above the table, so before it
    connect(m_fillGaps, &QPushButton::clicked, this, [this] { Q_EMIT fillGapsRequested(m_gapFrom, m_gapTo); });

    auto* readyBox = new QWidget(m_tabs);
    auto* rdl = new QVBoxLayout(readyBox);
    m_readinessTotal = new QLabel(readyBox);
    m_readinessTotal->setObjectName(QStringLiteral("readinessTotal"));
    m_readinessTotal->setWordWrap(true);
    m_readinessModel = new TextTableModel({tr("Item"), tr("Points"), tr("Basis"), tr("Evidence")}, this);
    m_readinessModel->setHeaderToolTips({QString(), tr("Points earned of the item's most (a category: its score out of 100)")});
    auto* ready = makeTable(m_readinessModel, readyBox, tr("Readiness"));
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
}

} // namespace nbaops::ui
