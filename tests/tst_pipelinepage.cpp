// The console's Pipeline page: the latest runs at rest, a live run, cancellation.
#include "app/mainwindow.h"
#include "cloud/settings.h"
#include "jobs/backend.h"
#include "pipeline/pipelinemodel.h"
#include "pipeline/pipelinepage.h"
#include "pipeline/pipelinerunner.h"
#include "pipeline/session.h"
#include "registry/registry.h"
#include "sim/cloud.h"
#include "store/database.h"
#include "testutil.h"

#include <QAbstractItemModelTester>
#include <QDateEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStatusBar>
#include <QtTest>

using namespace nbaops;
using namespace nbaops::ui;

class TestPipelinePage : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;

    static QStringList states(PipelineModel* m)
    {
        QStringList out;
        for (int r = 0; r < m->rowCount(); ++r)
            out << m->index(r, PipelineModel::State).data().toString();
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        ::unsetenv("NBAOPS_NBA_STATS_URL");
        m_db = m_dir.path() + QStringLiteral("/p.db");
        pipeline::SessionOptions so;
        so.dbPath = m_db.toStdString();
        pipeline::Session s(so);
        for (Date d = Date::ymd(2024, 1, 8); d <= Date::ymd(2024, 1, 9); d = d.addDays(1))
            QCOMPARE(s.runner().runDate(d).realFailures(), 0);
    }

    void showsTheLatestRunsAtRest()
    {
        PipelinePage page(m_db);
        QAbstractItemModelTester tester(page.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&page, &Page::loaded);
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QCOMPARE(page.model()->date(), QDate(2024, 1, 9));
        QCOMPARE(page.model()->rowCount(), int(pipeline::Runner::implementedProcessors().size()));
        QVERIFY(!states(page.model()).contains(QStringLiteral("not_run")));
        // The next night is offered.
        const auto edits = page.findChildren<QDateEdit*>();
        QVERIFY(std::any_of(edits.begin(), edits.end(),
                            [](QDateEdit* e) { return e->date() == QDate(2024, 1, 10); }));
    }

    void runsLiveAndLogsEveryProcessor()
    {
        PipelinePage page(m_db);
        page.resize(1400, 860);
        page.show();
        QSignalSpy loaded(&page, &Page::loaded);
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QSignalSpy started(page.runner(), &PipelineRunner::processorStarted);
        QSignalSpy done(page.runner(), &PipelineRunner::finished);
        page.run();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        QCOMPARE(done.at(0).at(1).toInt(), 0);      // no real failures
        QCOMPARE(done.at(0).at(2).toBool(), false); // not cancelled
        QCOMPARE(started.count(), page.model()->rowCount());
        QCOMPARE(page.model()->date(), QDate(2024, 1, 10));
        for (const auto& s : states(page.model()))
            QVERIFY2(s == QStringLiteral("success") || s == QStringLiteral("no_data_available"),
                     qPrintable(s));
        const auto* log = page.findChild<QPlainTextEdit*>(QStringLiteral("pipelineLog"));
        QVERIFY(log->toPlainText().contains(QStringLiteral("player_game_summary")));
        QVERIFY(page.grab().save(
            QString::fromStdString((test::outputDir() / "pipeline_page.png").string())));
    }

    // The same page over a cloud project's cache: Run runs each processor of phases 2-4 on its
    // Cloud Run service and phase 5 through the coordinator's one /start, with the same live
    // table and log; the runs come back into the cache with the next sync.
    void runsOnTheCloudServicesToo()
    {
        auto sim = test::startSimCloud("nba-props-sim", test::everyProcessor(), m_dir.path().toStdString());
        auto& sc = *sim.cloud;
        const auto& s = sim.settings;
        const auto& keyPath = sim.keyPath;
        const QString cache = m_dir.path() + QStringLiteral("/cloud.db");
        store::Database::open(cache.toStdString());
        ::setenv("GOOGLE_APPLICATION_CREDENTIALS", keyPath.c_str(), 1);

        PipelinePage page(cache, nullptr, BackendPtr(jobs::cloudBackend(s, cache.toStdString())));
        QSignalSpy loaded(&page, &Page::loaded);
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        const auto edits = page.findChildren<QDateEdit*>();
        for (auto* e : edits)
            e->setDate(QDate(2024, 1, 10));
        QSignalSpy started(page.runner(), &PipelineRunner::processorStarted);
        QSignalSpy done(page.runner(), &PipelineRunner::finished);
        page.run();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        ::unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
        QCOMPARE(done.at(0).at(0).toInt(), 1); // one date
        QCOMPARE(done.at(0).at(1).toInt(), 0); // no real failures
        int triggerable = 0;
        for (const auto& p : registry::Registry::builtin().processors())
            triggerable += p.phase >= 2 && p.phase <= 5 ? 1 : 0;
        QCOMPARE(started.count(), triggerable);
        const QString log =
            page.findChild<QPlainTextEdit*>(QStringLiteral("pipelineLog"))->toPlainText();
        QVERIFY2(log.contains(QStringLiteral("cloud · nba-props-sim")) &&
                     log.contains(QStringLiteral("player_game_summary")),
                 qPrintable(log));
        // Each service ran what it was asked: the runs are in the cloud's history for the next
        // sync.
        int runs = 0;
        for (const auto& r : sc.history())
            runs += r.dataDate == Date::ymd(2024, 1, 10) ? 1 : 0;
        QVERIFY2(runs >= triggerable - 2, qPrintable(QString::number(runs)));
    }

    // The console over a cloud cache catches up by itself: a sync fills the cache and the status
    // bar says how fresh it is; with the cloud gone, the sync fails, the status bar says so and
    // the cache keeps what it had.
    void theWindowCatchesUpWithTheCloud()
    {
        auto sim = test::startSimCloud("nba-props-catchup", {{"player_game_summary", 3}, {"ml_feature_store", 4}},
                                       m_dir.path().toStdString());
        const Date today = Date::todayEastern();
        sim.cloud->generateHistory(today.addDays(-3), today.addDays(-1), 40);
        const QString cache = m_dir.path() + QStringLiteral("/catchup.db");
        store::Database::open(cache.toStdString());
        ::setenv("GOOGLE_APPLICATION_CREDENTIALS", sim.keyPath.c_str(), 1);
        MainWindow w(BackendPtr(jobs::cloudBackend(sim.settings, cache.toStdString())));
        QVERIFY2(w.backendText().contains(QStringLiteral("never synced")), qPrintable(w.backendText()));
        QSignalSpy caught(&w, &MainWindow::caughtUp);
        w.catchUp();
        QTRY_COMPARE_WITH_TIMEOUT(caught.count(), 1, 60000);
        QVERIFY2(caught.at(0).at(0).toString().startsWith(QStringLiteral("synced: 120 new run(s)")),
                 qPrintable(caught.at(0).at(0).toString()));
        QVERIFY2(w.backendText().contains(QStringLiteral("(120 runs)")), qPrintable(w.backendText()));

        sim.cloud.reset(); // the network is gone
        w.catchUp();
        QTRY_COMPARE_WITH_TIMEOUT(caught.count(), 2, 60000);
        ::unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
        QVERIFY2(w.backendText().contains(QStringLiteral("last sync failed")), qPrintable(w.backendText()));
        QVERIFY2(w.backendText().contains(QStringLiteral("(120 runs)")), qPrintable(w.backendText()));
        QVERIFY(w.statusBar()->currentMessage().startsWith(QStringLiteral("The sync failed; the cache stays as it was")));
    }

    void cancellingStopsBetweenProcessors()
    {
        PipelineRunner runner;
        QSignalSpy done(&runner, &PipelineRunner::finished);
        QSignalSpy finishedOne(&runner, &PipelineRunner::processorFinished);
        runner.start(ui::backendOr({}, m_db), QDate(2024, 1, 11), QDate(2024, 3, 31), 2);
        QTRY_VERIFY_WITH_TIMEOUT(finishedOne.count() >= 3, 60000);
        runner.stop();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        QCOMPARE(done.at(0).at(2).toBool(), true);
        QVERIFY(done.at(0).at(0).toInt() < 80);
        auto db = store::Database::open(m_db.toStdString(), store::Database::Mode::ReadOnly);
        auto st = db.prepare("SELECT count(*) FROM processor_runs WHERE status = 'running'");
        QVERIFY(st.step());
        QCOMPARE(st.getInt(0), int64_t(0));
    }
};

QTEST_MAIN(TestPipelinePage)
#include "tst_pipelinepage.moc"
