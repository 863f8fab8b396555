// The console's Backfill page: a plan with its estimate, a small backfill driven to its end,
// following a backfill that another process runs, the same on the cloud's services, and the
// Health page's gap rows sending the operator here.
#include "backfill/backfillmodels.h"
#include "backfill/backfillpage.h"
#include "backfill/backfillrunner.h"
#include "jobs/backend.h"
#include "jobs/backfill.h"
#include "jobs/runrange.h"
#include "pipeline/session.h"
#include "store/database.h"
#include "testutil.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDateEdit>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

using namespace nbaops;
using namespace nbaops::ui;

class TestBackfillPage : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    static void setRange(BackfillPage& page, const QDate& from, const QDate& to)
    {
        page.findChild<QComboBox*>(QStringLiteral("backfillSource"))->setCurrentIndex(0);
        const auto edits = page.findChildren<QDateEdit*>();
        QCOMPARE(edits.size(), 2);
        edits[0]->setDate(from);
        edits[1]->setDate(to);
    }

private Q_SLOTS:
    void initTestCase() { ::unsetenv("NBAOPS_NBA_STATS_URL"); }

    void drivesASmallBackfillToItsEnd()
    {
        const QString db = m_dir.path() + QStringLiteral("/a.db");
        {
            pipeline::SessionOptions so; // some history, so the plan has an estimate
            so.dbPath = db.toStdString();
            pipeline::Session s(so);
            QCOMPARE(s.runner().runDate(Date::ymd(2024, 1, 5)).realFailures(), 0);
        }
        BackfillPage page(db);
        page.resize(1400, 900);
        page.show();
        QAbstractItemModelTester tester(page.planModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy planned(&page, &BackfillPage::planned);
        setRange(page, QDate(2024, 1, 8), QDate(2024, 1, 10));
        page.plan();
        QTRY_VERIFY_WITH_TIMEOUT(planned.count() >= 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(page.planModel()->rowCount(), 3, 30000);
        QCOMPARE(page.planModel()->index(0, 0).data().toString(), QStringLiteral("2024-01-10")); // newest first
        const auto* summary = page.findChild<QLabel*>(QStringLiteral("backfillSummary"));
        QVERIFY2(summary->text().contains(QStringLiteral("Estimate")), qPrintable(summary->text()));
        QVERIFY(page.findChild<QPushButton*>(QStringLiteral("startButton"))->isEnabled());

        QSignalSpy finished(page.runner(), &BackfillRunner::finished);
        page.findChild<QPushButton*>(QStringLiteral("startButton"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        const auto res = finished.front().front().value<jobs::BackfillResult>();
        QCOMPARE(res.state, std::string("done"));
        QCOMPARE(res.total, 60);
        // The page shows it done: every phase bar full, the history's row, the log of its runs.
        QTRY_VERIFY_WITH_TIMEOUT(page.shown() && page.shown()->state == "done", 10000);
        for (int i = 1; i <= 6; ++i) {
            const auto* bar = page.findChild<QProgressBar*>(QStringLiteral("phaseBar%1").arg(i));
            QCOMPARE(bar->value(), bar->maximum());
        }
        QVERIFY(page.findChild<QPlainTextEdit*>(QStringLiteral("backfillLog"))->toPlainText().contains(
            QStringLiteral("[60/60]")));
        const QImage shot = page.grab().toImage();
        QVERIFY(shot.save(QString::fromStdString((test::outputDir() / "backfillpage.png").string())));
    }

    void followsABackfillRunElsewhereAndPausesIt()
    {
        const QString db = m_dir.path() + QStringLiteral("/b.db");
        int64_t id = 0;
        {
            auto d = store::Database::open(db.toStdString());
            jobs::PlanRequest r;
            r.from = Date::ymd(2024, 1, 8);
            r.to = Date::ymd(2024, 1, 20);
            r.workers = 1;
            id = jobs::createBackfill(d, jobs::planBackfill(d, r), {}, "cli-user");
        }
        // "Another process": the executor on a thread of its own, as `nbaops backfill start` is.
        std::atomic<bool> done{false};
        jobs::BackfillResult result;
        std::thread other([&] {
            pipeline::SessionOptions so;
            so.dbPath = db.toStdString();
            so.workers = 1;
            pipeline::Session s(so);
            result = jobs::runBackfill(s, {id, std::chrono::milliseconds(20), "cli-user"}, {});
            done = true;
        });
        BackfillPage page(db);
        page.show();
        QTRY_VERIFY_WITH_TIMEOUT(page.shown() && page.shown()->state == "running", 30000);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("backfillTitle"))->text().contains(QStringLiteral("cli-user")));
        QTRY_VERIFY_WITH_TIMEOUT(page.findChild<QPushButton*>(QStringLiteral("pauseButton"))->isEnabled(), 10000);
        page.findChild<QPushButton*>(QStringLiteral("pauseButton"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), 60000);
        other.join();
        QCOMPARE(result.state, std::string("paused"));
        QTRY_VERIFY_WITH_TIMEOUT(page.shown() && page.shown()->state == "paused", 10000);
        QTRY_VERIFY_WITH_TIMEOUT(page.findChild<QPushButton*>(QStringLiteral("resumeButton"))->isEnabled(), 10000);
        QVERIFY(!page.findChild<QPlainTextEdit*>(QStringLiteral("backfillLog"))->toPlainText().isEmpty());
    }

    // The same page on the cloud backend: it plans from the cache's run history (phases 2 to 5,
    // and says so), Start runs each (date, processor) on its Cloud Run service, and the page
    // follows it to its end as it does a local one.
    void drivesABackfillOnTheCloudServices()
    {
        auto sim = test::startSimCloud("nba-props-bfpage", test::everyProcessor(), m_dir.path().toStdString());
        test::scrapedInCloud(*sim.cloud, Date::ymd(2024, 1, 9));
        test::scrapedInCloud(*sim.cloud, Date::ymd(2024, 1, 10));
        const QString cache = m_dir.path() + QStringLiteral("/cloud.db");
        store::Database::open(cache.toStdString());
        ::setenv("GOOGLE_APPLICATION_CREDENTIALS", sim.keyPath.c_str(), 1);
        const BackendPtr backend(jobs::cloudBackend(sim.settings, cache.toStdString()));
        backend->catchUp({});
        BackfillPage page(cache, nullptr, backend);
        page.resize(1400, 900);
        page.show();
        QSignalSpy planned(&page, &BackfillPage::planned);
        setRange(page, QDate(2024, 1, 9), QDate(2024, 1, 10));
        page.plan();
        QTRY_COMPARE_WITH_TIMEOUT(page.planModel()->rowCount(), 2, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(page.findChild<QPushButton*>(QStringLiteral("startButton"))->isEnabled(), 10000);
        const QString summary = page.findChild<QLabel*>(QStringLiteral("backfillSummary"))->text();
        QVERIFY2(summary.contains(QStringLiteral("Estimate")) &&
                     summary.contains(QStringLiteral("Cloud Run services of cloud · nba-props-bfpage: phases 2 to 5")),
                 qPrintable(summary));

        QSignalSpy finished(page.runner(), &BackfillRunner::finished);
        page.findChild<QPushButton*>(QStringLiteral("startButton"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        ::unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
        const auto res = finished.front().front().value<jobs::BackfillResult>();
        QCOMPARE(res.state, std::string("done"));
        QCOMPARE(res.failed, 0);
        QVERIFY(res.total > 0 && res.done == res.total);
        QTRY_VERIFY_WITH_TIMEOUT(page.shown() && page.shown()->state == "done", 10000);
        for (int phase : {1, 6}) { // nothing planned there: run by Cloud Scheduler
            const auto* bar = page.findChild<QProgressBar*>(QStringLiteral("phaseBar%1").arg(phase));
            QVERIFY(!bar->isEnabled());
            QCOMPARE(bar->format(), QStringLiteral("none planned"));
        }
        const QString log = page.findChild<QPlainTextEdit*>(QStringLiteral("backfillLog"))->toPlainText();
        QVERIFY2(log.contains(QStringLiteral("cloud · nba-props-bfpage")) &&
                     log.contains(QStringLiteral("player_game_summary")),
                 qPrintable(log));
        int ran = 0;
        for (const auto& r : sim.cloud->history())
            ran += r.processor == "player_game_summary" ? 1 : 0;
        QCOMPARE(ran, 2);
        QVERIFY(page.grab().toImage().save(QString::fromStdString((test::outputDir() / "backfillpage-cloud.png").string())));
    }
};

QTEST_MAIN(TestBackfillPage)
#include "tst_backfillpage.moc"
