// The nbaops command line as cron and operators use it: a real process, exit codes and JSON.
#include "net/httpclient.h"
#include "store/database.h"
#include "testutil.h"
#include "util/version.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cctype>
#include <csignal>

class TestCli : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;

    using Result = ::nbaops::test::ProgramRun;

    Result nbaops(const QStringList& args, int timeoutMs = 120000)
    {
        return ::nbaops::test::runProgram(QStringLiteral(NBAOPS_CLI_PATH), args, m_dir.path() + QStringLiteral("/xdg"),
                                        timeoutMs);
    }

    static std::string checksum(nbaops::store::Database& db, const char* sql)
    {
        auto st = db.prepare(sql);
        QCryptographicHash h(QCryptographicHash::Sha256);
        while (st.step()) {
            for (int c = 0; c < st.columnCount(); ++c) {
                h.addData(QByteArray::fromStdString(st.isNull(c) ? std::string("\\N") : st.getText(c)));
                h.addData(QByteArrayView("|"));
            }
        }
        return h.result().toHex().toStdString();
    }

    QJsonObject json(const Result& r)
    {
        QJsonParseError e;
        const auto doc = QJsonDocument::fromJson(r.out, &e);
        if (e.error != QJsonParseError::NoError)
            qWarning() << "not JSON:" << r.out.left(300);
        return doc.object();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.path() + QStringLiteral("/demo.db");
        const auto r = nbaops({QStringLiteral("demo"), QStringLiteral("--db"), m_db, QStringLiteral("--days"),
                               QStringLiteral("8"), QStringLiteral("--end"), QStringLiteral("2024-01-20"),
                               QStringLiteral("--quiet")});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.out.contains("Injected on purpose"));
    }

    void statusExitCodesFollowHealth_data()
    {
        QTest::addColumn<QString>("date");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("overall");
        QTest::newRow("late last night") << QString() << 1 << QStringLiteral("degraded");
        QTest::newRow("box score hung") << QStringLiteral("2024-01-15") << 2 << QStringLiteral("failed");
        QTest::newRow("normal night") << QStringLiteral("2024-01-16") << 0 << QStringLiteral("healthy");
        QTest::newRow("fixed by a rerun, late") << QStringLiteral("2024-01-18") << 1 << QStringLiteral("degraded");
    }

    void statusExitCodesFollowHealth()
    {
        QFETCH(QString, date);
        QFETCH(int, code);
        QFETCH(QString, overall);
        QStringList args{QStringLiteral("status"), QStringLiteral("--db"), m_db, QStringLiteral("--json")};
        if (!date.isEmpty())
            args << QStringLiteral("--date") << date;
        const auto r = nbaops(args);
        QCOMPARE(r.code, code);
        const auto j = json(r);
        QCOMPARE(j[QStringLiteral("overall")].toString(), overall);
        QCOMPARE(j[QStringLiteral("exit_code")].toInt(), code);
        QCOMPARE(j[QStringLiteral("phases")].toArray().size(), 6);
        const auto p1 = j[QStringLiteral("phases")].toArray()[0].toObject();
        for (const char* k : {"state", "last_success", "by_category", "real_failures", "sla"})
            QVERIFY2(p1.contains(QLatin1String(k)), k);
        QVERIFY(j[QStringLiteral("freshness")].toArray().size() >= 3);
    }

    void failedDayListsTheRealFailureWithItsError()
    {
        const auto j = json(nbaops({QStringLiteral("status"), QStringLiteral("--db"), m_db, QStringLiteral("--json"),
                                    QStringLiteral("--mode"), QStringLiteral("errors"), QStringLiteral("--date"),
                                    QStringLiteral("2024-01-15"), QStringLiteral("--window"), QStringLiteral("1")}));
        const auto failures = j[QStringLiteral("failures")].toArray();
        QVERIFY(!failures.isEmpty());
        const auto first = failures[0].toObject();
        QCOMPARE(first[QStringLiteral("processor")].toString(), QStringLiteral("nbac_boxscore_scraper"));
        QCOMPARE(first[QStringLiteral("category")].toString(), QStringLiteral("timeout"));
        QVERIFY(first[QStringLiteral("error")].toString().contains(QStringLiteral("timed out")));
    }

    void textStatusIsReadable()
    {
        const auto r = nbaops({QStringLiteral("status"), QStringLiteral("--db"), m_db, QStringLiteral("--mode"), QStringLiteral("full")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.contains("overall: DEGRADED"));
        QVERIFY(r.out.contains("Real failures"));
        QVERIFY(r.out.contains("Data freshness"));
        QVERIFY(!r.out.contains("\033[")); // no colour codes into a pipe
    }

    // --version names the build's version and the git commit it was built from.
    void versionNamesTheCommit()
    {
        const auto r = nbaops({QStringLiteral("--version")});
        QCOMPARE(r.code, 0);
        const QByteArray expected =
            QByteArrayLiteral("nbaops ") + QByteArray::fromStdString(std::string(nbaops::version())) + QByteArrayLiteral(" (git ");
        QVERIFY2(r.out.startsWith(expected), r.out.constData());
        const std::string commit(nbaops::gitCommit()); // "unknown" only when built outside a checkout
        QVERIFY2(commit == "unknown" || (commit.size() >= 12 && commit.find_first_not_of("0123456789abcdef") >= 12),
                 commit.c_str());
        QVERIFY(r.out.contains(QByteArray::fromStdString(std::string(nbaops::gitCommit()))));
    }

    // The manual pages come from the command line's own definition: one per command --help
    // lists, each with that command's options, and the units for the package use no --db.
    void manualPagesCoverEveryCommandAndUnitsUseTheDefaultDatabase()
    {
        QTemporaryDir dir;
        const auto help = nbaops({QStringLiteral("--help")});
        QCOMPARE(help.code, 0);
        const auto man = nbaops({QStringLiteral("man"), QStringLiteral("--out"), dir.filePath(QStringLiteral("man"))});
        QVERIFY2(man.code == 0, man.err.constData());
        QStringList commands;
        bool inCommands = false;
        for (const auto& line : QString::fromUtf8(help.out).split(QLatin1Char('\n'))) {
            if (line.startsWith(QStringLiteral("Subcommands:")))
                inCommands = true;
            else if (inCommands && line.startsWith(QStringLiteral("  ")) && !line.trimmed().isEmpty())
                commands << line.trimmed().section(QLatin1Char(' '), 0, 0);
        }
        QVERIFY2(commands.size() >= 20, help.out.constData());
        QVERIFY(!commands.contains(QStringLiteral("man"))); // for packaging, not listed
        for (const auto& c : commands)
            QVERIFY2(QFile::exists(dir.filePath(QStringLiteral("man/nbaops-%1.1").arg(c))), qPrintable(c));
        QFile backfill(dir.filePath(QStringLiteral("man/nbaops-backfill.1")));
        QVERIFY(backfill.open(QIODevice::ReadOnly));
        const QByteArray page = backfill.readAll();
        QVERIFY(page.startsWith(".\\\" Written by 'nbaops man'"));
        QVERIFY(page.contains(".SH \"nbaops backfill plan\""));
        QVERIFY(page.contains("\\fB\\-\\-gaps\\fR")); // an option of plan, as --help has it

        const auto units = nbaops({QStringLiteral("schedule"), QStringLiteral("units"), QStringLiteral("--out"),
                                   dir.filePath(QStringLiteral("units"))});
        QVERIFY2(units.code == 0, units.err.constData());
        QFile nightly(dir.filePath(QStringLiteral("units/nbaops-nightly.service")));
        QVERIFY(nightly.open(QIODevice::ReadOnly));
        const QByteArray unit = nightly.readAll();
        QVERIFY2(unit.contains("ExecStart=\"/usr/bin/nbaops\" run --date yesterday\n"), unit.constData());
        QVERIFY(!unit.contains("--db"));
        QCOMPARE(QDir(dir.filePath(QStringLiteral("units"))).entryList(QDir::Files).size(), 8);
        const auto relative = nbaops({QStringLiteral("schedule"), QStringLiteral("units"), QStringLiteral("--out"),
                                      dir.path(), QStringLiteral("--program"), QStringLiteral("bin/nbaops")});
        QCOMPARE(relative.code, 64);
        QVERIFY(relative.err.contains("absolute path"));
    }

    void simServeAnswersAllFourApis()
    {
        QProcess p;
        p.start(QStringLiteral(NBAOPS_CLI_PATH), {QStringLiteral("sim"), QStringLiteral("serve"), QStringLiteral("--seconds"),
                                                  QStringLiteral("60")});
        QByteArray out;
        for (int i = 0; i < 100 && !out.contains("Ctrl-C stops it"); ++i) { // bounded: 10 s
            p.waitForReadyRead(100);
            out += p.readAllStandardOutput();
        }
        QVERIFY2(out.contains("Ctrl-C stops it"), out.constData());
        const auto urlOn = [&](const char* label) {
            const int at = out.indexOf(label);
            const int from = out.indexOf("http://", at);
            int end = from;
            while (end < out.size() && !std::isspace(static_cast<unsigned char>(out[end])))
                ++end;
            return std::string(out.mid(from, end - from).constData());
        };
        nbaops::net::HttpOptions fast;
        fast.maxAttempts = 1;
        fast.totalTimeout = std::chrono::milliseconds(5000);
        auto keep = std::make_unique<nbaops::net::HttpClient>(fast);
        auto& client = *keep;
        QCOMPARE(client.get(urlOn("NBA.com")).status, 200);
        QCOMPARE(client.get(urlOn("ESPN")).status, 200);
        std::string bdl = urlOn("balldontlie");
        bdl.replace(bdl.find("[]"), 2, "%5B%5D");
        QCOMPARE(client.get(bdl).status, 401);
        QCOMPARE(client.get(bdl, {{"Authorization", "k"}}).status, 200);
        QCOMPARE(client.get(urlOn("The Odds API")).status, 200);
        keep.reset(); // closes the kept-alive connection
        p.terminate(); // SIGTERM: stops like Ctrl-C
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 0);
    }

    void runPrintsOneJsonObjectPerProcessor()
    {
        const auto r = nbaops({QStringLiteral("run"), QStringLiteral("--db"), m_dir.path() + QStringLiteral("/run.db"),
                               QStringLiteral("--date"), QStringLiteral("2024-01-09"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        const auto lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 20); // every processor of the six phases
        for (const auto& l : lines) {
            const auto o = QJsonDocument::fromJson(l).object();
            const QString cat = o[QStringLiteral("category")].toString();
            QVERIFY2(cat == QStringLiteral("success") || cat == QStringLiteral("no_data_available"), l.constData());
            QVERIFY(o.contains(QStringLiteral("duration_ms")));
        }
    }

    void runWithAnInjectedFaultExitsNonZero()
    {
        const auto r = nbaops({QStringLiteral("run"), QStringLiteral("--db"), m_dir.path() + QStringLiteral("/fault.db"),
                               QStringLiteral("--date"), QStringLiteral("2024-01-09"), QStringLiteral("--fault"),
                               QStringLiteral("scoreboardv2:malformed")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.contains("validation_failed"));
    }

    void killMinus9ThenRerunLeavesConsistentTables()
    {
        const QString killed = m_dir.path() + QStringLiteral("/killed.db");
        const QString clean = m_dir.path() + QStringLiteral("/clean.db");
        const QStringList range{QStringLiteral("--date"), QStringLiteral("2024-01-02"), QStringLiteral("--to"),
                                QStringLiteral("2024-01-09"), QStringLiteral("--workers"), QStringLiteral("2")};
        QProcess p;
        p.start(QStringLiteral(NBAOPS_CLI_PATH), QStringList{QStringLiteral("run"), QStringLiteral("--db"), killed} + range);
        QVERIFY(p.waitForStarted(10000));
        // Kill it in the middle of the work: once some runs, but not all, are recorded.
        int64_t seen = 0;
        for (int i = 0; i < 400 && seen < 30; ++i) { // bounded: 20 s
            QTest::qWait(50);
            try {
                auto db = nbaops::store::Database::open(killed.toStdString(), nbaops::store::Database::Mode::ReadOnly);
                auto st = db.prepare("SELECT count(*) FROM processor_runs");
                st.step();
                seen = st.getInt(0);
            } catch (const std::exception&) {
                seen = 0; // not created or not migrated yet
            }
        }
        QVERIFY2(p.state() == QProcess::Running, "the run ended before it could be killed");
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(10000));
        QVERIFY(seen >= 30 && seen < 8 * 15);
        // Rerun the range, and compare with a run that was never interrupted.
        QCOMPARE(nbaops(QStringList{QStringLiteral("run"), QStringLiteral("--db"), killed} + range).code, 0);
        QCOMPARE(nbaops(QStringList{QStringLiteral("run"), QStringLiteral("--db"), clean} + range).code, 0);
        auto a = nbaops::store::Database::open(killed.toStdString(), nbaops::store::Database::Mode::ReadOnly);
        auto b = nbaops::store::Database::open(clean.toStdString(), nbaops::store::Database::Mode::ReadOnly);
        for (const char* q : {"SELECT game_id, player_id, minutes, pts, usage_rate FROM player_game_summary ORDER BY 1, 2",
                              "SELECT game_id, team_id, pace FROM team_offense_game_summary ORDER BY 1, 2",
                              "SELECT game_date, player_id, f_pts_ewm, f_pts_season FROM ml_feature_store ORDER BY 1, 2",
                              "SELECT game_date, player_id, predicted_pts FROM player_prop_predictions ORDER BY 1, 2",
                              "SELECT path, sha256 FROM published_documents ORDER BY 1"})
            QVERIFY2(checksum(a, q) == checksum(b, q), q);
    }

    void registryListAndImpact()
    {
        const auto list = nbaops({QStringLiteral("registry"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(list.code, 0);
        const auto arr = QJsonDocument::fromJson(list.out).array();
        QVERIFY(arr.size() >= 15);
        const auto impact = nbaops({QStringLiteral("registry"), QStringLiteral("impact"), QStringLiteral("nbac_schedule"), QStringLiteral("--json")});
        QCOMPARE(impact.code, 0);
        const auto down = QJsonDocument::fromJson(impact.out).object()[QStringLiteral("downstream")].toArray();
        QVERIFY(down.size() >= 5);
        const auto unknown = nbaops({QStringLiteral("registry"), QStringLiteral("impact"), QStringLiteral("player_game_sumary")});
        QCOMPARE(unknown.code, 64);
        QVERIFY(unknown.err.contains("Did you mean 'player_game_summary'"));
    }

    void badInputGetsAClearErrorAndChangesNothing_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("impossible date") << QStringList{QStringLiteral("run"), QStringLiteral("--date"), QStringLiteral("2024-02-30")}
                                         << 64 << QStringLiteral("is not a valid date");
        QTest::newRow("reversed range") << QStringList{QStringLiteral("run"), QStringLiteral("--date"), QStringLiteral("2024-02-03"),
                                                       QStringLiteral("--to"), QStringLiteral("2024-02-01")}
                                        << 64 << QStringLiteral("before --date");
        QTest::newRow("bad fault") << QStringList{QStringLiteral("run"), QStringLiteral("--date"), QStringLiteral("2024-02-03"),
                                                  QStringLiteral("--fault"), QStringLiteral("scoreboardv2:explode")}
                                   << 64 << QStringLiteral("unknown kind");
        QTest::newRow("bad mode") << QStringList{QStringLiteral("status"), QStringLiteral("--mode"), QStringLiteral("fast")}
                                  << 64 << QStringLiteral("is not one of");
        QTest::newRow("bad silence duration") << QStringList{QStringLiteral("alerts"), QStringLiteral("silence"), QStringLiteral("rule=x"),
                                                             QStringLiteral("--comment"), QStringLiteral("c"), QStringLiteral("--for"),
                                                             QStringLiteral("5min")}
                                              << 64 << QStringLiteral("not a duration");
        QTest::newRow("bad matcher") << QStringList{QStringLiteral("alerts"), QStringLiteral("silence"), QStringLiteral("processor"),
                                                    QStringLiteral("--comment"), QStringLiteral("c")}
                                     << 64 << QStringLiteral("NAME=VALUE");
        QTest::newRow("missing db") << QStringList{QStringLiteral("status"), QStringLiteral("--db"), QStringLiteral("/nonexistent/x.db")}
                                    << 3 << QStringLiteral("nbaops demo");
    }

    void badInputGetsAClearErrorAndChangesNothing()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        if (!args.contains(QStringLiteral("--db")))
            args << QStringLiteral("--db") << m_dir.path() + QStringLiteral("/untouched.db");
        const auto r = nbaops(args);
        QCOMPARE(r.code, code);
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
        QVERIFY(!QFile::exists(m_dir.path() + QStringLiteral("/untouched.db")));
    }

    void alertsEvaluateListAckSilenceAndHistory()
    {
        const auto ev = nbaops({QStringLiteral("alerts"), QStringLiteral("evaluate"), QStringLiteral("--json"),
                                QStringLiteral("--db"), m_db});
        QVERIFY2(ev.code == 0 || ev.code == 1, ev.err.constData());
        const auto e = json(ev);
        QCOMPARE(e[QStringLiteral("rules")].toString(), QStringLiteral("built-in rules"));
        QVERIFY2(e[QStringLiteral("firing")].toInt() >= 1, ev.out.constData()); // the demo's late night missed SLAs
        const auto list = json(nbaops({QStringLiteral("alerts"), QStringLiteral("list"), QStringLiteral("--json"),
                                       QStringLiteral("--db"), m_db}));
        const auto alerts = list[QStringLiteral("alerts")].toArray();
        QVERIFY(!alerts.isEmpty());
        const QString id = QString::number(alerts.first().toObject()[QStringLiteral("id")].toInteger());
        auto r = nbaops({QStringLiteral("alerts"), QStringLiteral("ack"), id, QStringLiteral("--by"), QStringLiteral("tester"),
                         QStringLiteral("--comment"), QStringLiteral("looking"), QStringLiteral("--db"), m_db});
        QVERIFY2(r.code == 0, r.err.constData());
        r = nbaops({QStringLiteral("alerts"), QStringLiteral("ack"), QStringLiteral("99999"), QStringLiteral("--db"), m_db});
        QCOMPARE(r.code, 64);
        QVERIFY2(r.err.contains("no alert 99999"), r.err.constData());
        r = nbaops({QStringLiteral("alerts"), QStringLiteral("silence"), QStringLiteral("rule=sla_*"), QStringLiteral("--for"),
                    QStringLiteral("1h"), QStringLiteral("--by"), QStringLiteral("tester"), QStringLiteral("--comment"),
                    QStringLiteral("late night known"), QStringLiteral("--db"), m_db});
        QVERIFY2(r.code == 0, r.err.constData());
        const auto sil = json(nbaops({QStringLiteral("alerts"), QStringLiteral("silences"), QStringLiteral("--json"),
                                      QStringLiteral("--db"), m_db}))[QStringLiteral("silences")].toArray();
        QCOMPARE(sil.size(), 1);
        QVERIFY(sil.first().toObject()[QStringLiteral("active")].toBool());
        const auto hist = json(nbaops({QStringLiteral("alerts"), QStringLiteral("history"), QStringLiteral("--json"),
                                       QStringLiteral("--days"), QStringLiteral("3660"), QStringLiteral("--db"), m_db}));
        QVERIFY(!hist[QStringLiteral("events")].toArray().isEmpty());
        const auto rules = json(nbaops({QStringLiteral("alerts"), QStringLiteral("rules"), QStringLiteral("--json"),
                                        QStringLiteral("--db"), m_db}));
        QVERIFY(rules[QStringLiteral("rules")].toArray().size() >= 10);
        QVERIFY(!rules[QStringLiteral("receivers")].toObject()[QStringLiteral("chat")].toObject()[QStringLiteral("configured")].toBool());
    }

    void slaAndReadinessSayWhereTheyStand()
    {
        const auto sla = nbaops({QStringLiteral("sla"), QStringLiteral("--json"), QStringLiteral("--db"), m_db});
        QVERIFY2(sla.code == 0 || sla.code == 1, sla.err.constData());
        const auto slas = json(sla)[QStringLiteral("slas")].toArray();
        QCOMPARE(slas.size(), 3);
        bool breached = false;
        for (const auto& s : slas)
            breached = breached || s.toObject()[QStringLiteral("state")].toString() == u"breached";
        QCOMPARE(sla.code, breached ? 1 : 0); // the exit code says whether a 30-day objective is missed
        const auto text = nbaops({QStringLiteral("sla"), QStringLiteral("--db"), m_db});
        QVERIFY2(text.out.contains("Phase 3 completeness"), text.out.constData());
        const auto bad = nbaops({QStringLiteral("sla"), QStringLiteral("--until"), QStringLiteral("2024-02-30"),
                                 QStringLiteral("--db"), m_db});
        QCOMPARE(bad.code, 64);
        QVERIFY2(bad.err.contains("--until"), bad.err.constData());
        const auto ready = nbaops({QStringLiteral("readiness"), QStringLiteral("--json"), QStringLiteral("--db"), m_db});
        const auto card = json(ready);
        QCOMPARE(card[QStringLiteral("categories")].toArray().size(), 6);
        QCOMPARE(ready.code, card[QStringLiteral("decision")].toString() == u"go" ? 0 : 1);
        const auto readyText = nbaops({QStringLiteral("readiness"), QStringLiteral("--db"), m_db});
        QVERIFY2(readyText.out.contains("Production readiness:") && readyText.out.contains("(go at 70)"),
                 readyText.out.constData());
    }

    void newerDatabaseIsRefused()
    {
        const QString path = m_dir.path() + QStringLiteral("/newer.db");
        {
            auto db = nbaops::store::Database::open(path.toStdString());
            db.prepare("INSERT INTO schema_migrations VALUES (99, 'future', 'x')").run();
        }
        const auto r = nbaops({QStringLiteral("status"), QStringLiteral("--db"), path});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("newer nbaops"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
