// The console's Health and Registry pages, offscreen, on a demo database.
#include "app/mainwindow.h"
#include "backfill/backfillmodels.h"
#include "alerts/alertspage.h"
#include "backfill/backfillpage.h"
#include "health/healthmodels.h"
#include "health/healthpage.h"
#include "common/texttable.h"
#include "health/phasetile.h"
#include "cloud/settings.h"
#include "jobs/backend.h"
#include "jobs/demo.h"
#include "pipeline/pipelinepage.h"
#include "pipeline/pipelinerunner.h"
#include "store/database.h"
#include "registry/registrymodel.h"
#include "registry/registrypage.h"
#include "guiutil.h"
#include "testutil.h"
#include "util/version.h"
#include "common/qtconv.h"
#include "common/statestyle.h"
#include "common/theme.h"

#include <QAbstractItemModelTester>
#include <QAbstractButton>
#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QtTest>

#include <cmath>

using namespace nbaops;
using namespace nbaops::ui;

class TestHealthPage : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;

private Q_SLOTS:
    void initTestCase()
    {
        m_db = m_dir.path() + QStringLiteral("/demo.db");
        test::buildDemoDatabase(m_db.toStdString());
    }

    void loadsInTheBackgroundAndRenders()
    {
        HealthPage page(m_db);
        QAbstractItemModelTester t1(page.failuresModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(page.freshnessModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t3(page.recentDaysModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.resize(1400, 860);
        page.show();
        QSignalSpy loaded(&page, &Page::loaded);
        QElapsedTimer t;
        t.start();
        page.refresh();
        QVERIFY2(t.elapsed() < 500, "refresh() must return at once; the check runs on a worker thread");
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QVERIFY(page.report());
        QCOMPARE(test::str(page.report()->overall), test::str(health::State::Degraded));
        QCOMPARE(test::str(page.findChild<PhaseTile*>(QStringLiteral("phaseTile1"))->state()), test::str(health::State::Degraded));
        QCOMPARE(test::str(page.findChild<PhaseTile*>(QStringLiteral("phaseTile6"))->state()), test::str(health::State::Healthy)); // its SLA is noon
        // Four root causes (the hung box score and its failed fallback, jointly, each retried and
        // listed once; the malformed box score resolved by a rerun; the killed run resolved by its
        // retry); their cascades are counted.
        QCOMPARE(page.failuresModel()->rowCount(), 4);
        QVERIFY(page.failuresModel()->index(0, FailuresModel::Blocked).data().toString().contains(QStringLiteral("10")));
        QCOMPARE(page.failuresModel()->index(0, FailuresModel::Status).data().toString(), QStringLiteral("open"));
        QCOMPARE(page.failuresModel()->index(0, FailuresModel::Category).data().toString(), QStringLiteral("timeout"));
        QCOMPARE(page.recentDaysModel()->rowCount(), 7);
        QVERIFY(page.freshnessModel()->rowCount() >= 3); // one per table of phases 2-6
        const auto* detail = page.findChild<QLabel*>(QStringLiteral("failureDetail"));
        QVERIFY(detail->text().contains(QStringLiteral("timed out")));

        const QImage img = page.grab().toImage();
        const QString png = QString::fromStdString((test::outputDir() / "health_page.png").string());
        QVERIFY(img.save(png));
        QVERIFY(QFileInfo(png).size() > 20000);
        // Not a blank page: the tiles put several distinct colours on it (waiting, bounded, for
        // the layout's later passes).
        QTRY_VERIFY_WITH_TIMEOUT(test::coloursAcross(page, 0.2) > 5, 10000);
    }

    void aStaleResultIsDropped()
    {
        HealthPage page(m_db);
        QSignalSpy loaded(&page, &Page::loaded);
        page.refresh();
        page.refresh(); // supersedes the first
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QTest::qWait(300);
        QCOMPARE(loaded.count(), 1);
    }

    void aMissingDatabaseSaysWhatToDo()
    {
        HealthPage page(m_dir.path() + QStringLiteral("/nope.db"));
        QSignalSpy failed(&page, &Page::failed);
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("nbaops demo")));
        QVERIFY(!QFile::exists(m_dir.path() + QStringLiteral("/nope.db")));
    }

    void slaGapChecksAndReadinessTabs()
    {
        HealthPage page(m_db);
        QAbstractItemModelTester t1(page.slaModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(page.gapModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t3(page.readinessModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.resize(1400, 860);
        page.show();
        QSignalSpy loaded(&page, &Page::loaded);
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        // The SLAs: one row each, as the report has them; the demo's box-score outage of
        // 2024-01-15 is the last miss of phase 3 completeness.
        QVERIFY(page.slaReport());
        QCOMPARE(page.slaModel()->rowCount(), int(page.slaReport()->slas.size()));
        QCOMPARE(page.slaModel()->cell(0, 0), QStringLiteral("Phase 3 completeness"));
        QCOMPARE(page.slaModel()->cell(0, 5), QStringLiteral("2024-01-15"));
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("slaDetail"))->text().contains(QStringLiteral("0 of 7 final games")));
        // The gaps: the two box-score sources of 2024-01-15, each with the tables it leaves stale.
        QCOMPARE(page.gapModel()->rowCount(), int(page.report()->gaps.size()));
        QVERIFY(page.gapModel()->rowCount() >= 2);
        QCOMPARE(page.gapModel()->cell(0, 0), QStringLiteral("2024-01-15"));
        QVERIFY2(page.gapModel()->cell(0, 5).contains(QStringLiteral("player_game_summary")),
                 qPrintable(page.gapModel()->cell(0, 1) + u'|' + page.gapModel()->cell(0, 4) + u'|' + page.gapModel()->cell(0, 5)));
        QVERIFY(page.tabs()->tabText(4).startsWith(QStringLiteral("Gaps (")));
        QCOMPARE(page.checkModel()->rowCount(), int(page.report()->checks.size()));
        // Readiness: a header row per category and a row per item, the total said above them.
        int items = 0;
        for (const auto& c : page.scorecard()->categories)
            items += 1 + int(c.items.size());
        QCOMPARE(page.readinessModel()->rowCount(), items);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("readinessTotal"))->text().contains(QStringLiteral("(go at 70)")));
        for (const auto& [tab, name] : {std::pair{3, "health_slas.png"}, std::pair{4, "health_gaps.png"},
                                        std::pair{5, "health_readiness.png"}}) {
            page.tabs()->setCurrentIndex(tab);
            QTest::qWait(50);
            QVERIFY(page.grab().save(QString::fromStdString((test::outputDir() / name).string())));
        }
    }

    void mainWindowShowsPagesAndBackend()
    {
        MainWindow w(m_db);
        auto* sidebar = w.findChild<QListWidget*>(QStringLiteral("sidebar"));
        QVERIFY(sidebar);
        QCOMPARE(sidebar->count(), 9); // health, alerts, trends, pipeline, backfill, models, recovery, registry, settings
        const auto* label = w.findChild<QLabel*>(QStringLiteral("dbLabel"));
        QVERIFY(label->text().contains(m_db));
        // Help > About (F1) says the version, the commit, the backend and the database.
        const auto* about = w.findChild<QAction*>(QStringLiteral("aboutAction"));
        QVERIFY(about);
        QCOMPARE(about->shortcut(), QKeySequence(QKeySequence::HelpContents));
        const QString aboutText = w.aboutText();
        QVERIFY2(aboutText.contains(QString::fromStdString(std::string(version()))) &&
                     aboutText.contains(QString::fromStdString(std::string(gitCommit()))) &&
                     aboutText.contains(QStringLiteral("local (embedded SQLite)")) && aboutText.contains(m_db),
                 qPrintable(aboutText));
        QVERIFY(label->text().contains(QStringLiteral("local")));
        // Every page from the keyboard: Ctrl+1..9 in the sidebar's order, Ctrl+R and F5 refresh.
        for (int i = 0; i < sidebar->count(); ++i) {
            const QString id = w.pageIds().at(i);
            auto* go = w.findChild<QAction*>(QStringLiteral("goAction_") + id);
            QVERIFY2(go, qPrintable(id));
            QCOMPARE(go->shortcut(), QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
            QVERIFY(sidebar->item(i)->toolTip().contains(go->shortcut().toString(QKeySequence::NativeText)));
            go->trigger();
            QCOMPARE(w.currentPage(), w.page(id));
            QCOMPARE(sidebar->currentRow(), i);
        }
        w.findChild<QAction*>(QStringLiteral("goAction_health"))->trigger();
        auto* refresh = w.findChild<QAction*>(QStringLiteral("refreshAction"));
        QVERIFY(refresh);
        QVERIFY(refresh->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_R)));
        QVERIFY(refresh->shortcuts().contains(QKeySequence(Qt::Key_F5)));
        QSignalSpy reloaded(w.page(QStringLiteral("health")), &Page::loaded);
        refresh->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(reloaded.count() >= 1, 30000);
        {
            // The same pages over a cloud project's cache (the demo's runs stand in for a synced
            // history: the cache has the local schema). The status bar names the project and the
            // cache's age; the pages read the same figures and act through the cloud: "Next:"
            // names `cloud trigger`, a backfill says it runs on the services, and what would write into
            // the cache (the timeouts) is off, saying why.
            cloud::CloudSettings cs;
            cs.project = "nba-props-sim";
            MainWindow c(BackendPtr(jobs::cloudBackend(cs, m_db.toStdString())));
            const QString t = c.backendText();
            QVERIFY2(t.startsWith(QStringLiteral("Backend: cloud · nba-props-sim · never synced")), qPrintable(t));
            auto* h = c.page(QStringLiteral("health"));
            QSignalSpy shown(h, &Page::loaded);
            QVERIFY(c.showPage(QStringLiteral("health")));
            QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1, 30000);
            QStringList lines;
            for (auto* l : h->findChild<QWidget*>(QStringLiteral("nextSteps"))->findChildren<QLabel*>())
                lines << l->text();
            const QString next = lines.join(u'\n');
            QVERIFY2(next.contains(QStringLiteral("nbaops --backend cloud cloud trigger --processor ")) &&
                         !next.contains(QStringLiteral("'nbaops run")),
                     qPrintable(next));
            // The checks of what the cache does not hold say so rather than measure empty tables.
            auto* checks = h->findChild<QTableView*>(QStringLiteral("checksView"));
            QVERIFY(checks);
            QStringList notInCache;
            for (int row = 0; row < checks->model()->rowCount(); ++row) {
                for (int col = 0; col < checks->model()->columnCount(); ++col)
                    if (checks->model()->index(row, col).data().toString().contains(QStringLiteral("not in the cloud cache")))
                        notInCache << checks->model()->index(row, 0).data().toString();
            }
            QVERIFY2(notInCache.size() == 5, qPrintable(notInCache.join(u',')));
            auto* backfillStart = c.page(QStringLiteral("backfill"))->findChild<QPushButton*>(QStringLiteral("startButton"));
            QVERIFY2(backfillStart->toolTip().contains(QStringLiteral("Cloud Run services")),
                     qPrintable(backfillStart->toolTip()));
            auto* trends = c.page(QStringLiteral("trends"));
            QSignalSpy trendsShown(trends, &Page::loaded);
            QVERIFY(c.showPage(QStringLiteral("trends")));
            QTRY_VERIFY_WITH_TIMEOUT(trendsShown.count() >= 1, 30000);
            auto* apply = trends->findChild<QPushButton*>(QStringLiteral("applyTimeouts"));
            QVERIFY(!apply->isEnabled());
            QVERIFY2(apply->toolTip().contains(QStringLiteral("cache")), qPrintable(apply->toolTip()));
        }
        QSignalSpy loaded(w.page(QStringLiteral("registry")), &Page::loaded);
        QVERIFY(w.showPage(QStringLiteral("registry")));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 5000);
        QVERIFY(!w.showPage(QStringLiteral("nonexistent")));

        // The gap rows send the operator to the Backfill page with the gaps planned.
        auto* health = w.page(QStringLiteral("health"));
        QSignalSpy healthLoaded(health, &Page::loaded);
        QVERIFY(w.showPage(QStringLiteral("health")));
        QTRY_VERIFY_WITH_TIMEOUT(healthLoaded.count() >= 1, 30000);
        auto* fill = health->findChild<QPushButton*>(QStringLiteral("fillGapsButton"));
        QVERIFY(fill);
        QTRY_VERIFY_WITH_TIMEOUT(fill->isEnabled(), 10000); // the demo's injected faults leave gaps
        auto* backfill = static_cast<BackfillPage*>(w.page(QStringLiteral("backfill")));
        QSignalSpy planned(backfill, &BackfillPage::planned);
        fill->click();
        QCOMPARE(w.currentPage(), backfill);
        QTRY_VERIFY_WITH_TIMEOUT(planned.count() >= 1, 30000);
        QVERIFY(backfill->planModel()->rowCount() >= 1);
    }

    // Keyboard navigation of every page, and of every tab of its tab widgets: from the first
    // control, Tab visits every visible, enabled control once and comes back round (no control
    // out of reach, none that keeps the focus, a table included), in reading order: each next
    // control lies below the last, on its row further right, or in a column to its right.
    void tabOrderFollowsReadingOrder()
    {
        MainWindow w(m_db);
        w.show();
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QStringList problems;
        int walks = 0;
        for (const QString& id : w.pageIds()) {
            auto* page = w.page(id);
            QSignalSpy loaded(page, &Page::loaded);
            QVERIFY(w.showPage(id));
            QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 30000);
            QTest::qWait(50);
            problems << test::walkTabs(w, page, id);
            ++walks;
            for (auto* tabs : page->findChildren<QTabWidget*>()) {
                if (!tabs->isVisibleTo(&w))
                    continue;
                for (int i = 0; i < tabs->count(); ++i) {
                    tabs->setCurrentIndex(i);
                    QTest::qWait(20);
                    problems << test::walkTabs(w, page, id + u'/' + tabs->tabText(i));
                    ++walks;
                }
                tabs->setCurrentIndex(0);
            }
        }
        QVERIFY2(walks > 20, qPrintable(QString::number(walks)));
        for (const auto& p : problems) // each on its own line: a long failure message is cut
            qWarning().noquote() << p;
        QVERIFY2(problems.isEmpty(), qPrintable(QString::number(problems.size()) + QStringLiteral(" problem(s), above")));
    }

    // Each "Next:" line has its action beside it: a retry asks first, naming the command that
    // does the same from a terminal, then runs on the Pipeline page; an alerts line opens the
    // Alerts page filtered.
    void nextStepsActBesideTheirLines()
    {
        const QString db = m_dir.path() + QStringLiteral("/next.db");
        QVERIFY(QFile::copy(m_db, db));
        MainWindow w(db);
        w.resize(1400, 900);
        w.show();
        auto* health = static_cast<HealthPage*>(w.page(QStringLiteral("health")));
        QSignalSpy loaded(health, &Page::loaded);
        QVERIFY(w.showPage(QStringLiteral("health")));
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 30000);
        const auto& next = health->report()->next;
        int retry = -1;
        for (size_t i = 0; i < next.size() && retry < 0; ++i)
            if (next[i].action == health::NextStep::Action::Retry)
                retry = int(i);
        QVERIFY2(retry >= 0, "the demo's injected faults leave an unresolved failure");
        const auto& step = next[size_t(retry)];
        const QString command = QStringLiteral("nbaops run --date %1 --only %2").arg(qs(step.date), qs(step.processor));
        QCOMPARE(qs(step.command), command);
        QPushButton* button = nullptr;
        for (auto* b : health->findChildren<QPushButton*>(QStringLiteral("nextStepAction")))
            if (b->text().startsWith(QStringLiteral("Retry ") + qs(step.processor)))
                button = b;
        QVERIFY(button);
        QVERIFY2(button->toolTip().contains(command), qPrintable(button->toolTip()));

        QSignalSpy rerun(health, &HealthPage::rerunRequested);
        QString asked;
        health->setConfirm([&](const QString& q) {
            asked = q;
            return false;
        });
        button->click();
        QVERIFY(asked.contains(command));
        QCOMPARE(rerun.count(), 0); // declined: nothing runs

        auto* pipeline = static_cast<PipelinePage*>(w.page(QStringLiteral("pipeline")));
        QSignalSpy finished(pipeline->runner(), &PipelineRunner::finished);
        health->setConfirm([](const QString&) { return true; });
        QVERIFY(health->triggerNextStep(retry));
        QCOMPARE(rerun.count(), 1);
        QCOMPARE(rerun.at(0).at(1).toString(), qs(step.processor));
        QCOMPARE(w.currentPage(), pipeline);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
        auto runs = store::Database::open(db.toStdString(), store::Database::Mode::ReadOnly);
        auto st = runs.prepare("SELECT status FROM processor_runs WHERE processor = ? AND game_date = ? ORDER BY id DESC LIMIT 1");
        st.bindAll(step.processor, step.date);
        QVERIFY(st.step());
        QCOMPARE(qs(st.getText(0)), QStringLiteral("success")); // the retry, without the demo's fault, worked

        // The Alerts page, filtered as an alerts line opens it.
        auto* alerts = static_cast<AlertsPage*>(w.page(QStringLiteral("alerts")));
        QSignalSpy alertsLoaded(alerts, &Page::loaded);
        QVERIFY(w.showPage(QStringLiteral("alerts")));
        QTRY_VERIFY_WITH_TIMEOUT(alertsLoaded.count() >= 1, 30000);
        alerts->filterTo(QStringLiteral("run_failed"));
        int shown = 0;
        for (int row = 0; row < alerts->openModel()->rowCount(); ++row) {
            if (alerts->openView()->isRowHidden(row))
                continue;
            ++shown;
            QCOMPARE(alerts->openModel()->index(row, 3).data().toString(), QStringLiteral("run_failed"));
        }
        QVERIFY(shown >= 1 || alerts->openModel()->rowCount() == 0);
        alerts->filterTo(QString());
        for (int row = 0; row < alerts->openModel()->rowCount(); ++row)
            QVERIFY(!alerts->openView()->isRowHidden(row));
    }

    void registryModelPassesTheTester()
    {
        RegistryPage page;
        QAbstractItemModelTester t(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(page.model()->rowCount() >= 15);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("impact"))->text().contains(QStringLiteral("downstream")));
    }

    // --help and --version answer on a machine without a display (a QApplication would die in
    // the platform plugin first: "could not connect to display").
    void helpAndVersionNeedNoDisplay()
    {
        for (const QString& flag : {QStringLiteral("--help"), QStringLiteral("--version")}) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            for (const char* var : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
                env.remove(QString::fromLatin1(var));
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(NBAOPS_CONSOLE_PATH), {flag});
            QVERIFY(p.waitForFinished(30000));
            const QByteArray out = p.readAllStandardOutput();
            const QByteArray versionLine = QByteArray("nbaops-console ") + QByteArray::fromStdString(std::string(version()));
            QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, p.readAllStandardError().constData());
            QVERIFY2(flag == QStringLiteral("--help") ? out.contains("--screenshot") && out.contains("--backend")
                                                      : out.startsWith(versionLine) &&
                                                            out.contains("(git "),
                     out.constData());
        }
    }

    // Every page as the console saves it, in the light scheme and the dark one (--theme dark):
    // each renders, and the dark one is dark.
    void screenshotCommandWritesAPng_data()
    {
        QTest::addColumn<QString>("page");
        QTest::addColumn<QString>("scheme");
        for (const char* page : {"health", "alerts", "trends", "pipeline", "backfill", "models", "dr", "registry",
                                 "settings"})
            for (const char* scheme : {"light", "dark"})
                QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(QLatin1String(page), QLatin1String(scheme))))
                    << QString::fromLatin1(page) << QString::fromLatin1(scheme);
    }

    void screenshotCommandWritesAPng()
    {
        QFETCH(QString, page);
        QFETCH(QString, scheme);
        const QString png = QString::fromStdString(
            (test::outputDir() / ("console_" + page.toStdString() + (scheme == QLatin1String("dark") ? "_dark" : "") + ".png"))
                .string());
        QFile::remove(png);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(NBAOPS_CONSOLE_PATH), {QStringLiteral("--db"), m_db, QStringLiteral("--page"), page,
                                                       QStringLiteral("--theme"), scheme, QStringLiteral("--screenshot"), png});
        QVERIFY(p.waitForFinished(90000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QVERIFY(QFileInfo(png).size() > 20000);
        // The page's mean lightness: a dark scheme is dark, a light one light.
        const QImage img(png);
        double sum = 0;
        int n = 0;
        for (int y = 0; y < img.height(); y += 7)
            for (int x = 0; x < img.width(); x += 7, ++n)
                sum += QColor(img.pixel(x, y)).lightnessF();
        const double mean = sum / n;
        if (scheme == QLatin1String("dark"))
            QVERIFY2(mean < 0.35, qPrintable(QString::number(mean)));
        else
            QVERIFY2(mean > 0.6, qPrintable(QString::number(mean)));
    }

    // Text on its ground reads in both schemes: WCAG's contrast ratio, at least 4.5 for the
    // states' labels on their tiles and rows, and for the muted, warning, error and ok texts on
    // the window; and a table row's tint under the palette's text.
    void coloursAreReadableInBothSchemes()
    {
        const auto luminance = [](const QColor& c) {
            const auto lin = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
            return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF());
        };
        const auto contrast = [&](const QColor& a, const QColor& b) {
            const double la = luminance(a), lb = luminance(b);
            return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
        };
        auto* app = qobject_cast<QApplication*>(QCoreApplication::instance());
        const QPalette original = app->palette();
        for (const Scheme scheme : {Scheme::Dark, Scheme::Light}) {
            applyScheme(*app, scheme);
            const QString name = scheme == Scheme::Dark ? QStringLiteral("dark") : QStringLiteral("light");
            const QColor window = app->palette().color(QPalette::Window);
            const QColor text = app->palette().color(QPalette::Text);
            for (const auto st : {health::State::Healthy, health::State::Degraded, health::State::Failed, health::State::NotRun}) {
                const auto s = styleFor(st);
                QVERIFY2(contrast(s.foreground, s.background) >= 4.5, qPrintable(name + QLatin1Char(' ') + s.label));
                QVERIFY2(contrast(text, s.background) >= 4.5, qPrintable(name + QStringLiteral(" text on ") + s.label));
            }
            const Theme& t = theme();
            for (const auto& [c, what] : {std::pair{t.muted, "muted"}, {t.warnText, "warning"}, {t.errorText, "error"},
                                          {t.okText, "ok"}})
                QVERIFY2(contrast(c, window) >= 4.5, qPrintable(name + QLatin1Char(' ') + QLatin1String(what)));
            for (const auto& [c, what] : {std::pair{t.rowRed, "red row"}, {t.rowAmber, "amber row"},
                                          {t.rowYellow, "yellow row"}, {t.rowNeutral, "neutral row"}})
                QVERIFY2(contrast(text, c) >= 4.5, qPrintable(name + QLatin1Char(' ') + QLatin1String(what)));
            QVERIFY2(contrast(t.bannerText, t.bannerBackground) >= 4.5, qPrintable(name + QStringLiteral(" banner")));
            QVERIFY2(contrast(t.graphText, t.graphBackground) >= 4.5, qPrintable(name + QStringLiteral(" graph")));
        }
        app->setPalette(original);
    }
};

QTEST_MAIN(TestHealthPage)
#include "tst_healthpage.moc"
