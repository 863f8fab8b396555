#include "registry/registry.h"
#include "util/errors.h"

#include <QtTest>

#include <algorithm>

using namespace nbaops;
using registry::Registry;

namespace {

const char* kProc = R"({"name": "%1", "phase": %2, "criticality": "HIGH", "depends_on": [%3],
    "frequency": "daily", "sla_completion": "06:00", "timeout_s": 60, "expected_records": [0, 10]})";

QString proc(const QString& name, int phase, const QString& deps = {})
{
    return QString::fromUtf8(kProc).arg(name).arg(phase).arg(deps);
}

QByteArray doc(const QStringList& procs)
{
    return (QStringLiteral("{\"processors\": [") + procs.join(QLatin1Char(',')) + QStringLiteral("]}")).toUtf8();
}

} // namespace

class TestRegistry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void builtinCoversAllSixPhases()
    {
        const Registry& r = Registry::builtin();
        QVERIFY(r.processors().size() >= 15);
        for (int phase = 1; phase <= 6; ++phase) {
            QVERIFY2(std::any_of(r.processors().begin(), r.processors().end(),
                                 [&](const auto& p) { return p.phase == phase; }),
                     qPrintable(QStringLiteral("no processor in phase %1").arg(phase)));
        }
        for (const char* name : {"nbac_schedule", "player_game_summary", "team_offense_game_summary",
                                 "ml_feature_store", "player_prop_predictions", "prediction_grades"})
            QVERIFY2(r.find(name), name);
    }

    void topologicalOrderPutsDependenciesFirst()
    {
        const Registry& r = Registry::builtin();
        const auto order = r.topologicalOrder();
        QCOMPARE(order.size(), r.processors().size());
        for (const auto& p : r.processors()) {
            const auto at = std::find(order.begin(), order.end(), p.name);
            for (const auto& d : p.dependsOn)
                QVERIFY2(std::find(order.begin(), order.end(), d) < at, qPrintable(QString::fromStdString(p.name + " before " + d)));
        }
    }

    void impactIsTheDownstreamClosure()
    {
        const Registry& r = Registry::builtin();
        const auto down = r.downstream("nbac_player_boxscores");
        for (const char* n : {"player_game_summary", "team_defense_game_summary", "ml_feature_store",
                              "player_prop_predictions", "publish_predictions", "publish_player_pages"})
            QVERIFY2(std::find(down.begin(), down.end(), n) != down.end(), n);
        QVERIFY(std::find(down.begin(), down.end(), "nbac_schedule") == down.end());
        const auto up = r.upstream("player_game_summary");
        QCOMPARE(QString::fromStdString(up.front()), QStringLiteral("nbac_schedule_scraper"));
        QVERIFY(std::find(up.begin(), up.end(), "nbac_boxscore_scraper") != up.end());
        QVERIFY(r.downstream("publish_player_pages").empty());
    }

    void alternativesKeepTheDateGoing()
    {
        const Registry& r = Registry::builtin();
        const auto& pgs = r.get("player_game_summary");
        QCOMPARE(pgs.anyOf.size(), size_t(1));
        QCOMPARE(QString::fromStdString(pgs.dependencyText()),
                 QStringLiteral("game_schedule, nbac_player_boxscores | bdl_player_boxscores"));
        // NBA.com's box scores down: only their own loader is blocked, balldontlie serves.
        const auto one = r.blockedBy({"nbac_boxscore_scraper"});
        QCOMPARE(one.size(), size_t(1));
        QCOMPARE(QString::fromStdString(one.front()), QStringLiteral("nbac_player_boxscores"));
        // Both box-score sources down: everything from the player-games on is blocked.
        const auto both = r.blockedBy({"nbac_boxscore_scraper", "bdl_boxscore_scraper"});
        for (const char* n : {"player_game_summary", "ml_feature_store", "publish_player_pages"})
            QVERIFY2(std::find(both.begin(), both.end(), n) != both.end(), n);
        QVERIFY(std::find(both.begin(), both.end(), "game_schedule") == both.end()); // schedule: NBA.com or ESPN
        // The schedule needs all three sources down.
        const auto two = r.blockedBy({"nbac_schedule_scraper", "espn_scoreboard_scraper"});
        QVERIFY(std::find(two.begin(), two.end(), "game_schedule") == two.end());
        const auto three = r.blockedBy({"nbac_schedule_scraper", "espn_scoreboard_scraper", "bdl_boxscore_scraper"});
        QVERIFY(std::find(three.begin(), three.end(), "game_schedule") != three.end());
    }

    void unknownNameSuggestsTheClosest()
    {
        try {
            Registry::builtin().get("player_game_sumary");
            QFAIL("must throw");
        } catch (const UsageError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("player_game_summary")), e.what());
        }
    }

    void rejectsBadRegistries_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown dependency") << doc({proc(QStringLiteral("a"), 1, QStringLiteral("\"ghost\""))})
                                            << QStringLiteral("'a': depends on unknown processor 'ghost'");
        QTest::newRow("cycle") << doc({proc(QStringLiteral("a"), 2, QStringLiteral("\"c\"")),
                                      proc(QStringLiteral("b"), 2, QStringLiteral("\"a\"")),
                                      proc(QStringLiteral("c"), 2, QStringLiteral("\"b\""))})
                               << QStringLiteral("cycle");
        QTest::newRow("self dependency") << doc({proc(QStringLiteral("a"), 1, QStringLiteral("\"a\""))})
                                         << QStringLiteral("'a': depends on itself");
        QTest::newRow("duplicate") << doc({proc(QStringLiteral("a"), 1), proc(QStringLiteral("a"), 2)})
                                   << QStringLiteral("'a': the name is used twice");
        QTest::newRow("later phase") << doc({proc(QStringLiteral("a"), 1, QStringLiteral("\"b\"")), proc(QStringLiteral("b"), 3)})
                                     << QStringLiteral("'a': depends on 'b' of a later phase");
        QTest::newRow("bad phase") << doc({proc(QStringLiteral("a"), 7)}) << QStringLiteral("'a': field 'phase'");
        QTest::newRow("bad criticality")
            << doc({proc(QStringLiteral("a"), 1).replace(QStringLiteral("HIGH"), QStringLiteral("URGENT"))})
            << QStringLiteral("'a': field 'criticality'");
        QTest::newRow("bad sla") << doc({proc(QStringLiteral("a"), 1).replace(QStringLiteral("06:00"), QStringLiteral("6 am"))})
                                 << QStringLiteral("'a': field 'sla_completion'");
        QTest::newRow("bad timeout") << doc({proc(QStringLiteral("a"), 1).replace(QStringLiteral("\"timeout_s\": 60"), QStringLiteral("\"timeout_s\": -5"))})
                                     << QStringLiteral("'a': field 'timeout_s'");
        QTest::newRow("bad records") << doc({proc(QStringLiteral("a"), 1).replace(QStringLiteral("[0, 10]"), QStringLiteral("[10, 0]"))})
                                     << QStringLiteral("'a': field 'expected_records'");
        QTest::newRow("unknown field") << doc({proc(QStringLiteral("a"), 1).replace(QStringLiteral("\"frequency\""), QStringLiteral("\"colour\": 1, \"frequency\""))})
                                       << QStringLiteral("'a': unknown field 'colour'");
        QTest::newRow("missing field") << doc({proc(QStringLiteral("a"), 1).replace(QStringLiteral("\"frequency\": \"daily\","), QString())})
                                       << QStringLiteral("'a': missing field 'frequency'");
        QTest::newRow("bad name") << doc({proc(QStringLiteral("Bad Name"), 1)}) << QStringLiteral("'name' must be lowercase");
        QTest::newRow("not json") << QByteArray("{\"processors\": [") << QStringLiteral("is not valid JSON");
        QTest::newRow("one alternative") << doc({proc(QStringLiteral("a"), 1), proc(QStringLiteral("b"), 2, QStringLiteral("{\"any_of\": [\"a\"]}"))})
                                         << QStringLiteral("'b': an 'any_of' group needs at least two alternatives");
        QTest::newRow("bad group") << doc({proc(QStringLiteral("a"), 1), proc(QStringLiteral("b"), 2, QStringLiteral("{\"one_of\": [\"a\"]}"))})
                                   << QStringLiteral("'b': field 'depends_on' must be a list of processor names and");
        QTest::newRow("unknown alternative") << doc({proc(QStringLiteral("a"), 1), proc(QStringLiteral("b"), 2, QStringLiteral("{\"any_of\": [\"a\", \"ghost\"]}"))})
                                             << QStringLiteral("'b': depends on unknown processor 'ghost'");
    }

    void rejectsBadRegistries()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        try {
            Registry::load(json.toStdString(), "test.json");
            QFAIL("the registry must be refused");
        } catch (const OpsError& e) {
            const QString msg = QString::fromUtf8(e.what());
            QVERIFY2(msg.contains(expected), e.what());
            QVERIFY2(msg.contains(QStringLiteral("test.json")), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
