// The console's Disaster recovery page: the backups with a test-restore and a confirmed restore
// from the page, one drill walked to its end through the wizard (a person's steps answered with
// Done and Deviation), the history and its charts, the runbooks and the audit log; each tab
// grabbed as a PNG.
#include "dr/backup.h"
#include "dr/drmodels.h"
#include "dr/drpage.h"
#include "dr/drrunner.h"
#include "guiutil.h"
#include "jobs/runrange.h"
#include "store/database.h"
#include "testutil.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTextBrowser>
#include <QtTest>

using namespace nbaops;
using namespace nbaops::ui;
namespace fs = std::filesystem;

class TestDrPage : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString db() const { return m_dir.path() + QStringLiteral("/t.db"); }

    void grab(DrPage& page, const QString& tab)
    {
        page.showTab(tab);
        QCoreApplication::processEvents();
        const QString png = QString::fromStdString(
            (test::outputDir() / ("drpage-" + tab.toStdString() + ".png")).string());
        QVERIFY(page.grab().save(png));
        QVERIFY2(test::coloursAcross(page, 0.1) > 3, qPrintable(tab)); // the cards
    }

private Q_SLOTS:
    void initTestCase()
    {
        test::buildNights(m_dir.path().toStdString(), Date::ymd(2024, 1, 9), Date::ymd(2024, 1, 10));
        dr::BackupOptions o;
        o.database = db().toStdString();
        dr::createBackup(o, {});
    }

    void backupsTestRestoreAndRestore()
    {
        DrPage page(db());
        page.resize(1400, 900);
        page.show();
        QAbstractItemModelTester tester(page.backups(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&page, &DrPage::loaded);
        page.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 30000);
        QCOMPARE(page.backups()->rowCount(), 1);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("provenCard"))
                    ->text()
                    .contains(QStringLiteral("No backup proven")));

        QSignalSpy done(&page, &DrPage::backupJobDone);
        page.testRestoreSelected();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QCOMPARE(done.front().at(1).toBool(), true);
        QTRY_VERIFY_WITH_TIMEOUT(page.findChild<QLabel*>(QStringLiteral("provenCard"))
                                     ->text()
                                     .contains(QStringLiteral("Proven restorable")),
                                 30000);

        // Rows lost, then restored from the page after a confirmation that names what is replaced.
        {
            auto live = store::Database::open(db().toStdString());
            live.exec("DELETE FROM player_game_summary");
        }
        QString asked;
        page.setConfirm([&](const QString& q) {
            asked = q;
            return true;
        });
        page.restoreSelected();
        QVERIFY(asked.contains(QStringLiteral("REPLACES the database")));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 60000);
        QVERIFY2(done.back().at(1).toBool(),
                 qPrintable(page.findChild<QLabel*>(QStringLiteral("backupJobText"))->text()));
        auto live = store::Database::open(db().toStdString());
        QVERIFY(test::count(live, "SELECT count(*) FROM player_game_summary") > 100);
        // A refusal is no change: cancelling the question restores nothing.
        page.setConfirm([](const QString&) { return false; });
        QTRY_VERIFY_WITH_TIMEOUT(!page.backupJobs()->isRunning(), 10000);
        page.restoreSelected();
        QVERIFY(!page.backupJobs()->isRunning());
        grab(page, QStringLiteral("backups"));
    }

    void walksADrillThroughTheWizard()
    {
        DrPage page(db());
        page.setProgram(QStringLiteral(NBAOPS_CLI_PATH));
        page.resize(1400, 900);
        page.show();
        QSignalSpy loaded(&page, &DrPage::loaded);
        page.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 30000);
        page.showTab(QStringLiteral("drills"));
        QSignalSpy finished(&page, &DrPage::drillFinished);
        QSignalSpy waiting(page.drillRunner(), &DrillRunner::waitingFor);
        page.startDrill(QStringLiteral("database_loss"));
        // Step 1 (announce) waits for a person: Done. The last (debrief): a deviation with a note.
        QTRY_COMPARE_WITH_TIMEOUT(waiting.count(), 1, 60000);
        QVERIFY(page.findChild<QPushButton*>(QStringLiteral("stepDone"))->isEnabled());
        page.findChild<QPushButton*>(QStringLiteral("stepDone"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(waiting.count(), 2, 120000);
        page.answerStep(true); // a deviation without a note is not accepted
        QVERIFY(page.drillRunner()->waiting());
        page.findChild<QLineEdit*>(QStringLiteral("stepNote"))
            ->setText(QStringLiteral("debrief moved to Friday"));
        page.findChild<QPushButton*>(QStringLiteral("stepDeviation"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        const auto r = finished.front().front().value<dr::DrillResult>();
        QCOMPARE(QString::fromStdString(r.state), QStringLiteral("passed"));
        QCOMPARE(r.deviations, 1);
        QCOMPARE(page.steps()->rowCount(), int(r.steps.size()));
        QCOMPARE(page.steps()->index(int(r.steps.size()) - 1, 2).data().toString(),
                 QStringLiteral("deviation: debrief moved to Friday"));
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("rtoClock"))
                    ->text()
                    .startsWith(QStringLiteral("RTO ")));
        grab(page, QStringLiteral("drills"));
        QTRY_COMPARE_WITH_TIMEOUT(page.history()->rowCount(), 1, 30000);
        grab(page, QStringLiteral("history"));
        grab(page, QStringLiteral("runbooks"));
        QVERIFY(page.findChild<QTextBrowser*>(QStringLiteral("runbookText"))
                    ->toPlainText()
                    .contains(QStringLiteral("Steps")));
        QTRY_VERIFY_WITH_TIMEOUT(page.audit()->rowCount() >= 3, 30000);
        grab(page, QStringLiteral("audit"));
    }
};

QTEST_MAIN(TestDrPage)
#include "tst_drpage.moc"
