// The Alerts page: firing and pending alerts with what to do, history, notifications and
// silences, and the operator's actions, written off the GUI thread.
#include "alertspage.h"

#include "jobs/alertcycle.h"
#include "common/logging.h"
#include "alerts/rules.h"
#include "common/qtconv.h"
#include "common/theme.h"
#include "common/widgets.h"
#include "store/database.h"
#include "util/files.h"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>


namespace nbaops::ui {

namespace {

// The change's sentence, with what went wrong when the backend could not share it.
QString sharedText(const BackendPtr& backend, QString said, const std::string& action, const std::string& detail)
{
    if (const auto why = backend->share(action, detail); !why.empty())
        said += QStringLiteral(" ") + QObject::tr("It is not in the cloud's audit table: %1").arg(qs(why));
    return said;
}

QString who()
{
    const std::string name = currentUserName();
    return name.empty() ? QStringLiteral("operator") : qs(name);
}

QString labelsText(const alerts::Labels& labels)
{
    QStringList parts;
    for (const auto& [k, v] : labels)
        parts << qs(k) + QLatin1Char('=') + qs(v);
    return parts.join(QStringLiteral(", "));
}

QColor severityColour(const std::string& state, const std::string& severity)
{
    if (state == "resolved")
        return {};
    if (state == "pending")
        return theme().rowYellow;
    return severity == "P0" || severity == "P1" ? theme().rowRed : theme().rowAmber;
}

QString shortIso(const std::string& iso)
{
    return iso.empty() ? QString() : qs(iso.substr(0, 16)).replace(QLatin1Char('T'), QLatin1Char(' ')) + QStringLiteral(" UTC");
}

} // namespace

AlertsPage::AlertsPage(QString dbPath, QWidget* parent, BackendPtr backend)
    : Page(parent), m_dbPath(std::move(dbPath)), m_backend(backendOr(std::move(backend), m_dbPath))
{
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(16, 12, 16, 12);
    root->addWidget(makeHeading(tr("Alerts"), this));
    m_summary = makeSubtitle(tr("Loading..."), this);
    m_summary->setObjectName(QStringLiteral("alertsSummary"));
    root->addWidget(m_summary);
    m_receivers = makeSubtitle(QString(), this);
    m_receivers->setObjectName(QStringLiteral("alertsReceivers"));
    root->addWidget(m_receivers);

    auto* bar = new QHBoxLayout;
    m_evaluate = new QPushButton(tr("Evaluate now"), this);
    m_evaluate->setToolTip(tr("Measure every rule now, update the alerts and send what is due (the page does it every minute)"));
    m_ack = new QPushButton(tr("Acknowledge..."), this);
    m_ack->setToolTip(tr("No more repeats for the selected alert; its resolution is still sent"));
    m_silence = new QPushButton(tr("Silence..."), this);
    m_silence->setToolTip(tr("Hold back the notifications of matching alerts for a while"));
    m_unsilence = new QPushButton(tr("End silence"), this);
    m_unsilence->setToolTip(tr("End the selected silence now (Silences tab)"));
    for (auto* b : {m_evaluate, m_ack, m_silence, m_unsilence})
        bar->addWidget(b);
    bar->addStretch(1);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("alertsFilter"));
    m_filter->setAccessibleName(tr("Filter the alerts"));
    m_filter->setPlaceholderText(tr("Filter: rule, processor, text…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Shows the firing and pending alerts whose rule, summary or labels contain this text"));
    m_filter->setMinimumWidth(260);
    bar->addWidget(m_filter);
    root->addLayout(bar);

    m_tabs = new QTabWidget(this);
    m_open = new TextTableModel({tr("Id"), tr("Severity"), tr("State"), tr("Rule"), tr("Summary"), tr("Since"),
                                 tr("Notified"), tr("Handled")},
                                this);
    m_open->setHeaderToolTips({tr("The alert's number: nbaops alerts ack ID"),
                               tr("P0 (page at once) to P3 (for the morning), from the rule")});
    m_events = new TextTableModel({tr("At"), tr("Severity"), tr("Rule"), tr("Change"), tr("Summary"), tr("Labels")}, this);
    m_notes = new TextTableModel({tr("Created"), tr("Receiver"), tr("Kind"), tr("Severity"), tr("Status"), tr("Subject"),
                                  tr("Attempts"), tr("Why / last error")},
                                 this);
    m_silences = new TextTableModel({tr("Id"), tr("State"), tr("Matchers"), tr("By"), tr("Comment"), tr("Until"),
                                     tr("Held back")},
                                    this);
    m_openView = makeTable(m_open, this, tr("Firing and pending alerts"));
    m_openView->setObjectName(QStringLiteral("openAlerts"));
    auto* events = makeTable(m_events, this, tr("Alert history"));
    auto* notes = makeTable(m_notes, this, tr("Notifications"));
    m_silenceView = makeTable(m_silences, this, tr("Silences"));
    m_silenceView->setObjectName(QStringLiteral("silences"));
    for (auto* v : {m_openView, events, notes, m_silenceView}) {
        v->setSelectionMode(QAbstractItemView::SingleSelection);
        v->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    }
    m_openView->horizontalHeader()->setSectionResizeMode(4, QHeaderView::Stretch);
    events->horizontalHeader()->setSectionResizeMode(4, QHeaderView::Stretch);
    notes->horizontalHeader()->setSectionResizeMode(5, QHeaderView::Stretch);
    m_silenceView->horizontalHeader()->setSectionResizeMode(4, QHeaderView::Stretch);
    m_tabs->addTab(m_openView, tr("Firing and pending"));
    m_tabs->addTab(events, tr("History"));
    m_tabs->addTab(notes, tr("Notifications"));
    m_tabs->addTab(m_silenceView, tr("Silences"));
    root->addWidget(m_tabs, 1);
    m_detail = new QLabel(tr("Select an alert to see what it measured and what to do."), this);
    m_detail->setObjectName(QStringLiteral("alertDetail"));
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setStyleSheet(QStringLiteral("QLabel#alertDetail { background: %1; border: 1px solid %2;"
                                           " padding: 8px; }").arg(theme().card.name(), theme().cardBorder.name()));
    root->addWidget(m_detail);
    connect(m_openView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& cur) { showDetail(cur.row()); });

    connect(m_filter, &QLineEdit::textChanged, this, &AlertsPage::applyFilter);
    connect(m_evaluate, &QPushButton::clicked, this, &AlertsPage::evaluateNow);
    connect(m_ack, &QPushButton::clicked, this, &AlertsPage::acknowledgeDialog);
    connect(m_silence, &QPushButton::clicked, this, &AlertsPage::openSilenceDialog);
    connect(m_unsilence, &QPushButton::clicked, this, &AlertsPage::endSelectedSilence);
    m_timer = new QTimer(this);
    m_timer->setInterval(60 * 1000);
    connect(m_timer, &QTimer::timeout, this, [this] { load(true); });
}

void AlertsPage::refresh()
{
    load(!m_evaluated);
    m_evaluated = true;
    m_timer->start();
}

void AlertsPage::evaluateNow() { load(true); }

void AlertsPage::load(bool evaluate)
{
    m_evaluate->setEnabled(false);
    const std::string path = ss(m_dbPath);
    m_jobs.run<AlertsSnapshot>(
        [path, evaluate] {
            AlertsSnapshot s;
            // Read-only first: a missing database is reported, never created here.
            store::Database::open(path, store::Database::Mode::ReadOnly);
            auto db = store::Database::open(path);
            const auto now = std::chrono::system_clock::now();
            if (evaluate)
                s.cycle = jobs::runAlertCycle(db, {path, now});
            const auto cfg = alerts::loadConfig(path);
            s.rulesOrigin = cfg.origin;
            for (const auto& [name, r] : cfg.receivers)
                s.receivers.push_back(name + ": " + r.type + (r.configured() ? "" : " (not configured: " + r.unconfigured + ")"));
            s.open = alerts::listAlerts(db, cfg, now, true);
            s.events = alerts::alertHistory(db, std::nullopt, 500);
            s.notifications = alerts::notifications(db, 500);
            s.silences = alerts::silences(db, now);
            s.desktop = alerts::takeDesktopNotifications(db, cfg, now);
            return s;
        },
        [this](const AlertsSnapshot& s) { display(s); },
        [this](const QString& message) {
            m_evaluate->setEnabled(true);
            m_summary->setText(tr("The alerts could not be read: %1").arg(message));
            qCWarning(lcAlerts) << "reading the alerts failed:" << message;
            Q_EMIT failed(message);
        });
}

void AlertsPage::display(const AlertsSnapshot& s)
{
    m_evaluate->setEnabled(true);
    int firing = 0, pending = 0;
    std::vector<QStringList> rows;
    std::vector<QColor> colours;
    m_alerts.clear();
    for (const auto& a : s.open) {
        // Firing and pending first, then the last day's resolved ones.
        if (a.state == "resolved" && rows.size() >= 200)
            continue;
        firing += a.state == "firing";
        pending += a.state == "pending";
        QStringList handled;
        if (!a.ackedBy.empty())
            handled << tr("acknowledged by %1").arg(qs(a.ackedBy));
        if (a.silencedBy)
            handled << tr("silenced (#%1)").arg(*a.silencedBy);
        if (!a.inhibitedBy.empty())
            handled << tr("inhibited by %1").arg(qs(a.inhibitedBy.substr(0, a.inhibitedBy.find('{'))));
        rows.push_back({QString::number(a.id), qs(a.severity), qs(a.state), qs(a.rule), qs(a.summary),
                        shortIso(a.firedAt.empty() ? a.activeSince : a.firedAt),
                        a.notifications ? tr("%1x, last %2").arg(a.notifications).arg(shortIso(a.notifiedAt)) : tr("not yet"),
                        handled.join(QStringLiteral("; "))});
        colours.push_back(severityColour(a.state, a.severity));
        m_alerts.push_back(a);
    }
    m_open->reset(std::move(rows), std::move(colours));
    if (!m_alerts.empty()) {
        m_openView->selectRow(0);
        showDetail(0);
        applyFilter();
    } else {
        m_detail->setText(tr("Nothing is firing or pending: every rule's condition holds. The page measures them again "
                             "every minute; 'Evaluate now' does it at once."));
    }

    rows.clear();
    for (const auto& e : s.events)
        rows.push_back({shortIso(e.at), qs(e.severity), qs(e.rule),
                        (e.fromState.empty() ? QStringLiteral("-") : qs(e.fromState)) + QStringLiteral(" -> ") + qs(e.toState),
                        qs(e.summary), labelsText(e.labels)});
    m_events->reset(std::move(rows));

    rows.clear();
    colours.clear();
    for (const auto& n : s.notifications) {
        rows.push_back({shortIso(n.createdAt), qs(n.receiver), qs(n.kind), qs(n.severity), qs(n.status), qs(n.subject),
                        QString::number(n.attempts), qs(n.reason.empty() ? n.lastError : n.reason)});
        colours.push_back(n.status == "queued" && n.attempts > 0 ? theme().rowRed : QColor());
    }
    m_notes->reset(std::move(rows), std::move(colours));

    rows.clear();
    m_silenceRows = s.silences;
    for (const auto& x : s.silences)
        rows.push_back({QString::number(x.id), x.active ? tr("active") : tr("ended"), qs(x.matchersText()), qs(x.creator),
                        qs(x.comment), shortIso(x.expiredAt.empty() ? x.endsAt : x.expiredAt),
                        tr("%n notification(s)", nullptr, x.suppressed)});
    m_silences->reset(std::move(rows));

    QString summary = tr("%1 firing, %2 pending. Rules: %3.").arg(firing).arg(pending).arg(qs(s.rulesOrigin));
    if (s.cycle) {
        const auto& e = s.cycle->evaluation;
        summary += tr(" Evaluated now: %1 newly firing, %2 resolved; %3 notification(s) sent, %4 held%5.")
                       .arg(e.newlyFiring)
                       .arg(e.resolved)
                       .arg(s.cycle->delivery.sent)
                       .arg(e.held)
                       .arg(e.backfill ? tr(" (a backfill runs: only P0 is sent)") : QString());
    }
    m_summary->setText(summary);
    QStringList rc;
    for (const auto& r : s.receivers)
        rc << qs(r);
    m_receivers->setText(tr("Receivers: %1").arg(rc.join(QStringLiteral(" · "))));
    for (const auto& m : s.desktop) {
        ++m_desktopShown;
        Q_EMIT desktopNotification(qs(m.subject), qs(m.body));
    }
    if (!s.desktop.empty())
        Q_EMIT statusMessage(tr("%1 new alert notification(s): %2").arg(s.desktop.size()).arg(qs(s.desktop.back().subject)));
    Q_EMIT loaded();
}

void AlertsPage::showDetail(int row)
{
    if (row < 0 || size_t(row) >= m_alerts.size())
        return;
    const auto& a = m_alerts[size_t(row)];
    QString text = tr("<b>%1</b> (%2, %3): %4<br>Labels: %5. Measured value: %6. Active since %7.")
                       .arg(qs(a.rule), qs(a.severity), qs(a.state), qs(a.summary).toHtmlEscaped(),
                            labelsText(a.labels).toHtmlEscaped())
                       .arg(a.value)
                       .arg(shortIso(a.activeSince));
    if (!a.runbook.empty())
        text += tr("<br><b>What to do:</b> %1").arg(qs(a.runbook).toHtmlEscaped());
    if (!a.ackedBy.empty())
        text += tr("<br>Acknowledged by %1 at %2: %3").arg(qs(a.ackedBy), shortIso(a.ackedAt), qs(a.ackComment).toHtmlEscaped());
    m_detail->setText(text);
}

void AlertsPage::filterTo(const QString& text)
{
    m_tabs->setCurrentWidget(m_openView);
    m_filter->setText(text); // applyFilter follows
    applyFilter();
}

// Rows are hidden rather than filtered through a proxy, so a row's index stays its alert's.
void AlertsPage::applyFilter()
{
    const QString text = m_filter->text().trimmed();
    int shown = 0, firstShown = -1;
    for (size_t i = 0; i < m_alerts.size(); ++i) {
        const auto& a = m_alerts[i];
        bool match = text.isEmpty() || qs(a.rule).contains(text, Qt::CaseInsensitive) ||
                     qs(a.summary).contains(text, Qt::CaseInsensitive);
        for (auto it = a.labels.begin(); !match && it != a.labels.end(); ++it)
            match = qs(it->second).contains(text, Qt::CaseInsensitive);
        m_openView->setRowHidden(int(i), !match);
        if (match && firstShown < 0)
            firstShown = int(i);
        shown += match;
    }
    if (text.isEmpty())
        return;
    if (firstShown >= 0) {
        m_openView->selectRow(firstShown);
        showDetail(firstShown);
    } else {
        m_openView->clearSelection();
        m_detail->setText(tr("No firing or pending alert matches '%1'. Clear the filter to see them all.")
                              .arg(text.toHtmlEscaped()));
    }
    Q_EMIT statusMessage(tr("%n alert(s) match '%1'", nullptr, shown).arg(text));
}

std::optional<int64_t> AlertsPage::selectedAlert() const
{
    const auto rows = m_openView->selectionModel() ? m_openView->selectionModel()->selectedRows() : QModelIndexList{};
    if (rows.isEmpty() || size_t(rows.front().row()) >= m_alerts.size())
        return std::nullopt;
    return m_alerts[size_t(rows.front().row())].id;
}

void AlertsPage::write(std::function<QString(store::Database&)> change)
{
    m_writes.run<QString>(
        [path = ss(m_dbPath), change = std::move(change)] {
            auto db = store::Database::open(path);
            return change(db);
        },
        [this](const QString& message) {
            Q_EMIT statusMessage(message);
            load(false);
        },
        [this](const QString& message) {
            qCWarning(lcAlerts) << "a change to the alerts failed:" << message;
            Q_EMIT statusMessage(tr("The change was not saved: %1").arg(message));
            load(false);
        });
}

bool AlertsPage::acknowledgeSelected(const QString& by, const QString& comment)
{
    const auto id = selectedAlert();
    if (!id) {
        Q_EMIT statusMessage(tr("Select a firing or pending alert to acknowledge."));
        return false;
    }
    write([id = *id, by = ss(by), comment = ss(comment), backend = m_backend](store::Database& db) {
        alerts::acknowledge(db, id, by, comment, std::chrono::system_clock::now());
        return sharedText(backend, tr("Alert %1 acknowledged.").arg(id), "alert.ack",
                          "alert " + std::to_string(id) + " by " + by + ": " + comment);
    });
    return true;
}

QStringList AlertsPage::matchersForSelected() const
{
    const auto id = selectedAlert();
    for (const auto& a : m_alerts) {
        if (id && a.id == *id) {
            QStringList m{QStringLiteral("rule=") + qs(a.rule)};
            for (const auto& [k, v] : a.labels)
                m << qs(k) + QLatin1Char('=') + qs(v);
            return m;
        }
    }
    return {};
}

bool AlertsPage::silence(const QStringList& matchers, const QString& duration, const QString& by, const QString& comment)
{
    nlohmann::json parsed;
    std::chrono::seconds length{};
    try {
        std::vector<std::string> terms;
        for (const auto& m : matchers)
            terms.push_back(ss(m.trimmed()));
        length = alerts::parseDuration(ss(duration), "duration");
        parsed = alerts::parseMatchers(terms);
    } catch (const std::exception& e) {
        Q_EMIT statusMessage(qs(e.what()));
        return false;
    }
    write([parsed, length, duration, by = ss(by), comment = ss(comment), backend = m_backend](store::Database& db) {
        const auto id = alerts::addSilence(db, parsed, by, comment, length, std::chrono::system_clock::now());
        return sharedText(backend, tr("Silence %1 created for %2.").arg(id).arg(duration), "alert.silence",
                          "silence " + std::to_string(id) + " " + parsed.dump() + " for " + ss(duration) + " by " + by +
                              ": " + comment);
    });
    return true;
}

bool AlertsPage::endSelectedSilence()
{
    const auto rows = m_silenceView->selectionModel()->selectedRows();
    if (rows.isEmpty() || size_t(rows.front().row()) >= m_silenceRows.size()) {
        Q_EMIT statusMessage(tr("Select a silence on the Silences tab to end it."));
        return false;
    }
    write([id = m_silenceRows[size_t(rows.front().row())].id, backend = m_backend](store::Database& db) {
        alerts::expireSilence(db, id, std::chrono::system_clock::now());
        return sharedText(backend, tr("Silence %1 ended.").arg(id), "alert.unsilence", "silence " + std::to_string(id));
    });
    return true;
}

void AlertsPage::acknowledgeDialog()
{
    if (!selectedAlert()) {
        Q_EMIT statusMessage(tr("Select a firing or pending alert to acknowledge."));
        return;
    }
    bool ok = false;
    const QString comment = QInputDialog::getText(this, tr("Acknowledge"), tr("What is being done (kept in the history):"),
                                                  QLineEdit::Normal, QString(), &ok);
    if (ok)
        acknowledgeSelected(who(), comment);
}

void AlertsPage::openSilenceDialog()
{
    QDialog dlg(this);
    dlg.setWindowTitle(tr("Silence alerts"));
    auto* form = new QFormLayout(&dlg);
    auto* matchers = new QLineEdit(matchersForSelected().join(QLatin1Char(' ')), &dlg);
    matchers->setPlaceholderText(QStringLiteral("rule=run_failed processor=bdl_*"));
    auto* duration = new QComboBox(&dlg);
    duration->addItems({QStringLiteral("30m"), QStringLiteral("1h"), QStringLiteral("2h"), QStringLiteral("4h"),
                        QStringLiteral("1d")});
    duration->setCurrentIndex(2);
    duration->setEditable(true);
    auto* by = new QLineEdit(who(), &dlg);
    auto* comment = new QLineEdit(&dlg);
    comment->setPlaceholderText(tr("Why (required)"));
    form->addRow(tr("Matchers (NAME=VALUE, * ends a prefix)"), matchers);
    form->addRow(tr("For"), duration);
    form->addRow(tr("By"), by);
    form->addRow(tr("Comment"), comment);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dlg);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dlg, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dlg, &QDialog::reject);
    if (dlg.exec() == QDialog::Accepted)
        silence(matchers->text().split(QLatin1Char(' '), Qt::SkipEmptyParts), duration->currentText(), by->text(),
                comment->text());
}

} // namespace nbaops::ui
