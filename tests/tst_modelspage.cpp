// The console's Models page: train from the form with the learning curve drawn while the
// training runs, the report of the new version, cancel, a refused promotion shown in the
// page, and the exports (PNG per chart, CSV per table). Grabs each tab as PNG to look at.
#include "features/features.h"
#include "jobs/import.h"
#include "model/report.h"
#include "store/database.h"
#include "workbench/modelspage.h"
#include "workbench/versiondiffdialog.h"
#include "jobs/train.h"
#include "pipeline/session.h"
#include "sim/historycsv.h"
#include "sim/league.h"
#include "testutil.h"
#include "util/files.h"

#include <QAbstractItemModelTester>
#include <QChart>
#include <QChartView>
#include <QXYSeries>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QtTest>

using namespace nbaops;
using namespace nbaops::ui;

class TestModelsPage : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;

    // Shown at the size of a desktop window, the registry read.
    static void showLoaded(ModelsPage& page)
    {
        page.resize(1440, 860);
        page.show();
        QSignalSpy loaded(&page, &Page::loaded);
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    }

    static void setRounds(ModelsPage& page, int rounds)
    {
        for (auto* s : page.findChildren<QSpinBox*>())
            if (s->maximum() == 5000)
                s->setValue(rounds);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_db = m_dir.path() + QStringLiteral("/m.db");
        const auto csv = std::filesystem::path(m_dir.path().toStdString()) / "history.csv";
        // Two seasons: the end of 2022-23 and the start of 2023-24, so a search has months to walk.
        const sim::League league;
        const std::string next = sim::boxscoreHistoryCsv(league, Date::ymd(2023, 10, 24), Date::ymd(2024, 1, 20));
        writeFileAtomically(csv, sim::boxscoreHistoryCsv(league, Date::ymd(2023, 2, 15), Date::ymd(2023, 4, 14)) +
                                     next.substr(next.find('\n') + 1));
        pipeline::SessionOptions so;
        so.dbPath = m_db.toStdString();
        so.workers = 1;
        so.force = true;
        pipeline::Session s(so);
        QCOMPARE(jobs::importHistory(s, {csv, std::nullopt}, {}).quarantined, int64_t(0));
    }

    void anEmptyRegistrySaysWhatToDo()
    {
        QTemporaryDir empty;
        ModelsPage page(empty.path() + QStringLiteral("/none.db"));
        QSignalSpy loaded(&page, &Page::loaded);
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("reportSummary"))->text().contains(QStringLiteral("nbaops import")));
    }

    void trainsWithALiveCurveAndShowsTheReport()
    {
        ModelsPage page(m_db);
        page.resize(1440, 860);
        page.show();
        // The versions table's model keeps Qt's item-model contract through every reset.
        QAbstractItemModelTester versions(page.findChild<QTableView*>(QStringLiteral("versionsTable"))->model(),
                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&page, &Page::loaded);
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QSignalSpy done(&page, &ModelsPage::trainingFinished);
        QSignalSpy failed(&page, &ModelsPage::trainingFailed);
        setRounds(page, 300);
        // A search first: three configurations on the walk-forward months before the test window.
        page.findChild<QSpinBox*>(QStringLiteral("searchBudget"))->setValue(10);
        page.findChild<QSpinBox*>(QStringLiteral("searchConfigs"))->setValue(3);
        page.findChild<QPushButton*>(QStringLiteral("trainButton"))->click();
        QVERIFY(page.isTraining());
        // The curve grows while training goes on: the GUI thread is free.
        std::vector<int> seen;
        for (int i = 0; i < 15000 && done.isEmpty() && failed.isEmpty(); ++i) { // at least 150 s
            QTest::qWait(10);
            if (page.isTraining() && (seen.empty() || seen.back() != page.curvePoints()))
                seen.push_back(page.curvePoints());
        }
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QCOMPARE(done.count(), 1);
        QVERIFY2(std::count_if(seen.begin(), seen.end(), [](int n) { return n > 0; }) >= 2,
                 "the learning curve did not grow while training");
        const QString version = done.first().first().toString();
        QCOMPARE(version, QStringLiteral("m0001"));
        QTRY_VERIFY_WITH_TIMEOUT(page.findChild<QTableView*>(QStringLiteral("versionsTable"))->model()->rowCount() == 1, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(page.findChild<QLabel*>(QStringLiteral("reportSummary"))->text().contains(version), 30000);
        const QString summary = page.findChild<QLabel*>(QStringLiteral("reportSummary"))->text();
        QVERIFY(summary.contains(QStringLiteral("at least 5 earlier played games")));
        QVERIFY(summary.contains(QStringLiteral("95% interval")));

        // Grab every tab to look at.
        auto* tabs = page.findChild<QTabWidget*>(QStringLiteral("modelTabs"));
        const char* names[] = {"curve",     "report",     "importance", "scatter", "residuals",
                               "overunder", "evaluation", "overtime",   "search"};
        auto* search = page.findChild<QTableWidget*>(QStringLiteral("searchTable"));
        QCOMPARE(search->rowCount(), 3);
        QVERIFY(search->isSortingEnabled());
        // Sorted by rung and walk-forward MAE: the best configuration (its MAE over the most months) first.
        QVERIFY(search->item(0, 1)->data(Qt::DisplayRole).toInt() >= search->item(1, 1)->data(Qt::DisplayRole).toInt());
        QVERIFY(!search->item(0, 3)->data(Qt::DisplayRole).isNull());
        QVERIFY(tabs->tabText(tabs->count() - 1).startsWith(QStringLiteral("Search (")));
        QVERIFY(!page.findChild<QChartView*>(QStringLiteral("searchChart"))->chart()->series().isEmpty());
        QCOMPARE(tabs->count(), int(std::size(names)));
        for (int t = 0; t < tabs->count(); ++t) {
            tabs->setCurrentIndex(t);
            QTest::qWait(50);
            QVERIFY(page.grab().save(QString::fromStdString((test::outputDir() / ("models_" + std::string(names[t]) + ".png")).string())));
        }

        // P(over) on the test window: stand-in lines (the imported history has no bookmaker's).
        auto* reliability = page.findChild<QChartView*>(QStringLiteral("reliabilityChart"));
        QVERIFY(reliability->chart()->series().size() >= 3); // the diagonal, the line and its dots
        QCOMPARE(page.findChild<QTableWidget*>(QStringLiteral("overUnderTable"))->rowCount(), 4);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("overUnderSummary"))->text().contains(QStringLiteral("Brier")));

        // Exports: seven charts (the search's and the reliability diagram too) and six tables.
        QTemporaryDir out;
        const QStringList files = page.exportAll(out.path());
        QCOMPARE(files.size(), 13);
        for (const auto& f : files)
            QVERIFY2(QFileInfo(f).size() > 100, qPrintable(f));
        QFile curve(out.path() + QStringLiteral("/learning_curve.csv"));
        QVERIFY(curve.open(QIODevice::ReadOnly));
        QVERIFY(curve.readAll().count('\n') > 20);

        // The first version becomes the champion; promoting it again says so.
        QSignalSpy action(&page, &ModelsPage::actionDone);
        page.promoteSelected();
        QTRY_COMPARE_WITH_TIMEOUT(action.count(), 1, 30000);
        QVERIFY2(action.first().first().toString().contains(QStringLiteral("champion")),
                 qPrintable(action.first().first().toString()));
    }

    void walksForwardAndAblatesFromTheForm()
    {
        ModelsPage page(m_db);
        showLoaded(page);
        auto* walkTable = page.findChild<QTableWidget*>(QStringLiteral("foldsTable"));
        QCOMPARE(walkTable->rowCount(), 0);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("evaluationSummary"))->text().contains(QStringLiteral("none yet")));
        setRounds(page, 200);
        QSignalSpy evaluated(&page, &ModelsPage::evaluationFinished);
        QSignalSpy failed(&page, &ModelsPage::trainingFailed);
        page.findChild<QPushButton*>(QStringLiteral("walkForwardButton"))->click();
        QVERIFY(page.isTraining());
        QVERIFY(!page.findChild<QPushButton*>(QStringLiteral("ablationButton"))->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!evaluated.isEmpty() || !failed.isEmpty(), 240000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        // The months of the last season, each a row and a point of the chart; the tab in front.
        QTRY_VERIFY_WITH_TIMEOUT(walkTable->rowCount() >= 2, 30000);
        auto* tabs = page.findChild<QTabWidget*>(QStringLiteral("modelTabs"));
        QCOMPARE(tabs->currentWidget()->objectName(), QStringLiteral("evaluationTab"));
        QVERIFY(walkTable->item(0, 0)->text().startsWith(QStringLiteral("2023-")));
        auto* walkChart = page.findChild<QChartView*>(QStringLiteral("walkForwardChart"))->chart();
        QCOMPARE(walkChart->series().size(), 3); // baseline, model, its dots
        QVERIFY(walkChart->title().contains(evaluated.first().first().toString()));

        page.findChild<QPushButton*>(QStringLiteral("ablationButton"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(evaluated.size() == 2 || !failed.isEmpty(), 600000);
        QVERIFY(failed.isEmpty());
        auto* families = page.findChild<QTableWidget*>(QStringLiteral("ablationTable"));
        QTRY_COMPARE_WITH_TIMEOUT(families->rowCount(), int(features::families().size()), 30000);
        // A forest plot: the zero line, a whisker per family, the points.
        QCOMPARE(page.findChild<QChartView*>(QStringLiteral("ablationChart"))->chart()->series().size(),
                 int(features::families().size()) + 2);
        QTest::qWait(100); // the charts draw on the next paint
        QVERIFY(page.grab().save(QString::fromStdString((test::outputDir() / "models_evaluation.png").string())));
        // Both are kept: a page opened later shows them.
        ModelsPage again(m_db);
        QSignalSpy loadedAgain(&again, &Page::loaded);
        again.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(loadedAgain.count(), 1, 30000);
        QCOMPARE(again.findChild<QTableWidget*>(QStringLiteral("foldsTable"))->rowCount(), walkTable->rowCount());
        QCOMPARE(again.findChild<QTableWidget*>(QStringLiteral("ablationTable"))->rowCount(), families->rowCount());
    }

    void saysWhatChangedBetweenTwoVersions()
    {
        // A second version beside the champion of the first test, with other parameters.
        {
            pipeline::SessionOptions so;
            so.dbPath = m_db.toStdString();
            so.workers = 1;
            pipeline::Session s(so);
            jobs::TrainOptions req;
            model::applyParam(req.params, "max_depth=3");
            model::applyParam(req.params, "rounds=40");
            model::applyParam(req.params, "refit=0");
            model::applyParam(req.params, "target=points");
            QVERIFY(!jobs::train(s, req, {}).version.empty());
        }
        ModelsPage page(m_db);
        showLoaded(page);
        QSignalSpy action(&page, &ModelsPage::actionDone);
        auto* button = page.findChild<QPushButton*>(QStringLiteral("diffButton"));
        QVERIFY(button->isEnabled());
        button->click(); // the newest version, selected, against the champion
        QTRY_COMPARE_WITH_TIMEOUT(action.count(), 1, 60000);
        QVERIFY2(action.first().first().toString().startsWith(QStringLiteral("What changed from m0001 to")),
                 qPrintable(action.first().first().toString()));
        auto* dialog = page.findChild<VersionDiffDialog*>(QStringLiteral("versionDiffDialog"));
        QVERIFY(dialog && dialog->isVisible());
        auto* table = dialog->findChild<QTableWidget*>(QStringLiteral("diffTable"));
        QVERIFY(table->rowCount() > 20);
        bool depthChanged = false, refitChanged = false, targetChanged = false;
        for (int r = 0; r < table->rowCount(); ++r) {
            if (table->item(r, 0) && table->item(r, 0)->text() == QStringLiteral("max_depth"))
                depthChanged = table->item(r, 2)->text() == QStringLiteral("3") &&
                               table->item(r, 2)->font().bold() == (table->item(r, 1)->text() != QStringLiteral("3"));
            // The first version was trained from the form, its refit box checked as by default.
            if (table->item(r, 0) && table->item(r, 0)->text() == QStringLiteral("refit"))
                refitChanged = table->item(r, 1)->text() == QStringLiteral("true") &&
                               table->item(r, 2)->text() == QStringLiteral("false");
            if (table->item(r, 0) && table->item(r, 0)->text() == QStringLiteral("target"))
                targetChanged = table->item(r, 1)->text() == QStringLiteral("sqrt") &&
                                table->item(r, 2)->text() == QStringLiteral("points");
        }
        QVERIFY(depthChanged);
        QVERIFY(refitChanged);
        QVERIFY(targetChanged);
        QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("diffSameRows"))->text().contains(QStringLiteral("same rows")));
        QTest::qWait(50);
        QVERIFY(dialog->grab().save(QString::fromStdString((test::outputDir() / "models_diff.png").string())));
    }

    void marksDataQualityEventsOverTime()
    {
        // A failed run and a feature gone NULL, on two dates of the versions' test windows.
        {
            auto db = store::Database::open(m_db.toStdString());
            QVERIFY(model::dataQualityEvents(db).empty()); // the imported history is clean
            db.exec("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, finished_at, status,"
                    " failure_category, error) VALUES ('test', 'ml_feature_store', 4, '2024-01-05',"
                    " '2024-01-06T10:00:00Z', '2024-01-06T10:00:01Z', 'failed', 'error', 'disk full')");
            db.exec("UPDATE feature_quality SET nulls = rows WHERE game_date = '2024-01-10' AND feature = 'opp_def_rating'");
            const auto events = model::dataQualityEvents(db);
            QCOMPARE(events.size(), size_t(2));
            QCOMPARE(events[0].date, std::string("2024-01-05"));
            QCOMPARE(events[0].kind, std::string("failed"));
            QVERIFY2(events[0].detail.find("ml_feature_store") != std::string::npos, events[0].detail.c_str());
            QCOMPARE(events[1].kind, std::string("nulls"));
            QVERIFY2(events[1].detail.find("opp_def_rating 100%") != std::string::npos, events[1].detail.c_str());
        }
        ModelsPage page(m_db);
        showLoaded(page);
        auto* chart = page.findChild<QChartView*>(QStringLiteral("timeChart"))->chart();
        int marks = 0;
        for (auto* s : chart->series())
            if (s->objectName() == QStringLiteral("failedEvents") || s->objectName() == QStringLiteral("nullsEvents")) {
                QCOMPARE(static_cast<QXYSeries*>(s)->count(), 1);
                ++marks;
            }
        QCOMPARE(marks, 2);
        auto* tabs = page.findChild<QTabWidget*>(QStringLiteral("modelTabs"));
        tabs->setCurrentWidget(page.findChild<QChartView*>(QStringLiteral("timeChart")));
        QTest::qWait(100);
        QVERIFY(page.grab().save(QString::fromStdString((test::outputDir() / "models_overtime_events.png").string())));
    }

    void cancellingRegistersNothing()
    {
        ModelsPage page(m_db);
        QSignalSpy loaded(&page, &Page::loaded);
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        setRounds(page, 5000);
        for (auto* s : page.findChildren<QSpinBox*>())
            if (s->maximum() == 500)
                s->setValue(500); // never stops early by itself
        QSignalSpy done(&page, &ModelsPage::trainingFinished);
        page.train();
        QTRY_VERIFY_WITH_TIMEOUT(page.curvePoints() >= 3, 60000);
        page.cancelTraining();
        QTRY_VERIFY_WITH_TIMEOUT(!page.isTraining(), 30000);
        QCOMPARE(done.count(), 0);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("modelsStatus"))->text().contains(QStringLiteral("cancelled")));
    }
};

QTEST_MAIN(TestModelsPage)
#include "tst_modelspage.moc"
