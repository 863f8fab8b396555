#include "store/database.h"
#include "store/migrations.h"
#include "store/objectstore.h"
#include "util/errors.h"
#include "util/files.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace nbaops;
namespace fs = std::filesystem;

class TestStore : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    fs::path path(const char* name) const { return fs::path(m_dir.path().toStdString()) / name; }

private Q_SLOTS:
    void opensWithWalForeignKeysAndLatestSchema()
    {
        auto db = store::Database::open(path("a.db"));
        QCOMPARE(db.schemaVersion(), store::latestSchemaVersion());
        auto jm = db.prepare("PRAGMA journal_mode");
        QVERIFY(jm.step());
        QCOMPARE(QString::fromStdString(jm.getText(0)), QStringLiteral("wal"));
        auto fk = db.prepare("PRAGMA foreign_keys");
        QVERIFY(fk.step());
        QCOMPARE(fk.getInt(0), 1);
        // Reopening applies nothing twice.
        auto again = store::Database::open(path("a.db"));
        auto n = again.prepare("SELECT count(*) FROM schema_migrations");
        QVERIFY(n.step());
        QCOMPARE(n.getInt(0), int64_t(store::latestSchemaVersion()));
    }

    void upgradesAVersion8DatabaseKeepingItsFeatureRows()
    {
        // Version 9 adds the availability columns to the feature store and the model tables.
        QTemporaryDir dir;
        const auto path = std::filesystem::path(dir.path().toStdString()) / "v8.db";
        {
            auto db = store::Database::open(path, store::Database::Mode::ReadWrite, 8);
            QCOMPARE(db.schemaVersion(), 8);
            db.exec("INSERT INTO ml_feature_store(game_date, player_id, game_id, team_id, opponent_team_id, season,"
                    " feature_version, f_pts_season, null_count, run_id, processed_at) VALUES ('2024-01-02', 7,"
                    " '0022300500', 1, 2, '2023-24', 1, 17.5, 30, 'r1', '2024-01-03T08:00:00Z')");
            auto cols = db.prepare("SELECT group_concat(name, ',') FROM pragma_table_info('player_game_summary')");
            cols.step();
            const auto names = QString::fromStdString(cols.getText(0)).split(QLatin1Char(','));
            QStringList values;
            for (const auto& n : names)
                values << (n == QStringLiteral("game_id") ? QStringLiteral("'0022300500'")
                           : n == QStringLiteral("game_date") ? QStringLiteral("'2024-01-02'")
                           : n == QStringLiteral("player_id") ? QStringLiteral("7") : QStringLiteral("'1'"));
            db.exec("INSERT INTO player_game_summary(" + names.join(QLatin1Char(',')).toStdString() + ") VALUES (" +
                    values.join(QLatin1Char(',')).toStdString() + ")");
        }
        auto db = store::Database::open(path);
        QCOMPARE(db.schemaVersion(), store::latestSchemaVersion());
        auto st = db.prepare("SELECT f_pts_season, f_starter, feature_version FROM ml_feature_store WHERE player_id = 7");
        QVERIFY(st.step());
        QCOMPARE(st.getDouble(0), 17.5);
        QVERIFY(st.isNull(1));
        QCOMPARE(st.getInt(2), int64_t(1)); // rebuilt by the next feature build (version 2)
        auto kept = db.prepare("SELECT count(*) FROM player_game_summary WHERE player_id = 7 AND game_date = '2024-01-02'");
        kept.step();
        QCOMPARE(kept.getInt(0), int64_t(1));
        auto idx = db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ("
                              " 'player_game_summary_by_date', 'player_game_summary_by_player')");
        idx.step();
        QCOMPARE(idx.getInt(0), int64_t(2));
        // Version 10: the date index covers the feature store's reads (no table visits).
        auto plan = db.prepare("EXPLAIN QUERY PLAN SELECT player_id, team_id, starter, coalesce(dnp_reason, '')"
                               " FROM player_game_summary WHERE game_date = ?");
        QString detail;
        while (plan.step())
            detail += QString::fromStdString(plan.getText(3));
        QVERIFY2(detail.contains(QStringLiteral("COVERING INDEX player_game_summary_by_date")), qPrintable(detail));
    }

    void refusesNewerDatabaseAndChangesNothing()
    {
        const fs::path p = path("newer.db");
        {
            auto db = store::Database::open(p);
            db.exec("PRAGMA journal_mode = DELETE"); // a single file to compare byte for byte
            db.prepare("INSERT INTO schema_migrations(version, description, applied_at) VALUES (?, ?, ?)")
                .bindAll(int64_t(999), "from the future", "2030-01-01T00:00:00.000Z")
                .run();
        }
        const std::string before = sha256Hex(readFile(p));
        try {
            store::Database::open(p);
            QFAIL("opening a newer database must fail");
        } catch (const OpsError& e) {
            const QString msg = QString::fromUtf8(e.what());
            QVERIFY2(msg.contains(QStringLiteral("newer nbaops")), e.what());
            QVERIFY2(msg.contains(QStringLiteral("999")), e.what());
            QVERIFY2(msg.contains(QStringLiteral("Nothing was changed")), e.what());
        }
        QCOMPARE(sha256Hex(readFile(p)), before);
        QVERIFY(!fs::exists(p.string() + "-wal"));
    }

    void rejectsAFileThatIsNotADatabase()
    {
        const fs::path p = path("garbage.db");
        writeFileAtomically(p, std::string(4096, 'x'));
        const std::string before = sha256Hex(readFile(p));
        QVERIFY_THROWS_EXCEPTION(OpsError, store::Database::open(p));
        try {
            store::Database::open(p);
        } catch (const OpsError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("not an nbaops database")) ||
                         QString::fromUtf8(e.what()).contains(QStringLiteral("not a database")),
                     e.what());
        }
        QCOMPARE(sha256Hex(readFile(p)), before);
    }

    void readOnlyOpenOfAMissingFileSaysWhatToDo()
    {
        try {
            store::Database::open(path("missing.db"), store::Database::Mode::ReadOnly);
            QFAIL("must throw");
        } catch (const OpsError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("nbaops demo")), e.what());
        }
        QVERIFY(!fs::exists(path("missing.db")));
    }

    void transactionRollsBackUnlessCommitted()
    {
        auto db = store::Database::open(path("tx.db"));
        {
            store::Transaction tx(db);
            db.prepare("INSERT INTO table_freshness VALUES ('t', NULL, 'x', 1)").run();
        }
        auto n = db.prepare("SELECT count(*) FROM table_freshness");
        QVERIFY(n.step());
        QCOMPARE(n.getInt(0), int64_t(0));
        {
            store::Transaction tx(db);
            db.prepare("INSERT INTO table_freshness VALUES ('t', NULL, 'x', 1)").run();
            tx.commit();
        }
        n.reset();
        QVERIFY(n.step());
        QCOMPARE(n.getInt(0), int64_t(1));
    }

    void bulkWriteJoinsInnerTransactionsAllOrNothing()
    {
        auto db = store::Database::open(path("bulk.db"));
        const auto count = [&] {
            auto n = db.prepare("SELECT count(*) FROM table_freshness");
            n.step();
            return n.getInt(0);
        };
        const auto pragma = [&](const char* p) {
            auto st = db.prepare(std::string("PRAGMA ") + p);
            st.step();
            return st.getInt(0);
        };
        const int64_t cacheBefore = pragma("cache_size");
        {
            store::BulkWrite bulk(db, false);
            QVERIFY(db.inBulk());
            QCOMPARE(pragma("foreign_keys"), int64_t(0));
            QVERIFY(pragma("cache_size") < cacheBefore); // negative: KiB; raised
            for (int i = 0; i < 3; ++i) {
                store::Transaction tx(db); // joins: no savepoint
                db.prepare("INSERT INTO table_freshness VALUES (?, NULL, 'x', 1)").bindAll("t" + std::to_string(i)).run();
                tx.commit();
            }
            bulk.commit();
        }
        QVERIFY(!db.inBulk());
        QCOMPARE(count(), int64_t(3));
        QCOMPARE(pragma("foreign_keys"), int64_t(1));
        QCOMPARE(pragma("cache_size"), cacheBefore);

        // An inner transaction left without commit (its write failed): the whole job rolls back.
        {
            store::BulkWrite bulk(db);
            {
                store::Transaction ok(db);
                db.prepare("INSERT INTO table_freshness VALUES ('kept?', NULL, 'x', 1)").run();
                ok.commit();
            }
            {
                store::Transaction failed(db);
                db.prepare("INSERT INTO table_freshness VALUES ('half', NULL, 'x', 1)").run();
            }
            try {
                bulk.commit();
                QFAIL("a bulk write with a failed inner transaction committed");
            } catch (const OpsError& e) {
                QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("rolled back")), e.what());
            }
        }
        QCOMPARE(count(), int64_t(3));
        QVERIFY(!db.inBulk());

        // Inside an open transaction it is an ordinary nested one.
        {
            store::Transaction outer(db);
            {
                store::BulkWrite bulk(db);
                QVERIFY(!db.inBulk());
                db.prepare("INSERT INTO table_freshness VALUES ('nested', NULL, 'x', 1)").run();
                bulk.commit();
            }
            outer.commit();
        }
        QCOMPARE(count(), int64_t(4));
    }

    void valuesAreBoundNeverFormatted()
    {
        auto db = store::Database::open(path("bind.db"));
        const std::string evil = "x'); DROP TABLE processor_runs; --";
        db.prepare("INSERT INTO table_freshness VALUES (?, NULL, ?, 0)").bindAll(evil, "now").run();
        auto st = db.prepare("SELECT table_name FROM table_freshness");
        QVERIFY(st.step());
        QCOMPARE(st.getText(0), evil);
        auto runs = db.prepare("SELECT count(*) FROM processor_runs");
        QVERIFY(runs.step()); // the table still exists
    }

    void objectStoreWritesAtomicallyIntoDatePartitions()
    {
        auto db = store::Database::open(path("os.db"));
        auto os = store::ObjectStore::forDatabase(db);
        store::PayloadInfo pi;
        pi.source = "nba_com";
        pi.endpoint = "scoreboardv2";
        pi.date = Date::ymd(2024, 1, 2);
        pi.name = "scoreboardv2";
        pi.runId = "r1";
        pi.fetchedAt = "2024-01-03T08:00:00.000Z";
        const auto first = os.put(db, pi, "{\"a\":1}");
        QCOMPARE(QString::fromStdString(first.path), QStringLiteral("raw/nba_com/scoreboardv2/2024-01-02/scoreboardv2.json"));
        QCOMPARE(os.read(first.path), std::string("{\"a\":1}"));
        QCOMPARE(first.sha256, sha256Hex("{\"a\":1}"));
        const auto second = os.put(db, pi, "{\"a\":2}");
        QCOMPARE(second.id, first.id); // same object, replaced
        QCOMPARE(os.read(second.path), std::string("{\"a\":2}"));
        auto st = db.prepare("SELECT count(*), max(bytes), max(sha256) FROM raw_payloads");
        QVERIFY(st.step());
        QCOMPARE(st.getInt(0), int64_t(1));
        QCOMPARE(st.getText(2), sha256Hex("{\"a\":2}"));
        // No temporary file is left behind.
        for (const auto& e : fs::directory_iterator(os.root() / "raw/nba_com/scoreboardv2/2024-01-02"))
            QVERIFY2(e.path().filename().string()[0] != '.', e.path().c_str());
        pi.accepted = false;
        pi.reason = "not JSON";
        const auto rejected = os.put(db, pi, "<html>");
        QVERIFY(QString::fromStdString(rejected.path).endsWith(QStringLiteral(".rejected.json")));
    }

    void triggersKeepRunSummaries()
    {
        auto db = store::Database::open(path("sum.db"));
        auto ins = db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at,"
                              " finished_at, duration_ms, status, failure_category, records_out)"
                              " VALUES ('r', ?, 2, '2024-01-02', ?, ?, 10, ?, ?, ?)");
        ins.bindAll("p", "2024-01-03T01:00:00.000Z", "2024-01-03T01:00:01.000Z", "failed", "error", int64_t(0)).run();
        ins.reset();
        ins.bindAll("p", "2024-01-03T02:00:00.000Z", "2024-01-03T02:00:01.000Z", "success", "success", int64_t(42)).run();
        // A running row joins the summaries when it finishes.
        db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, status)"
                   " VALUES ('r', 'q', 2, '2024-01-02', '2024-01-03T03:00:00.000Z', 'running')").run();
        const int64_t running = db.lastInsertRowId();
        auto sum = db.prepare("SELECT sum(runs) FROM run_daily_summary WHERE game_date = '2024-01-02'");
        QVERIFY(sum.step());
        QCOMPARE(sum.getInt(0), int64_t(2));
        db.prepare("UPDATE processor_runs SET status = 'no_data', failure_category = 'no_data_available',"
                   " finished_at = '2024-01-03T03:00:01.000Z' WHERE id = ?").bindAll(running).run();
        sum.reset();
        QVERIFY(sum.step());
        QCOMPARE(sum.getInt(0), int64_t(3));
        auto latest = db.prepare("SELECT r.failure_category FROM processor_latest l JOIN processor_runs r"
                                 " ON r.id = l.run_pk WHERE l.processor = 'p'");
        QVERIFY(latest.step());
        QCOMPARE(latest.getText(0), std::string("success"));
        auto last = db.prepare("SELECT game_date FROM processor_last_success WHERE processor = 'p'");
        QVERIFY(last.step());
        QCOMPARE(last.getText(0), std::string("2024-01-02"));
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
