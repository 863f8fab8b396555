// DR drills and runbooks: the runbooks parse and name a bad line; each of the five drills
// injects its damage in a sandbox, walks its runbook through the real nbaops program, recovers
// and measures RTO and RPO while the live state stays untouched; a drill stopped midway resumes
// from its step or is ended with its state kept; a live drill needs --yes.
#include "dr/backup.h"
#include "dr/drill.h"
#include "dr/runbook.h"
#include "jobs/runrange.h"
#include "store/database.h"
#include "testutil.h"
#include "util/errors.h"
#include "util/files.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace nbaops;
namespace fs = std::filesystem;

class TestDrill : public QObject
{
    Q_OBJECT

    QTemporaryDir m_base; // two nights of the simulated league and a backup of them

    fs::path copyOfBase(QTemporaryDir& into)
    {
        fs::copy(m_base.path().toStdString(), into.path().toStdString(),
                 fs::copy_options::recursive | fs::copy_options::overwrite_existing);
        return fs::path(into.path().toStdString()) / "t.db";
    }

    static dr::DrillOptions options(const fs::path& db, const std::string& scenario)
    {
        dr::DrillOptions o;
        o.database = db;
        o.scenario = scenario;
        o.nbaops = NBAOPS_CLI_PATH;
        o.commandTimeoutSeconds = 240;
        return o;
    }

private slots:
    void initTestCase()
    {
        test::buildNights(m_base.path().toStdString(), Date::ymd(2024, 1, 9), Date::ymd(2024, 1, 10));
        dr::BackupOptions o;
        o.database = fs::path(m_base.path().toStdString()) / "t.db";
        dr::createBackup(o, {});
    }

    void runbooksParseAndNameABadLine()
    {
        QCOMPARE(dr::builtinRunbooks().size(), size_t(6));
        for (const auto& s : dr::drillScenarios()) {
            const auto& rb = dr::runbook(s);
            QVERIFY2(rb.steps.size() >= 5, s.c_str());
            QVERIFY(rb.rtoSeconds > 0 && rb.rtoSeconds <= 30 * 60); // local: minutes, not hours
            int checks = 0, damage = 0;
            for (const auto& st : rb.steps) {
                checks += !st.check.empty() && !st.checkFails;
                damage += st.checkFails;
            }
            QVERIFY2(checks >= 1 && damage >= 1, s.c_str());
        }
        QVERIFY_THROWS_EXCEPTION(UsageError, dr::runbook("nope"));
        try {
            dr::parseRunbook("bad", "# Bad\n\n| Field | Value |\n|---|---|\n| Scenario | `bad` "
                                    "|\n\n## Steps\n\n### 1. One\n"
                                    "- **Command:** `rm -rf /`\n");
            QFAIL("a command that is not nbaops was accepted");
        } catch (const OpsError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("line 10")), e.what());
        }
        QCOMPARE(dr::parseTarget("15 min"), 900.0);
        QCOMPARE(dr::parseTarget("24 h"), 86400.0);
    }

    void eachDrillRecoversInASandbox_data()
    {
        QTest::addColumn<QString>("scenario");
        for (const auto& s : dr::drillScenarios())
            QTest::newRow(s.c_str()) << QString::fromStdString(s);
    }

    void eachDrillRecoversInASandbox()
    {
        QFETCH(QString, scenario);
        QTemporaryDir dir;
        const auto db = copyOfBase(dir);
        std::vector<std::string> events;
        Control<dr::DrillEvent> c;
        c.progress = [&](const dr::DrillEvent& e) {
            if (e.kind == dr::DrillEvent::Kind::StepFinished)
                events.push_back(e.state.id + ":" + e.state.state);
        };
        const auto r = dr::runDrill(options(db, scenario.toStdString()), c);
        QString steps;
        for (const auto& s : r.steps)
            steps += QString::fromStdString(s.id + " " + s.state + " " + s.note + "\n");
        QVERIFY2(r.state == "passed",
                 qPrintable(
                     QString::fromStdString(
                         r.state + ": " + (r.verification.empty() ? "" : r.verification.front())) +
                     QStringLiteral("\n") + steps));
        QCOMPARE(r.deviations, 0);
        QCOMPARE(events.size(), r.steps.size());
        QVERIFY(!r.injection.empty());
        QVERIFY(r.rtoSeconds > 0 && r.rtoMet);
        QCOMPARE(r.rpoRows, int64_t(0));
        QVERIFY2(r.liveProof.starts_with("Untouched"), r.liveProof.c_str());
        QVERIFY(fs::exists(r.report));
        QVERIFY(!fs::exists(r.folder / "sandbox")); // removed once recovered
        const std::string md = readFile(r.report);
        QVERIFY(md.find("| RTO | ") != std::string::npos);
        auto live = store::Database::open(db);
        const auto h = dr::drillHistory(live, scenario.toStdString());
        QCOMPARE(h.size(), size_t(1));
        QCOMPARE(QString::fromStdString(h.front().state), QStringLiteral("passed"));
        QCOMPARE(h.front().rtoSeconds, r.rtoSeconds);
        QCOMPARE(dr::drillSteps(live, r.id).size(), r.steps.size());
        QCOMPARE(test::count(live, "SELECT count(*) FROM audit_log WHERE action = 'drill.run' AND "
                                   "result LIKE 'passed%'"),
                 int64_t(1));
    }

    void aStoppedDrillResumesOrEnds()
    {
        QTemporaryDir dir;
        const auto db = copyOfBase(dir);
        auto o = options(db, "database_loss");
        o.manualStep = [](const dr::RunbookStep& s, size_t) {
            dr::StepOutcome out;
            out.stop = s.id == "7"; // the debrief: stop there
            out.note = "announced in #ops";
            return out;
        };
        const auto stopped = dr::runDrill(o, {});
        QCOMPARE(QString::fromStdString(stopped.state), QStringLiteral("interrupted"));
        QCOMPARE(QString::fromStdString(stopped.steps[5].state), QStringLiteral("done"));
        QCOMPARE(QString::fromStdString(stopped.steps[6].state), QStringLiteral("pending"));
        QVERIFY(fs::exists(stopped.folder / "sandbox"));

        auto again = options(db, "");
        again.resume = stopped.id;
        again.manualStep = [](const dr::RunbookStep&, size_t) {
            return dr::StepOutcome{true, "debrief moved to Friday", false};
        };
        const auto done = dr::runDrill(again, {});
        QCOMPARE(QString::fromStdString(done.state), QStringLiteral("passed"));
        QCOMPARE(QString::fromStdString(done.steps[6].state), QStringLiteral("deviation"));
        QCOMPARE(done.deviations, 1);
        QCOMPARE(QString::fromStdString(done.steps[0].note), QStringLiteral("announced in #ops"));

        // Stopped again, then ended: the state is recorded and the sandbox removed.
        const auto second = dr::runDrill(o, {});
        QCOMPARE(QString::fromStdString(second.state), QStringLiteral("interrupted"));
        const auto ended = dr::endDrill(db, second.id);
        QCOMPARE(QString::fromStdString(ended.state), QStringLiteral("ended"));
        QVERIFY(!fs::exists(second.folder / "sandbox"));
        auto live = store::Database::open(db);
        QCOMPARE(test::count(live, "SELECT count(*) FROM drills WHERE state = 'ended'"),
                 int64_t(1));
        QVERIFY_THROWS_EXCEPTION(UsageError, dr::endDrill(db, second.id));
    }

    void cliReportsRtoAndRpoAndALiveDrillNeedsYes()
    {
        QTemporaryDir dir;
        const auto db = copyOfBase(dir);
        const QString cli = QStringLiteral(NBAOPS_CLI_PATH);
        const QString dbArg = QString::fromStdString(db.string());
        const auto refused = test::runProgram(
            cli,
            {QStringLiteral("--db"), dbArg, QStringLiteral("drill"), QStringLiteral("run"),
             QStringLiteral("processor_failure"), QStringLiteral("--live")},
            dir.path());
        QCOMPARE(refused.code, 64);
        QVERIFY(refused.err.contains("--yes"));
        const auto live = test::runProgram(
            cli,
            {QStringLiteral("--db"), dbArg, QStringLiteral("drill"), QStringLiteral("run"),
             QStringLiteral("processor_failure"), QStringLiteral("--live"), QStringLiteral("--yes"),
             QStringLiteral("--json")},
            dir.path(), 300000);
        QVERIFY2(live.code == 0, live.out.constData());
        const auto j = QJsonDocument::fromJson(live.out).object();
        QCOMPARE(j.value(QStringLiteral("mode")).toString(), QStringLiteral("live"));
        QVERIFY(
            j.value(QStringLiteral("rto")).toObject().value(QStringLiteral("seconds")).toDouble() >
            0);
        QCOMPARE(
            j.value(QStringLiteral("rpo")).toObject().value(QStringLiteral("rows_lost")).toInt(),
            0);
        const auto hist = test::runProgram(cli,
                                           {QStringLiteral("--db"), dbArg, QStringLiteral("drill"),
                                            QStringLiteral("history"), QStringLiteral("--json")},
                                           dir.path());
        QCOMPARE(QJsonDocument::fromJson(hist.out)
                     .object()
                     .value(QStringLiteral("drills"))
                     .toArray()
                     .size(),
                 1);
        const auto audit = test::runProgram(cli,
                                            {QStringLiteral("--db"), dbArg, QStringLiteral("audit"),
                                             QStringLiteral("--action"), QStringLiteral("drill"),
                                             QStringLiteral("--json")},
                                            dir.path());
        const auto entries =
            QJsonDocument::fromJson(audit.out).object().value(QStringLiteral("entries")).toArray();
        QCOMPARE(entries.size(), 1); // one row: started, then its result
        QVERIFY(entries.at(0).toObject().value(QStringLiteral("result")).toString().startsWith(
            QStringLiteral("passed")));
    }
};

QTEST_GUILESS_MAIN(TestDrill)
#include "tst_drill.moc"
