// The console's first start with no database: it offers the demo, opening a database and the
// cloud project instead of an empty window. The installed program shows the offer (screenshot
// mode saves the dialog); each choice refuses what is wrong with the reason, and the demo it
// builds (stopped after its first night here, to stay short) is the database the window opens.
#include "app/firststart.h"
#include "cloud/settings.h"
#include "store/database.h"
#include "guiutil.h"
#include "testutil.h"

#include <QCommandLinkButton>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

using namespace nbaops;
using namespace nbaops::ui;

class TestFirstStart : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_home;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", m_home.filePath(QStringLiteral("data")).toUtf8());
    }

    void theProgramOffersTheChoicesInsteadOfAnEmptyWindow()
    {
        QTemporaryDir home;
        const QString shot = home.filePath(QStringLiteral("first.png"));
        const auto run = test::runProgram(QStringLiteral(NBAOPS_CONSOLE_PATH),
                                          {QStringLiteral("--screenshot"), shot}, home.path(), 60000);
        QVERIFY2(run.code == 0, run.err.constData());
        QImage img(shot);
        QVERIFY(!img.isNull());
        QVERIFY2(img.width() >= 600 && img.height() >= 300, qPrintable(QStringLiteral("%1x%2").arg(img.width()).arg(img.height())));
        QVERIFY(!QFile::exists(home.filePath(QStringLiteral("nbaops/nbaops.db")))); // nothing created unasked
    }

    void theDialogNamesTheMissingDatabaseAndTheThreeChoices()
    {
        FirstStartDialog d(QStringLiteral("/nowhere/nbaops.db"), m_home.filePath(QStringLiteral("demo.db")));
        const auto buttons = d.findChildren<QCommandLinkButton*>();
        QCOMPARE(buttons.size(), 3);
        QStringList names;
        for (const auto* b : buttons)
            names << b->objectName();
        names.sort();
        QCOMPARE(names, (QStringList{QStringLiteral("firstStartCloud"), QStringLiteral("firstStartDemo"),
                                     QStringLiteral("firstStartOpen")}));
        QVERIFY(d.findChild<QCommandLinkButton*>(QStringLiteral("firstStartDemo"))->text().contains(QStringLiteral("Build")));
    }

    void openingRefusesWhatIsNotAnNbaopsDatabaseAndLeavesItAlone()
    {
        FirstStartDialog d(QStringLiteral("/nowhere/nbaops.db"), m_home.filePath(QStringLiteral("demo.db")));
        QVERIFY(!d.openDatabase(m_home.filePath(QStringLiteral("absent.db"))));
        QVERIFY(d.message().contains(QStringLiteral("not a file")));

        const QString text = m_home.filePath(QStringLiteral("notes.db"));
        {
            QFile f(text);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("these are not the droids\n");
        }
        QVERIFY(!d.openDatabase(text));
        QVERIFY2(d.message().contains(QStringLiteral("cannot be opened")), qPrintable(d.message()));
        QFile f(text);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("these are not the droids\n"));

        const QString other = m_home.filePath(QStringLiteral("other.sqlite"));
        {
            sqlite3* raw = nullptr;
            QCOMPARE(sqlite3_open(other.toUtf8().constData(), &raw), SQLITE_OK);
            QCOMPARE(sqlite3_exec(raw, "CREATE TABLE songs(title TEXT)", nullptr, nullptr, nullptr), SQLITE_OK);
            sqlite3_close(raw);
        }
        QVERIFY(!d.openDatabase(other));
        QVERIFY2(d.message().contains(QStringLiteral("not an nbaops one")), qPrintable(d.message()));
        QVERIFY(d.database().isEmpty());

        const QString good = m_home.filePath(QStringLiteral("good.db"));
        store::Database::open(good.toStdString());
        QVERIFY(d.openDatabase(good));
        QCOMPARE(d.database(), good);
    }

    // From the keyboard alone: Tab goes round each of the dialog's pages in reading order, every
    // control named for a screen reader, and the cloud choice opens its form.
    void theKeyboardGoesRoundEachPage()
    {
        FirstStartDialog d(QStringLiteral("/nowhere/nbaops.db"), m_home.filePath(QStringLiteral("demo.db")));
        d.show();
        QApplication::setActiveWindow(&d);
        QVERIFY(QTest::qWaitForWindowActive(&d));
        QStringList problems = test::walkTabs(d, &d, QStringLiteral("choices"));
        auto* cloud = d.findChild<QCommandLinkButton*>(QStringLiteral("firstStartCloud"));
        cloud->setFocus();
        QTest::keyClick(cloud, Qt::Key_Space);
        auto* project = d.findChild<QLineEdit*>();
        QTRY_VERIFY_WITH_TIMEOUT(project && project->isVisible(), 2000);
        problems << test::walkTabs(d, &d, QStringLiteral("cloud form"));
        for (const auto& p : problems)
            qWarning().noquote() << p;
        QVERIFY2(problems.isEmpty(), qPrintable(QString::number(problems.size()) + QStringLiteral(" problem(s), above")));
    }

    void connectingSavesTheProjectAndRefusesAMalformedOne()
    {
        FirstStartDialog d(QStringLiteral("/nowhere/nbaops.db"), m_home.filePath(QStringLiteral("demo.db")));
        QVERIFY(!d.connectCloud(QStringLiteral("   ")));
        QVERIFY(d.message().contains(QStringLiteral("project id")));
        QVERIFY(!d.connectCloud(QStringLiteral("Not_A_Project!")));
        QVERIFY2(d.message().contains(QStringLiteral("not a Google Cloud project id")), qPrintable(d.message()));
        QVERIFY(!d.cloud());
        QCOMPARE(cloud::loadSettings().backend, std::string("local"));

        QVERIFY(d.connectCloud(QStringLiteral(" nba-props-test ")));
        QVERIFY(d.cloud());
        QCOMPARE(d.cloud()->project, std::string("nba-props-test"));
        const auto saved = cloud::loadSettings();
        QCOMPARE(saved.backend, std::string("cloud"));
        QCOMPARE(saved.cloud.project, std::string("nba-props-test"));
        cloud::saveSettings({}); // back to local for the next case
    }

    void theDemoItBuildsIsWhatOpens()
    {
        const QString demo = m_home.filePath(QStringLiteral("data/nbaops/demo.db"));
        FirstStartDialog d(QStringLiteral("/nowhere/nbaops.db"), demo);
        QSignalSpy progress(&d, &FirstStartDialog::demoProgress);
        QSignalSpy done(&d, &QDialog::accepted);
        d.buildDemo();
        auto* bar = d.findChild<QProgressBar*>(QStringLiteral("firstStartProgress"));
        QVERIFY(bar);
        // Stopped once the first night is in: the finished nights are kept and open.
        QTRY_VERIFY_WITH_TIMEOUT(bar->value() >= 2, 240000);
        for (auto* b : d.findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("Stop"))
                b->click();
        QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, 240000);
        QCOMPARE(d.database(), demo);
        QVERIFY(progress.count() >= 2);
        auto db = store::Database::open(demo.toStdString(), store::Database::Mode::ReadOnly);
        QVERIFY(test::count(db, "SELECT count(*) FROM processor_runs") > 0);

        // The next first start finds it and offers to open it instead of building it again.
        FirstStartDialog again(QStringLiteral("/nowhere/nbaops.db"), demo);
        auto* button = again.findChild<QCommandLinkButton*>(QStringLiteral("firstStartDemo"));
        QVERIFY(button->text().contains(QStringLiteral("Open")));
        QSignalSpy opened(&again, &QDialog::accepted);
        button->click();
        QCOMPARE(opened.count(), 1);
        QCOMPARE(again.database(), demo);
    }
};

QTEST_MAIN(TestFirstStart)
#include "tst_firststart.moc"
