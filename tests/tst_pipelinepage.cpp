// The console's Pipeline page: the latest runs at rest, a live run, cancellation.
#include "pipeline/pipelinemodel.h"
#include "pipeline/pipelinepage.h"
#include "pipeline/pipelinerunner.h"
#include "pipeline/session.h"
#include "store/database.h"
#include "testutil.h"

#include <QAbstractItemModelTester>
#include <QDateEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
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
        QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&page, &Page::loaded);
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QCOMPARE(page.model()->date(), QDate(2024, 1, 9));
        QCOMPARE(page.model()->rowCount(), int(pipeline::Runner::implementedProcessors().size()));
        QVERIFY(!states(page.model()).contains(QStringLiteral("not_run")));
        // The next night is offered.
        const auto edits = page.findChildren<QDateEdit*>();
        QVERIFY(std::any_of(edits.begin(), edits.end(), [](QDateEdit* e) { return e->date() == QDate(2024, 1, 10); }));
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
            QVERIFY2(s == QStringLiteral("success") || s == QStringLiteral("no_data_available"), qPrintable(s));
        const auto* log = page.findChild<QPlainTextEdit*>(QStringLiteral("pipelineLog"));
        QVERIFY(log->toPlainText().contains(QStringLiteral("player_game_summary")));
        QVERIFY(page.grab().save(QString::fromStdString((test::outputDir() / "pipeline_page.png").string())));
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
