#include "drpage.h"

#include "common/logging.h"
#include "common/qtconv.h"
#include "common/statestyle.h"
#include "common/widgets.h"
#include "dr/records.h"
#include "dr/runbook.h"
#include "drmodels.h"
#include "drrunner.h"
#include "health/facts.h"
#include "store/database.h"
#include "util/date.h"

#include <QChartView>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace nbaops::ui {

namespace {

struct DrLoaded
{
    std::vector<dr::BackupEntry> backups;
    std::vector<dr::DrillSummary> drills;
    health::facts::Backups facts;
    std::string dest;
};

QLabel* card(QWidget* parent, const QString& name)
{
    auto* l = new QLabel(parent);
    l->setObjectName(name);
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    l->setMinimumHeight(54);
    l->setMargin(8);
    l->setAutoFillBackground(true);
    return l;
}

void paint(QLabel* l, health::State s, const QString& html)
{
    const auto st = styleFor(s);
    l->setStyleSheet(
        QStringLiteral(
            "QLabel { background: %1; border: 1px solid %2; border-radius: 6px; color: %3; }")
            .arg(st.background.name(), st.border.name(), st.foreground.name()));
    l->setText(html);
}

} // namespace

DrPage::DrPage(QString dbPath, QWidget* parent)
    : Page(parent), m_dbPath(std::move(dbPath)), m_jobs(new BackupJobs(this)),
      m_drill(new DrillRunner(this)), m_backups(new BackupsModel(this)),
      m_steps(new DrillStepsModel(this)), m_history(new DrillHistoryModel(this)),
      m_audit(new AuditModel(this)), m_tick(new QTimer(this))
{
    m_program = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("nbaops"));
    m_confirm = [this](const QString& question) {
        return QMessageBox::warning(this, tr("Restore a backup"), question,
                                    QMessageBox::Yes | QMessageBox::Cancel,
                                    QMessageBox::Cancel) == QMessageBox::Yes;
    };
    auto* v = new QVBoxLayout(this);
    v->addWidget(makeHeading(tr("Disaster recovery"), this));
    v->addWidget(
        makeSubtitle(tr("Backups proven by restoring them, the runbooks, and drills that break a "
                        "copy on purpose "
                        "and measure how long recovery takes (RTO) and what it loses (RPO)."),
                     this));
    auto* cards = new QHBoxLayout;
    m_proven = card(this, QStringLiteral("provenCard"));
    m_lastDrill = card(this, QStringLiteral("drillCard"));
    m_store = card(this, QStringLiteral("storeCard"));
    for (auto* c : {m_proven, m_lastDrill, m_store})
        cards->addWidget(c, 1);
    v->addLayout(cards);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("drTabs"));
    m_tabs->addTab(buildBackupsTab(), tr("Backups"));
    m_tabs->addTab(buildDrillsTab(), tr("Drills"));
    m_tabs->addTab(buildHistoryTab(), tr("Drill history"));
    m_tabs->addTab(buildRunbooksTab(), tr("Runbooks"));
    m_tabs->addTab(buildAuditTab(), tr("Audit log"));
    v->addWidget(m_tabs, 1);
    connectJobs();
    showScenario();
    m_tick->setInterval(200);
    connect(m_tick, &QTimer::timeout, this, [this] {
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        if (m_runningStep >= 0)
            m_steps->setRunning(m_runningStep, now - double(m_stepStarted) / 1000.0);
        if (m_injectedAt > 0)
            m_clock->setText(tr("RTO clock %1").arg(qs(dr::durationText(now - m_injectedAt))));
    });
}

void DrPage::setProgram(const QString& path)
{
    m_program = path;
    showScenario();
}

void DrPage::showTab(const QString& name)
{
    static const QStringList names{QStringLiteral("backups"), QStringLiteral("drills"),
                                   QStringLiteral("history"), QStringLiteral("runbooks"),
                                   QStringLiteral("audit")};
    if (const auto i = names.indexOf(name); i >= 0)
        m_tabs->setCurrentIndex(int(i));
}

QString DrPage::backupDest() const
{
    return qs(dr::defaultBackupDir(ss(m_dbPath)).string());
}

void DrPage::connectJobs()
{
    connect(m_backupTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DrPage::showBackupDetail);
    connect(m_backUp, &QPushButton::clicked, this, &DrPage::backUpNow);
    connect(m_verify, &QPushButton::clicked, this, &DrPage::verifySelected);
    connect(m_test, &QPushButton::clicked, this, &DrPage::testRestoreSelected);
    connect(m_restore, &QPushButton::clicked, this, &DrPage::restoreSelected);
    connect(m_jobs, &BackupJobs::progress, this, [this](const QString& text, double f) {
        m_jobText->setText(text);
        m_jobProgress->setVisible(true);
        if (f >= 0)
            m_jobProgress->setValue(int(f * 100));
    });
    auto ended = [this](const QString& what, bool ok, const QString& text) {
        m_jobProgress->setVisible(false);
        for (auto* b : {m_backUp, m_verify, m_test, m_restore})
            b->setEnabled(true);
        const auto st = styleFor(ok ? health::State::Healthy : health::State::Failed);
        m_jobText->setStyleSheet(QStringLiteral("color: %1").arg(st.foreground.name()));
        m_jobText->setText(text);
        Q_EMIT statusMessage(what + QStringLiteral(": ") + text.section(QLatin1Char('\n'), 0, 0));
        Q_EMIT backupJobDone(what, ok);
        refresh();
    };
    connect(m_jobs, &BackupJobs::done, this, ended);
    connect(m_jobs, &BackupJobs::failed, this,
            [ended](const QString& what, const QString& msg) { ended(what, false, msg); });
    connectDrill();
}

void DrPage::refresh()
{
    const std::string db = ss(m_dbPath);
    m_loadJobs.run<DrLoaded>(
        [db] {
            DrLoaded l;
            const auto dest = dr::defaultBackupDir(db);
            l.dest = dest.string();
            l.backups = dr::listBackups(dest);
            auto live = store::Database::open(db);
            dr::syncBackupRecords(live, l.backups, dest);
            l.drills = dr::drillHistory(live);
            l.facts = health::facts::backups(live);
            return l;
        },
        [this](DrLoaded l) {
            m_entries = l.backups;
            const QString selected = selectedBackup();
            m_backups->resetData(l.backups);
            int row = 0;
            for (size_t i = 0; i < l.backups.size(); ++i) {
                if (qs(l.backups[i].id) == selected)
                    row = int(i);
            }
            if (!l.backups.empty())
                m_backupTable->selectRow(row);
            m_history->resetData(l.drills);
            fillCharts(l.drills);
            // The three cards: proven restorable, the last drill, the backups' folder.
            const auto& f = l.facts;
            if (f.provenId.empty()) {
                paint(m_proven, f.count ? health::State::Degraded : health::State::NotRun,
                      f.count ? tr("<b>No backup proven restorable</b><br>Select one and press "
                                   "Test-restore.")
                              : tr("<b>No backup yet</b><br>Press Back up now, then Test-restore "
                                   "(or nbaops schedule install)."));
            } else {
                const auto at = parseIsoUtc(f.provenAt);
                const double hours =
                    at ? std::chrono::duration<double>(std::chrono::system_clock::now() - *at)
                                 .count() /
                             3600
                       : 0;
                paint(m_proven,
                      !f.failedId.empty() ? health::State::Failed
                      : hours > 26        ? health::State::Degraded
                                          : health::State::Healthy,
                      tr("<b>Proven restorable: %1</b><br>made %2 h ago, restored in %3 s; RPO "
                         "target 24 h%4")
                          .arg(qs(f.provenId))
                          .arg(hours, 0, 'f', 1)
                          .arg(f.provenSeconds, 0, 'f', 1)
                          .arg(f.failedId.empty()
                                   ? QString()
                                   : tr("<br>newest backup %1 FAILED its test-restore")
                                         .arg(qs(f.failedId))));
            }
            if (l.drills.empty()) {
                paint(
                    m_lastDrill, health::State::NotRun,
                    tr("<b>No drill yet</b><br>Drills tab: break a sandbox copy and recover it."));
            } else {
                const auto& d = l.drills.front();
                paint(m_lastDrill,
                      d.state == "passed" ? health::State::Healthy : health::State::Degraded,
                      tr("<b>Last drill: %1 %2</b><br>RTO %3 (target %4), RPO %5 rows; %6 drill(s) "
                         "in all")
                          .arg(qs(d.scenario), qs(d.state), qs(dr::durationText(d.rtoSeconds)),
                               qs(dr::durationText(d.rtoTarget)))
                          .arg(d.rpoRows < 0 ? 0 : d.rpoRows)
                          .arg(l.drills.size()));
            }
            qint64 bytes = 0;
            for (const auto& b : l.backups)
                bytes += b.manifest ? b.manifest->totalBytes() : 0;
            paint(m_store, health::State::NotRun,
                  tr("<b>%1 backup(s), %2</b><br>in %3")
                      .arg(l.backups.size())
                      .arg(sizeText(bytes), qs(l.dest).toHtmlEscaped()));
            loadAudit();
            Q_EMIT loaded();
        },
        [this](const QString& msg) {
            qCWarning(lcDr) << msg;
            Q_EMIT failed(msg);
        });
}

void DrPage::loadAudit()
{
    const std::string db = ss(m_dbPath);
    const std::string action = ss(m_auditAction->currentData().toString());
    const QString text = m_auditText->text().trimmed();
    m_auditJobs.run<std::vector<AuditRow>>(
        [db, action, text] {
            std::vector<AuditRow> out;
            auto live = store::Database::open(db, store::Database::Mode::ReadOnly);
            auto st = live.prepare(
                "SELECT id, at, actor, action, detail, args, result FROM audit_log WHERE "
                "(?1 = '' OR action = ?1 OR action LIKE ?1 || '.%') AND (?2 = '' OR actor || ' ' "
                "|| detail "
                "|| ' ' || args || ' ' || result LIKE '%' || ?2 || '%') ORDER BY id DESC LIMIT "
                "2000");
            st.bindAll(action, ss(text));
            while (st.step())
                out.push_back({st.getInt(0), qs(st.getText(1)), qs(st.getText(2)),
                               qs(st.getText(3)), qs(st.getText(4)), qs(st.getText(5)),
                               qs(st.getText(6))});
            return out;
        },
        [this](const std::vector<AuditRow>& rows) { m_audit->resetData(rows); },
        [this](const QString& msg) { Q_EMIT failed(msg); });
}

QString DrPage::selectedBackup() const
{
    const auto i = m_backupTable->currentIndex();
    if (!i.isValid() || size_t(i.row()) >= m_backups->rows().size())
        return {};
    return qs(m_backups->rows()[size_t(i.row())].id);
}

void DrPage::showBackupDetail()
{
    const auto i = m_backupTable->currentIndex();
    if (!i.isValid() || size_t(i.row()) >= m_backups->rows().size()) {
        m_backupDetail->setText(tr("No backup selected."));
        return;
    }
    const auto& b = m_backups->rows()[size_t(i.row())];
    QString html = QStringLiteral("<b>%1</b> in %2<br>").arg(qs(b.id), htmlText(b.folder.string()));
    if (b.manifest) {
        const auto& m = *b.manifest;
        html += tr("Made %1 by %2 on %3 (%4), schema %5, in %6.<br>")
                    .arg(qs(m.createdAt), htmlText(m.createdBy), htmlText(m.host), qs(m.kind))
                    .arg(m.schemaVersion)
                    .arg(qs(dr::durationText(m.seconds)));
        html += tr("%1 tables (%2 as JSON lines), %3 files; the database %4.<br>")
                    .arg(m.tables.size())
                    .arg(m.exports.size())
                    .arg(m.files.size())
                    .arg(sizeText(m.database.bytes));
        if (m.newestRun)
            html += tr("Newest run it holds: %1 %2 for %3, %4.<br>")
                        .arg(qs(m.newestRun->processor), qs(m.newestRun->status),
                             qs(m.newestRun->gameDate),
                             qs(m.newestRun->finishedAt.empty() ? m.newestRun->startedAt
                                                                : m.newestRun->finishedAt));
    }
    if (!b.problem.empty())
        html += tr("<b>Problem:</b> %1<br>").arg(htmlText(b.problem));
    if (!b.verifyDetail.empty())
        html += tr("Last verify: %1<br>").arg(htmlText(b.verifyDetail));
    if (!b.provenDetail.empty())
        html += tr("Last test-restore: %1").arg(htmlText(b.provenDetail));
    m_backupDetail->setText(html);
}

void DrPage::backUpNow()
{
    if (m_jobs->create(m_dbPath, QString())) {
        m_jobText->setStyleSheet(QString());
        m_jobText->setText(tr("backing up…"));
        m_backUp->setEnabled(false);
    }
}

void DrPage::verifySelected()
{
    const QString id = selectedBackup();
    if (!id.isEmpty() && m_jobs->verify(m_dbPath, QString(), id))
        m_jobText->setText(tr("verifying %1…").arg(id));
}

void DrPage::testRestoreSelected()
{
    const QString id = selectedBackup();
    if (!id.isEmpty() && m_jobs->testRestore(m_dbPath, QString(), id))
        m_jobText->setText(tr("restoring %1 into a scratch folder…").arg(id));
}

void DrPage::restoreSelected()
{
    const auto i = m_backupTable->currentIndex();
    if (!i.isValid() || size_t(i.row()) >= m_backups->rows().size())
        return;
    const auto& b = m_backups->rows()[size_t(i.row())];
    if (!b.manifest) {
        Q_EMIT failed(tr("Backup %1 cannot be restored: %2").arg(qs(b.id), qs(b.problem)));
        return;
    }
    const auto& m = *b.manifest;
    const QString question = m.whole() ? tr("Restore backup %1, made %2?\n\nThis REPLACES the "
                                            "database %3 (its %4 tables) and every raw payload, "
                                            "published document and model file that differs from "
                                            "the backup. Rows and runs made after %2 are lost, "
                                            "except the audit log.\n\nWhat it replaces is backed "
                                            "up first; the result is checked against the backup.")
                                             .arg(qs(b.id), qs(m.createdAt), m_dbPath)
                                             .arg(m.tables.size())
                                       : tr("Restore backup %1, made %2?\n\nThis REPLACES the "
                                            "tables %3 of %4 (and the tables their triggers keep).")
                                             .arg(qs(b.id), qs(m.createdAt),
                                                  qs(dr::joinNames(m.chosenTables)), m_dbPath);
    if (!m_confirm(question))
        return;
    QStringList tables;
    for (const auto& t : m.chosenTables)
        tables << qs(t);
    if (m_jobs->restore(m_dbPath, QString(), qs(b.id), tables)) {
        m_jobText->setText(tr("restoring %1…").arg(qs(b.id)));
        for (auto* w : {m_backUp, m_verify, m_test, m_restore})
            w->setEnabled(false);
    }
}

} // namespace nbaops::ui
