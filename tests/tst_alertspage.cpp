// The console's Alerts page, offscreen, on a demo database: evaluating, acknowledging,
// silencing and ending a silence, and a grab of what the operator sees.
#include "alerts/alertspage.h"
#include "app/mainwindow.h"
#include "embedded_resources.h"
#include "jobs/demo.h"
#include "store/database.h"
#include "testutil.h"

#include <QAbstractItemModelTester>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QItemSelectionModel>
#include <QSet>
#include <QDir>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace nbaops;
using namespace nbaops::ui;

class TestAlertsPage : public QObject
{
    Q_OBJECT
private:
    QString watchDb() const { return m_dir.path() + QStringLiteral("/watch/watch.db"); }
    QTemporaryDir m_dir;
    QString m_db;

    static int column(const TextTableModel* m, const QString& header)
    {
        for (int c = 0; c < m->columnCount(); ++c) {
            if (m->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString() == header)
                return c;
        }
        return -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_db = m_dir.path() + QStringLiteral("/demo.db");
        test::buildDemoDatabase(m_db.toStdString());
        // A copy as built, before the first case acknowledges and silences, for the second.
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("watch")));
        auto db = store::Database::open(m_db.toStdString());
        db.exec("VACUUM INTO '" + watchDb().toStdString() + "'");
    }

    void evaluatesAcknowledgesSilencesAndRenders()
    {
        AlertsPage page(m_db);
        QAbstractItemModelTester t1(page.openModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(page.silencesModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.resize(1400, 860);
        page.show();
        QSignalSpy loaded(&page, &Page::loaded);
        page.refresh(); // the first showing evaluates the rules
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("alertsSummary"))->text().contains(QStringLiteral("Evaluated now")));
        page.evaluateNow();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 30000);
        // The demo's late last night missed its SLAs: those alerts fire.
        QVERIFY2(page.openModel()->rowCount() >= 1, "no alerts after evaluating the demo");
        const int state = column(page.openModel(), QStringLiteral("State"));
        QCOMPARE(page.openModel()->cell(0, state), QStringLiteral("firing"));
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("alertsSummary"))->text().contains(QStringLiteral("firing")));
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("alertsReceivers"))->text().contains(QStringLiteral("not configured")));

        // The first alert is selected and explained; with nothing selected, a clear refusal.
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("alertDetail"))->text().contains(QStringLiteral("What to do")));
        page.openView()->clearSelection();
        QVERIFY(!page.acknowledgeSelected(QStringLiteral("tester"), QStringLiteral("on it")));
        page.openView()->selectRow(0);
        const QStringList matchers = page.matchersForSelected();
        QVERIFY(!matchers.isEmpty() && matchers.front().startsWith(QStringLiteral("rule=")));
        QVERIFY(page.acknowledgeSelected(QStringLiteral("tester"), QStringLiteral("on it")));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 3, 30000);
        const int handled = column(page.openModel(), QStringLiteral("Handled"));
        bool acked = false;
        for (int r = 0; r < page.openModel()->rowCount(); ++r)
            acked = acked || page.openModel()->cell(r, handled).contains(QStringLiteral("acknowledged by tester"));
        QVERIFY(acked);

        // A silence of the selected alert's rule; bad input is refused with the reason.
        QVERIFY(!page.silence({QStringLiteral("rule")}, QStringLiteral("2h"), QStringLiteral("tester"), QStringLiteral("x")));
        QVERIFY(!page.silence({matchers.front()}, QStringLiteral("2 hours"), QStringLiteral("tester"), QStringLiteral("x")));
        QVERIFY(page.silence({matchers.front()}, QStringLiteral("2h"), QStringLiteral("tester"), QStringLiteral("known late night")));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 4, 30000);
        QCOMPARE(page.silencesModel()->rowCount(), 1);
        QCOMPARE(page.silencesModel()->cell(0, 1), QStringLiteral("active"));
        const int handledNow = column(page.openModel(), QStringLiteral("Handled"));
        QVERIFY(page.openModel()->cell(0, handledNow).contains(QStringLiteral("silenced")) ||
                page.openModel()->cell(1, handledNow).contains(QStringLiteral("silenced")));

        page.tabs()->setCurrentIndex(1); // the history
        QVERIFY(page.eventsModel()->rowCount() >= 2);
        QCoreApplication::processEvents();
        const QImage history = page.grab().toImage();
        QVERIFY(history.save(QString::fromStdString((test::outputDir() / "alerts_history.png").string())));
        page.tabs()->setCurrentIndex(0);
        QCoreApplication::processEvents();
        const QImage img = page.grab().toImage();
        const QString png = QString::fromStdString((test::outputDir() / "alerts_page.png").string());
        QVERIFY(img.save(png));
        QVERIFY(QFileInfo(png).size() > 20000);
        QSet<QRgb> colours;
        for (int y = img.height() / 4; y < img.height() / 2; y += 5)
            colours.insert(img.pixel(img.width() / 3, y));
        QVERIFY2(colours.size() >= 3, qPrintable(QString::number(colours.size()))); // rows coloured by state

        // Ending the silence.
        page.tabs()->setCurrentIndex(3);
        page.silencesView()->selectRow(0);
        QVERIFY(page.endSelectedSilence());
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 5, 30000);
        QCOMPARE(page.silencesModel()->cell(0, 1), QStringLiteral("ended"));
    }

    void theConsoleWatchesAlertsWhicheverPageIsOpen()
    {
        // A folder of its own: the rules file beside it applies to that database only.
        const QString copy = watchDb();
        {
            // The built-in rules without the 30 s group wait, so the first pass notifies.
            QString rules = QString::fromUtf8(resources::alertRulesJson().data(), qsizetype(resources::alertRulesJson().size()));
            QVERIFY(rules.contains(QStringLiteral("\"group_wait\": \"30s\"")));
            rules.replace(QStringLiteral("\"group_wait\": \"30s\""), QStringLiteral("\"group_wait\": \"0s\""));
            QFile f(m_dir.path() + QStringLiteral("/watch/alert_rules.json"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(rules.toUtf8());
        }
        MainWindow w(copy);
        auto* alerts = qobject_cast<AlertsPage*>(w.page(QStringLiteral("alerts")));
        QVERIFY(alerts);
        QSignalSpy loaded(alerts, &Page::loaded);
        QSignalSpy notes(alerts, &AlertsPage::desktopNotification);
        w.showPage(QStringLiteral("health"));
        w.watchAlerts();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        // The demo's late night fires alerts routed to the console: its notifications arrive
        // although the Alerts page was never opened.
        QVERIFY2(notes.count() >= 1, "no console notification after evaluating the demo");
        QCOMPARE(alerts->desktopShown(), int(notes.count()));
        // Offscreen there is no system tray: the status bar says it.
        QVERIFY(!w.notify(QStringLiteral("P1 stuck_run"), QStringLiteral("ml_feature_store 2024-01-20\nmore")));
        QCOMPARE(w.statusBar()->currentMessage(), QStringLiteral("P1 stuck_run: ml_feature_store 2024-01-20"));
    }
};

QTEST_MAIN(TestAlertsPage)
#include "tst_alertspage.moc"
