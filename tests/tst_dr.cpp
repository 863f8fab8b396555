// Backups and restores: the round trip, each kind of damage found and refused with the live
// state untouched, the refusal while a run holds the database, restoring chosen tables (and the
// tables their triggers keep), test-restore, kill -9 during a restore, a copy made while a
// writer writes, and the retention policy.
#include "dr/backup.h"
#include "dr/checks.h"
#include "dr/onlinecopy.h"
#include "dr/restore.h"
#include "dr/retention.h"
#include "dr/verify.h"
#include "jobs/runrange.h"
#include "store/database.h"
#include "testutil.h"
#include "util/date.h"
#include "util/errors.h"
#include "util/files.h"
#include "util/process.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <fstream>
#include <map>
#include <thread>

using namespace nbaops;
namespace fs = std::filesystem;

namespace {

using Sums = std::map<std::string, std::string>;

// Every table's "rows:checksum", but the tables a whole restore keeps from the live state.
Sums tableSums(const fs::path& db, bool all = false)
{
    auto c = store::Database::openCopy(db, false);
    Sums out;
    for (const auto& s : dr::sumTables(c, dr::tableNames(c))) {
        if (all || (s.name != "audit_log" && s.name != "backups" && s.name != "drills" &&
                    s.name != "drill_steps"))
            out[s.name] = std::to_string(s.rows) + ":" + s.checksum;
    }
    return out;
}

Sums manifestSums(const dr::Manifest& m)
{
    Sums out;
    for (const auto& t : m.tables) {
        if (t.name != "audit_log" && t.name != "backups" && t.name != "drills" &&
            t.name != "drill_steps")
            out[t.name] = std::to_string(t.rows) + ":" + t.checksum;
    }
    return out;
}

Sums fileSums(const fs::path& dataDir)
{
    Sums out;
    for (const auto& top : dr::dataFolders()) {
        if (!fs::exists(dataDir / top))
            continue;
        for (const auto& e : fs::recursive_directory_iterator(dataDir / top)) {
            if (e.is_regular_file())
                out[fs::relative(e.path(), dataDir).string()] = sha256File(e.path()).sha256;
        }
    }
    return out;
}

void flipByte(const fs::path& p, int64_t at)
{
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(at);
    char c = 0;
    f.get(c);
    f.seekp(at);
    f.put(char(c ^ 0x5a));
}

std::string firstRaw(const dr::Manifest& m)
{
    for (const auto& f : m.files) {
        if (f.path.starts_with("files/raw/"))
            return f.path;
    }
    return {};
}

} // namespace

class TestDr : public QObject
{
    Q_OBJECT

    QTemporaryDir m_base; // a data folder with two nights of the simulated league
    fs::path baseDb() const { return fs::path(m_base.path().toStdString()) / "t.db"; }

    // A fresh copy of the base data folder; returns the database path in it.
    fs::path copyOfBase(QTemporaryDir& into)
    {
        const fs::path to(into.path().toStdString());
        fs::copy(m_base.path().toStdString(), to,
                 fs::copy_options::recursive | fs::copy_options::overwrite_existing);
        return to / "t.db";
    }

    static dr::BackupResult backup(const fs::path& db, std::vector<std::string> tables = {})
    {
        dr::BackupOptions o;
        o.database = db;
        o.tables = std::move(tables);
        return dr::createBackup(o, {});
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_base.isValid());
        test::buildNights(m_base.path().toStdString(), Date::ymd(2024, 1, 9), Date::ymd(2024, 1, 10));
        QVERIFY(fs::exists(baseDb()));
        QVERIFY(fs::exists(fs::path(m_base.path().toStdString()) / "raw"));
    }

    void roundTripRestoresTablesAndFiles()
    {
        QTemporaryDir dir;
        const auto db = copyOfBase(dir);
        const auto dataDir = db.parent_path();
        const auto b = backup(db);
        QVERIFY(b.manifest.files.size() > 20);
        QCOMPARE(int(b.manifest.exports.size()), 13);
        const Sums files = fileSums(dataDir);
        // Damage: phase-3 rows of a date gone, a raw payload changed, a published document gone;
        // and a payload the backup does not have (newer) appears.
        {
            auto live = store::Database::open(db);
            live.exec("DELETE FROM player_game_summary WHERE game_date = '2024-01-10'");
        }
        const std::string raw = firstRaw(b.manifest).substr(6);
        flipByte(dataDir / raw, 10);
        fs::path published;
        for (const auto& [rel, _] : files) {
            if (rel.starts_with("publish/"))
                published = dataDir / rel;
        }
        fs::remove(published);
        writeFileAtomically(dataDir / "raw/extra/newer.json", "{}");
        QVERIFY(tableSums(db) != manifestSums(b.manifest));

        dr::RestoreOptions o;
        o.database = db;
        o.id = b.manifest.id;
        const auto r = dr::restoreBackup(o, {});
        QVERIFY2(r.ok, r.summary().c_str());
        QCOMPARE(r.filesRestored, int64_t(2));
        QCOMPARE(r.filesKept, int64_t(1));
        QVERIFY(!r.safetyBackupId.empty());
        QCOMPARE(tableSums(db), manifestSums(b.manifest));
        auto after = fileSums(dataDir);
        QVERIFY(after.erase("raw/extra/newer.json") == 1);
        QCOMPARE(after, files);
        auto live = store::Database::open(db);
        QCOMPARE(
            test::count(
                live,
                "SELECT count(*) FROM audit_log WHERE action = 'backup.restore' AND result = 'ok'"),
            int64_t(1));
        // The audit rows made after the backup survive it (the backup's own creation row included).
        QCOMPARE(test::count(live, "SELECT count(*) FROM audit_log WHERE action = 'backup.create'"),
                 int64_t(2));
        QVERIFY(!fs::exists(dataDir / ".restore"));
    }

    void damageIsFoundNamedAndRefused_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("what");
        QTest::newRow("a changed byte in the database copy")
            << QStringLiteral("db_byte") << QStringLiteral("database");
        QTest::newRow("a truncated file") << QStringLiteral("truncated") << QStringLiteral("file");
        QTest::newRow("a raw payload changed")
            << QStringLiteral("payload_changed") << QStringLiteral("file");
        QTest::newRow("a raw payload deleted")
            << QStringLiteral("payload_deleted") << QStringLiteral("file");
        QTest::newRow("an edited manifest")
            << QStringLiteral("manifest") << QStringLiteral("manifest");
        QTest::newRow("a JSON-lines export changed")
            << QStringLiteral("export") << QStringLiteral("export");
    }

    void damageIsFoundNamedAndRefused()
    {
        QFETCH(QString, damage);
        QFETCH(QString, what);
        QTemporaryDir dir;
        const auto db = copyOfBase(dir);
        const auto b = backup(db);
        const auto& m = b.manifest;
        std::string name;
        if (damage == QLatin1String("db_byte")) {
            flipByte(b.folder / m.database.path, m.database.bytes / 2);
            name = m.database.path;
        } else if (damage == QLatin1String("truncated")) {
            name = m.files.back().path;
            fs::resize_file(b.folder / name, fs::file_size(b.folder / name) / 2);
        } else if (damage == QLatin1String("payload_changed")) {
            name = firstRaw(m);
            flipByte(b.folder / name, 3);
        } else if (damage == QLatin1String("payload_deleted")) {
            name = firstRaw(m);
            fs::remove(b.folder / name);
        } else if (damage == QLatin1String("manifest")) {
            std::string text = readFile(b.folder / "manifest.json");
            const auto at = text.find("\"rows\": ");
            text.insert(at + 8, "1");
            writeFileAtomically(b.folder / "manifest.json", text);
            name = "manifest.json";
        } else {
            name = m.exports.front().path;
            flipByte(b.folder / name, 5);
        }
        const Sums before = tableSums(db, true);
        const Sums filesBefore = fileSums(db.parent_path());

        const auto entry = dr::findBackup(dr::defaultBackupDir(db), m.id);
        const auto report = dr::verifyBackup(entry, {});
        QVERIFY(!report.ok);
        bool named = false;
        for (const auto& p : report.problems)
            named = named || (p.what == what.toStdString() && p.name == name);
        QVERIFY2(named, report.summary().c_str());

        dr::RestoreOptions o;
        o.database = db;
        o.id = m.id;
        try {
            dr::restoreBackup(o, {});
            QFAIL("a damaged backup was restored");
        } catch (const OpsError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("does not verify")),
                     e.what());
        }
        QCOMPARE(tableSums(db, true), before);
        QCOMPARE(fileSums(db.parent_path()), filesBefore);
    }

    void restoreRefusesWhileARunHoldsTheDatabase()
    {
        QTemporaryDir dir;
        const auto db = copyOfBase(dir);
        const auto b = backup(db);
        {
            auto live = store::Database::open(db);
            live.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, "
                         "started_at, status, pid, host, "
                         "process_start) VALUES ('r', 'game_schedule', 3, '2024-01-11', "
                         "'2024-01-12T09:00:00Z', 'running', ?, ?, ?)")
                .bindAll(currentProcess().pid, currentProcess().host, currentProcess().start)
                .run();
        }
        const Sums before = tableSums(db, true);
        dr::RestoreOptions o;
        o.database = db;
        o.id = b.manifest.id;
        QVERIFY_THROWS_EXCEPTION(OpsError, dr::restoreBackup(o, {}));
        QCOMPARE(tableSums(db, true), before);
    }

    void chosenTablesBringTheirTriggerTablesAndRefuseDanglingReferences()
    {
        QTemporaryDir dir;
        const auto db = copyOfBase(dir);
        const auto b = backup(db);
        {
            auto live = store::Database::open(db);
            live.exec("DELETE FROM processor_runs WHERE game_date = '2024-01-10'");
        }
        dr::RestoreOptions o;
        o.database = db;
        o.id = b.manifest.id;
        o.tables = {"processor_runs"};
        const auto r = dr::restoreBackup(o, {});
        QVERIFY2(r.ok, r.summary().c_str());
        QVERIFY(std::find(r.addedTables.begin(), r.addedTables.end(), "processor_latest") !=
                r.addedTables.end());
        const auto now = tableSums(db);
        const auto want = manifestSums(b.manifest);
        for (const auto& t : r.tables)
            QCOMPARE(now.at(t), want.at(t));

        // raw_payloads from a backup without the newest payloads: raw rows would point nowhere.
        QTemporaryDir dir2;
        const auto db2 = copyOfBase(dir2);
        {
            auto live = store::Database::open(db2);
            live.exec("PRAGMA foreign_keys = OFF");
            live.exec("DELETE FROM raw_payloads WHERE game_date = '2024-01-10'");
        }
        const auto older = backup(db2, {"raw_payloads"});
        QVERIFY(!older.manifest.whole());
        QVERIFY(older.manifest.files.empty());
        {
            auto live = store::Database::open(db2);
            live.exec("PRAGMA foreign_keys = OFF");
            live.prepare("ATTACH DATABASE ? AS base").bind(1, baseDb().string()).run();
            live.exec("INSERT INTO raw_payloads SELECT * FROM base.raw_payloads WHERE game_date = "
                      "'2024-01-10'");
            live.exec("DETACH DATABASE base");
        }
        const Sums before = tableSums(db2, true);
        dr::RestoreOptions o2;
        o2.database = db2;
        o2.id = older.manifest.id;
        o2.tables = {"raw_payloads"};
        try {
            dr::restoreBackup(o2, {});
            QFAIL("a restore that leaves references dangling went through");
        } catch (const UsageError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(
                         QStringLiteral("refers to rows of raw_payloads")),
                     e.what());
        }
        const auto after = tableSums(db2, true);
        for (const auto& [t, sum] : before) {
            if (t != "backups" &&
                t != "audit_log") // the safety backup and the audit of the attempt
                QCOMPARE(after.at(t), sum);
        }
    }

    void testRestoreProvesAndRecordsIt()
    {
        QTemporaryDir dir;
        const auto db = copyOfBase(dir);
        const auto b = backup(db);
        auto entry = dr::findBackup(dr::defaultBackupDir(db), "latest");
        const auto t = dr::testRestore(entry, dr::defaultBackupDir(db), {});
        QVERIFY2(t.proof.ok, t.proof.detail.c_str());
        auto live = store::Database::open(db);
        dr::recordProof(&live, entry, t.proof);
        QCOMPARE(
            test::count(
                live, "SELECT count(*) FROM backups WHERE proven_ok = 1 AND proven_at IS NOT NULL"),
            int64_t(1));
        entry = dr::findBackup(dr::defaultBackupDir(db), "latest");
        QVERIFY(entry.provenOk && *entry.provenOk);
        // No scratch left behind; a damaged backup is not proven.
        for (const auto& e : fs::directory_iterator(dr::defaultBackupDir(db)))
            QVERIFY(!e.path().filename().string().starts_with(".test-restore"));
        flipByte(b.folder / b.manifest.database.path, 100);
        const auto bad = dr::testRestore(dr::findBackup(dr::defaultBackupDir(db), "latest"),
                                         dr::defaultBackupDir(db), {});
        QVERIFY(!bad.proof.ok);
        QVERIFY2(
            QString::fromStdString(bad.proof.detail).contains(QStringLiteral("does not verify")),
            bad.proof.detail.c_str());
    }

    void databaseLossIsRestoredIntoAnEmptyFolder()
    {
        QTemporaryDir dir;
        const auto db = copyOfBase(dir);
        const auto b = backup(db);
        for (const char* s : {"", "-wal", "-shm"})
            fs::remove(db.string() + s);
        fs::remove_all(db.parent_path() / "raw");
        dr::RestoreOptions o;
        o.database = db;
        o.id = "latest";
        const auto r = dr::restoreBackup(o, {});
        QVERIFY2(r.ok, r.summary().c_str());
        QVERIFY(r.safetyBackupId.empty());
        QCOMPARE(tableSums(db), manifestSums(b.manifest));
        auto live = store::Database::open(db);
        QVERIFY(dr::checkIntegrity(live).empty());
        QVERIFY(dr::checkPayloads(live, db.parent_path(), std::nullopt).problems.empty());
    }

    void killDuringRestoreLeavesTheOldStateOrTheNew()
    {
        QTemporaryDir dir;
        const auto db = copyOfBase(dir);
        const auto b = backup(db);
        const Sums restored = manifestSums(b.manifest);
        const QString cli = QStringLiteral(NBAOPS_CLI_PATH);
        int sawOld = 0, sawNew = 0;
        for (const int delayMs : {30, 120, 250, 400, 600, 900, 1300, 2000}) {
            {
                auto live = store::Database::open(db);
                live.exec("DELETE FROM player_game_summary WHERE game_date = '2024-01-10'");
                live.exec("DELETE FROM processor_runs WHERE id IN (SELECT id FROM processor_runs "
                          "ORDER BY id DESC LIMIT 3)");
            }
            const Sums damaged = tableSums(db);
            QProcess p;
            p.setProcessEnvironment(test::programEnvironment(dir.path()));
            p.start(cli, {QStringLiteral("--db"), QString::fromStdString(db.string()),
                          QStringLiteral("backup"), QStringLiteral("restore"),
                          QString::fromStdString(b.manifest.id), QStringLiteral("--yes")});
            QVERIFY(p.waitForStarted(5000));
            QThread::msleep(delayMs);
            p.kill();
            p.waitForFinished(5000);
            // The next command finishes or undoes what the killed one left.
            const auto next =
                test::runProgram(cli,
                                 {QStringLiteral("--db"), QString::fromStdString(db.string()),
                                  QStringLiteral("check"), QStringLiteral("--integrity")},
                                 dir.path(), 60000);
            QVERIFY2(next.code == 0, next.out.constData());
            QVERIFY(!fs::exists(db.parent_path() / ".restore"));
            const Sums now = tableSums(db);
            if (now == restored)
                ++sawNew;
            else if (now == damaged)
                ++sawOld;
            else
                QFAIL(qPrintable(
                    QStringLiteral("half a restore after a kill at %1 ms").arg(delayMs)));
        }
        qInfo("kill -9 during a restore: %d times the state as it was, %d times restored", sawOld,
              sawNew);
        QVERIFY(sawOld + sawNew == 8);
    }

    void copyWhileAWriterWritesIsOneMoment()
    {
        QTemporaryDir dir;
        const auto db = fs::path(dir.path().toStdString()) / "w.db";
        {
            auto w = store::Database::open(db);
            w.exec("CREATE TABLE pairs(id INTEGER PRIMARY KEY, filler TEXT)");
            w.exec("BEGIN");
            for (int i = 0; i < 20000; ++i)
                w.prepare("INSERT INTO pairs(filler) VALUES (?)")
                    .bind(1, std::string(400, char('a' + i % 26)))
                    .run();
            w.exec("COMMIT");
        }
        std::atomic<bool> stop{false};
        std::atomic<int> written{0};
        std::thread writer([&] {
            auto w = store::Database::open(db);
            while (!stop) { // two rows per transaction: a consistent copy holds an even number
                store::Transaction tx(w);
                w.prepare("INSERT INTO pairs(filler) VALUES ('x')").run();
                w.prepare("INSERT INTO pairs(filler) VALUES ('y')").run();
                tx.commit();
                ++written;
            }
        });
        const fs::path copy = db.parent_path() / "copy.db";
        int64_t steps = 0;
        QVERIFY(dr::onlineCopy(db, copy, {[&](const dr::CopyProgress&) { ++steps; }, nullptr}));
        stop = true;
        writer.join();
        QVERIFY(steps >= 2); // more than one step: the snapshot held across them
        auto c = store::Database::openCopy(copy);
        QCOMPARE(QString::fromStdString(dr::integrityCheck(c)), QStringLiteral("ok"));
        QCOMPARE(test::count(c, "SELECT count(*) FROM pairs") % 2, int64_t(0));
        QVERIFY(written > 0);
    }

    void retentionKeepsDailyWeeklyAndTheNewestGood()
    {
        using namespace std::chrono;
        const auto now = *parseIsoUtc("2026-12-01T12:00:00Z");
        std::vector<dr::BackupEntry> entries;
        // Two backups a day for 60 days, newest first; the newest three fail their proof.
        for (int day = 0; day < 60; ++day) {
            for (int h : {20, 8}) {
                dr::BackupEntry e;
                const auto t = now - hours(24 * day) - hours(12) + hours(h);
                e.id = toIsoUtc(t);
                e.manifest = dr::Manifest{};
                e.manifest->createdAt = toIsoUtc(t);
                e.manifest->kind = "scheduled";
                if (day == 0 || (day == 1 && h == 20))
                    e.provenOk = false;
                entries.push_back(e);
            }
        }
        dr::BackupEntry safety;
        safety.id = "safety";
        safety.manifest = dr::Manifest{};
        safety.manifest->createdAt = toIsoUtc(now - hours(24 * 10));
        safety.manifest->kind = "pre-restore";
        entries.insert(entries.begin() + 30, safety);
        const auto plan = dr::planRetention(entries, {7, 4, 7}, now);
        int kept = 0;
        std::string newestGood;
        for (const auto& d : plan) {
            kept += d.keep ? 1 : 0;
            if (d.reason.find("newest good") != std::string::npos)
                newestGood = d.id;
            if (d.id == "safety")
                QVERIFY(!d.keep); // older than 7 days
        }
        QCOMPARE(QString::fromStdString(newestGood),
                 QString::fromStdString(entries[3].id)); // day 1, 08:00
        // 7 days (the newest of each), the newest good one (an extra of day 1), and the weeks
        // beyond: 4 weekly buckets overlap the 7 days by 1-2 weeks.
        QVERIFY2(kept >= 7 + 1 + 2 && kept <= 7 + 1 + 4, qPrintable(QString::number(kept)));
    }

    void cliListsVerifiesAndRefusesWithoutConfirmation()
    {
        QTemporaryDir dir;
        const auto db = copyOfBase(dir);
        const QString cli = QStringLiteral(NBAOPS_CLI_PATH);
        const QString dbArg = QString::fromStdString(db.string());
        const QString dest = dir.path() + QStringLiteral("/elsewhere");
        auto made = test::runProgram(cli,
                                     {QStringLiteral("--db"), dbArg, QStringLiteral("backup"),
                                      QStringLiteral("create"), QStringLiteral("--dest"), dest,
                                      QStringLiteral("--json")},
                                     dir.path());
        QCOMPARE(made.code, 0);
        const QString id =
            QJsonDocument::fromJson(made.out).object().value(QStringLiteral("id")).toString();
        QVERIFY(!id.isEmpty());
        auto list = test::runProgram(cli,
                                     {QStringLiteral("--db"), dbArg, QStringLiteral("backup"),
                                      QStringLiteral("list"), QStringLiteral("--dest"), dest,
                                      QStringLiteral("--json")},
                                     dir.path());
        QCOMPARE(list.code, 0);
        const auto arr =
            QJsonDocument::fromJson(list.out).object().value(QStringLiteral("backups")).toArray();
        QCOMPARE(arr.size(), 1);
        QCOMPARE(arr.at(0).toObject().value(QStringLiteral("id")).toString(), id);
        auto verify =
            test::runProgram(cli,
                             {QStringLiteral("--db"), dbArg, QStringLiteral("backup"),
                              QStringLiteral("verify"), id, QStringLiteral("--dest"), dest},
                             dir.path());
        QCOMPARE(verify.code, 0);
        auto refused =
            test::runProgram(cli,
                             {QStringLiteral("--db"), dbArg, QStringLiteral("backup"),
                              QStringLiteral("restore"), id, QStringLiteral("--dest"), dest},
                             dir.path());
        QCOMPARE(refused.code, 64);
        QVERIFY2(refused.err.contains("--yes"), refused.err.constData());
        // An interrupted backup is listed as such and never restored as "latest".
        fs::create_directories(fs::path(dest.toStdString()) / "29991231T000000Z.partial/database");
        QCOMPARE(QString::fromStdString(dr::findBackup(dest.toStdString(), "latest").id), id);
    }
};

QTEST_GUILESS_MAIN(TestDr)
#include "tst_dr.moc"
