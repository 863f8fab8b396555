// No secret leaves the keychain: the real programs run with every kind of secret in use — API
// keys sent to the (simulated) live APIs, one of which fails with the key in its URL; webhooks
// and an SMTP password for alerts that cannot be delivered; the cloud's service-account key for
// a sync and a trigger — and then every file they left (the database and its raw store,
// settings.json, the cloud cache, backups, the health report and trends exports, the programs'
// logs and output) is scanned for each secret value: zero hits. Positive controls prove the
// secrets were used and that the scan finds a value where one is.
#include "embedded_resources.h"
#include "secrets/keychain.h"
#include "sim/cloud.h"
#include "sim/league.h"
#include "sim/server.h"
#include "store/database.h"
#include "testutil.h"

#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace nbaops;

namespace {

struct Run
{
    int code = -1;
    QByteArray out, err;
};

} // namespace

class TestSecretScan : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_home;
    QString m_logs;
    QProcessEnvironment m_env;
    int m_runs = 0;

    // One program run; its output and log lines are artefacts too (kept as files to scan).
    Run cli(const QStringList& args, const QByteArray& input = {})
    {
        QProcess p;
        p.setProcessEnvironment(m_env);
        p.start(QStringLiteral(NBAOPS_CLI_PATH), args);
        if (!input.isEmpty())
            p.write(input);
        p.closeWriteChannel();
        Run r;
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished(5000);
        }
        r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        QFile log(m_logs + QStringLiteral("/run%1.log").arg(++m_runs, 2, 10, QLatin1Char('0')));
        if (log.open(QIODevice::WriteOnly))
            log.write("$ nbaops " + args.join(u' ').toUtf8() + "\n" + r.out + r.err);
        return r;
    }

    // Files under `root` holding `needle`, in any byte position.
    static QStringList filesHolding(const QString& root, const QByteArray& needle)
    {
        QStringList hits;
        QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
                hits << path;
        }
        return hits;
    }

private Q_SLOTS:
    void initTestCase()
    {
        NBAOPS_REQUIRE_TEST_KEYRING();
        QVERIFY(m_dir.isValid());
        m_home = m_dir.filePath(QStringLiteral("home"));
        m_logs = m_dir.filePath(QStringLiteral("logs"));
        QVERIFY(QDir().mkpath(m_home) && QDir().mkpath(m_logs));
    }

    void noArtefactHoldsASecretValue()
    {
        // The live APIs, simulated; the odds endpoint fails, so a run error is stored.
        const sim::League league(sim::League::kDefaultSeed);
        SystemClock clock;
        sim::SimServer server(league, clock);
        server.start();
        server.addFault(sim::FaultRule::parse("odds_player_points:http500"));
        sim::SimCloud cloud("nba-props-scan", {{"player_game_summary", 3}});
        cloud.start();
        cloud.generateHistory(Date::ymd(2024, 1, 17), Date::ymd(2024, 1, 18), 20);
        const auto key = test::makeServiceAccountKey(cloud.tokenUrl());
        const auto keyPath = test::writeServiceAccountKey(
            m_dir.filePath(QStringLiteral("sa.json")).toStdString(), key);
        cloud.trustKey(key.email, key.publicPem);

        m_env = test::programEnvironment(m_home);
        m_env.insert(QStringLiteral("HOME"), m_home);
        m_env.insert(QStringLiteral("XDG_CACHE_HOME"), m_home + QStringLiteral("/cache"));
        m_env.insert(QStringLiteral("NBAOPS_LOG"), QStringLiteral("debug"));
        m_env.insert(QStringLiteral("NBAOPS_NBA_STATS_URL"),
                     QString::fromStdString(server.statsBaseUrl()));
        m_env.insert(QStringLiteral("NBAOPS_ODDS_API_URL"),
                     QString::fromStdString(server.oddsBaseUrl()));
        m_env.insert(QStringLiteral("NBAOPS_ESPN_URL"),
                     QString::fromStdString(server.espnBaseUrl()));
        m_env.insert(QStringLiteral("NBAOPS_BDL_URL"), QString::fromStdString(server.bdlBaseUrl()));
        m_env.insert(QStringLiteral("NBAOPS_BIGQUERY_URL"),
                     QString::fromStdString(cloud.bigqueryUrl()));
        m_env.insert(QStringLiteral("NBAOPS_RUN_ADMIN_URL"),
                     QString::fromStdString(cloud.runAdminUrl()));
        m_env.insert(QStringLiteral("NBAOPS_SMTP_URL"), QStringLiteral("smtp://127.0.0.1:1"));
        m_env.insert(QStringLiteral("NBAOPS_ALERT_EMAIL_TO"), QStringLiteral("ops@example.test"));

        // Every kind of secret, in the keychain (the balldontlie key from the environment).
        const QByteArray oddsKey = "oddsSCAN7f3a9c2e1b5d";
        const QByteArray bdlKey = "bdlSCAN0c8e4a2f9d71";
        const QByteArray pagerPath = "T0SCAN/B0SCAN/pagerSCANpath9d2e";
        const QByteArray chatPath = "chatSCANpath4b7c1a";
        const QByteArray smtpPassword = "smtpSCANpw-8e1f2d";
        m_env.insert(QStringLiteral("NBAOPS_BDL_API_KEY"), QString::fromLatin1(bdlKey));
        const QList<QPair<QString, QByteArray>> secretsToSet = {
            {QStringLiteral("odds_api_key"), oddsKey},
            {QStringLiteral("pager_webhook_url"), "https://127.0.0.1:1/hooks/" + pagerPath},
            {QStringLiteral("chat_webhook_url"), "https://127.0.0.1:1/hooks/" + chatPath},
            {QStringLiteral("smtp_password"), smtpPassword}};
        for (const auto& [name, value] : secretsToSet) {
            const auto r =
                cli({QStringLiteral("secrets"), QStringLiteral("set"), name}, value + "\n");
            QVERIFY2(r.code == 0, (name.toUtf8() + ": " + r.err).constData());
        }
        {
            const auto r = cli({QStringLiteral("secrets"), QStringLiteral("set"),
                                QStringLiteral("gcp_service_account_key"), QStringLiteral("--file"),
                                QString::fromStdString(keyPath.string())});
            QVERIFY2(r.code == 0, r.err.constData());
        }

        // The pipeline on a date, alerts delivered at once (and failing), a report, exports, a
        // backup.
        const QString db = m_home + QStringLiteral("/ops.db");
        QVERIFY(QDir().mkpath(m_home));
        {
            QFile rules(m_home + QStringLiteral("/alert_rules.json"));
            QVERIFY(rules.open(QIODevice::WriteOnly));
            QByteArray text(resources::alertRulesJson().data(),
                            qsizetype(resources::alertRulesJson().size()));
            text.replace("\"group_wait\": \"30s\"", "\"group_wait\": \"0s\"");
            rules.write(text);
        }
        auto r = cli({QStringLiteral("run"), QStringLiteral("--db"), db, QStringLiteral("--date"),
                      QStringLiteral("2024-01-18")});
        QVERIFY2(r.code == 0 || r.code == 1, r.err.constData());
        r = cli({QStringLiteral("alerts"), QStringLiteral("evaluate"), QStringLiteral("--db"), db});
        r = cli({QStringLiteral("status"), QStringLiteral("--db"), db, QStringLiteral("--json")});
        QFile report(m_home + QStringLiteral("/report.json"));
        QVERIFY(report.open(QIODevice::WriteOnly));
        report.write(r.out);
        report.close();
        r = cli({QStringLiteral("trends"), QStringLiteral("--db"), db, QStringLiteral("--json")});
        QFile trends(m_home + QStringLiteral("/trends.json"));
        QVERIFY(trends.open(QIODevice::WriteOnly));
        trends.write(r.out);
        trends.close();
        r = cli({QStringLiteral("backup"), QStringLiteral("create"), QStringLiteral("--db"), db});
        QVERIFY2(r.code == 0, r.err.constData());
        r = cli({QStringLiteral("audit"), QStringLiteral("--db"), db});

        // The cloud: settings, a sync into the cache, a trigger.
        r = cli({QStringLiteral("cloud"), QStringLiteral("configure"), QStringLiteral("--project"),
                 QStringLiteral("nba-props-scan"), QStringLiteral("--service"),
                 QStringLiteral("nba-phase3-analytics-processors=") +
                     QString::fromStdString(cloud.serviceUrl("nba-phase3-analytics-processors"))});
        QVERIFY2(r.code == 0, r.err.constData());
        r = cli({QStringLiteral("cloud"), QStringLiteral("sync")});
        QVERIFY2(r.code == 0, r.err.constData());
        r = cli({QStringLiteral("cloud"), QStringLiteral("trigger"), QStringLiteral("--date"),
                 QStringLiteral("2024-01-18"), QStringLiteral("--processor"),
                 QStringLiteral("player_game_summary")});
        QVERIFY2(r.code == 0, r.err.constData());

        // Positive controls: the secrets were used, and the scan finds a value where it is.
        {
            auto sdb = store::Database::open(db.toStdString(), store::Database::Mode::ReadOnly);
            auto failed =
                sdb.prepare("SELECT COUNT(*) FROM processor_runs WHERE processor LIKE 'odds_api%' "
                            "AND status = 'failed'");
            QVERIFY(failed.step());
            QVERIFY2(failed.getInt(0) > 0, "the odds endpoint's fault did not fail a run");
            auto notes = sdb.prepare(
                "SELECT COUNT(*) FROM alert_notifications WHERE receiver IN ('page', 'chat') "
                "AND last_error IS NOT NULL AND last_error <> ''");
            QVERIFY(notes.step());
            QVERIFY2(notes.getInt(0) > 0, "no webhook delivery was attempted");
        }
        QVERIFY(!cloud.inserted("nba_reference.ops_console_audit").empty());
        QVERIFY(!filesHolding(m_dir.path(), QByteArray::fromStdString(keyPath.string())).isEmpty());

        // The scan: the home folder (databases, raw store, backups, settings, cache, exports)
        // and every program's output and log lines.
        const std::string pem = key.json.substr(key.json.find("MII"), 40);
        QList<QByteArray> values = {oddsKey,  bdlKey,       pagerPath,
                                    chatPath, smtpPassword, QByteArray::fromStdString(pem)};
        QStringList leaks;
        for (const auto& v : values) {
            for (const auto& root : {m_home, m_logs})
                for (const auto& f : filesHolding(root, v))
                    leaks << QString::fromLatin1(v.left(8)) + QStringLiteral("… in ") + f;
        }
        QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(u'\n')));
    }
};

QTEST_MAIN(TestSecretScan)
#include "tst_secretscan.moc"
