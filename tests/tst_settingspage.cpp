// The Settings page over the real Secret Service (its own D-Bus session and GNOME Keyring,
// tests/keyring/with_keyring.sh): the secrets table with source, age and rotation; setting a
// value (checked first, never shown or stored anywhere else) and deleting it, both audited by
// name; the backend and cloud settings saved to settings.json, refused with the reason when wrong.
#include "cloud/settings.h"
#include "common/texttable.h"
#include "jobs/backend.h"
#include "secrets/catalog.h"
#include "secrets/keychain.h"
#include "settings/settingspage.h"
#include "store/database.h"
#include "testutil.h"

#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace nbaops;
using namespace nbaops::ui;

class TestSettingsPage : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string m_db;

    static int rowOf(const TextTableModel& m, const QString& name)
    {
        for (int r = 0; r < m.rowCount(); ++r)
            if (m.cell(r, 0) == name)
                return r;
        return -1;
    }
    static void reload(SettingsPage& page)
    {
        QSignalSpy loaded(&page, &Page::loaded);
        page.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 20000);
    }
    QByteArray dbBytes() const
    {
        QFile f(QString::fromStdString(m_db));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        NBAOPS_REQUIRE_TEST_KEYRING();
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("ops.db")).toStdString();
        store::Database::open(m_db);
    }

    void secretsAreListedSetAndDeleted()
    {
        SettingsPage page(BackendPtr(jobs::localBackend(m_db)));
        page.resize(1280, 860);
        reload(page);
        auto& m = *page.secretsModel();
        QCOMPARE(m.rowCount(), int(secrets::catalog().size()));
        const int odds = rowOf(m, QStringLiteral("odds_api_key"));
        QVERIFY(odds >= 0);
        QCOMPARE(m.cell(odds, 2), QStringLiteral("not set"));

        // A value of the wrong shape is refused, and the message does not repeat it.
        page.setSecret(QStringLiteral("odds_api_key"), QStringLiteral("has a space"));
        QVERIFY2(page.message().contains(QStringLiteral("was not set")),
                 qPrintable(page.message()));
        QVERIFY(!page.message().contains(QStringLiteral("has a space")));

        const QString value = QStringLiteral("d1f0c2a9e8b74c6a9f21e3b5c7d9a0f1");
        page.setSecret(QStringLiteral("odds_api_key"), value);
        QVERIFY2(page.message().contains(QStringLiteral("is set")), qPrintable(page.message()));
        reload(page);
        QCOMPARE(m.cell(odds, 2), QStringLiteral("keychain"));
        QCOMPARE(m.cell(odds, 3), QStringLiteral("today"));
        QCOMPARE(m.cell(odds, 4), QStringLiteral("ok"));
        for (int c = 0; c < m.columnCount(); ++c)
            QVERIFY(!m.cell(odds, c).contains(value));
        const QImage shot = page.grab().toImage();
        QVERIFY(shot.save(QStringLiteral(NBAOPS_TEST_OUTPUT_DIR "/settings_page.png")));

        // The environment wins over the keychain, and says which variable.
        ::setenv("NBAOPS_BDL_API_KEY", "0123456789abcdef", 1);
        reload(page);
        const QString bdl = m.cell(rowOf(m, QStringLiteral("bdl_api_key")), 2);
        ::unsetenv("NBAOPS_BDL_API_KEY");
        QVERIFY2(bdl.startsWith(QStringLiteral("environment")), qPrintable(bdl));

        page.deleteSecret(QStringLiteral("odds_api_key"));
        reload(page);
        QCOMPARE(m.cell(odds, 2), QStringLiteral("not set"));
        // Audited by name; the value is nowhere in the database file.
        QVERIFY(dbBytes().contains("secrets.set"));
        QVERIFY(dbBytes().contains("secrets.delete"));
        QVERIFY(!dbBytes().contains(value.toUtf8()));
    }

    void settingsAreSavedOrRefusedWithTheReason()
    {
        SettingsPage page(BackendPtr(jobs::localBackend(m_db)));
        auto* choice = page.findChild<QComboBox*>(QStringLiteral("backendChoice"));
        auto* project = page.findChild<QLineEdit*>(QStringLiteral("cloudProject"));
        QVERIFY(choice && project);
        choice->setCurrentIndex(choice->findData(QStringLiteral("cloud")));
        project->clear();
        QVERIFY(!page.saveSettings());
        QVERIFY2(page.message().contains(QStringLiteral("needs a project id")),
                 qPrintable(page.message()));
        QVERIFY(!std::filesystem::exists(cloud::settingsPath()));

        project->setText(QStringLiteral("nba-props-sim"));
        QSignalSpy saved(&page, &SettingsPage::settingsSaved);
        QVERIFY2(page.saveSettings(), qPrintable(page.message()));
        QCOMPARE(saved.count(), 1);
        const auto back = cloud::loadSettings();
        QCOMPARE(back.backend, std::string("cloud"));
        QCOMPARE(back.cloud.project, std::string("nba-props-sim"));
        // A page opened later shows what was saved.
        SettingsPage again(BackendPtr(jobs::localBackend(m_db)));
        QCOMPARE(again.findChild<QLineEdit*>(QStringLiteral("cloudProject"))->text(),
                 QStringLiteral("nba-props-sim"));
    }
};

QTEST_MAIN(TestSettingsPage)
#include "tst_settingspage.moc"
