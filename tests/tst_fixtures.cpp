// The parsers on the real recorded payloads of ../shared/data/fixtures, and the simulator's
// payloads compared with them header for header.
#include "sim/league.h"
#include "sim/statsformat.h"
#include "sources/nbastats.h"
#include "sources/oddsapi.h"
#include "testutil.h"
#include "util/files.h"

#include <QtTest>

#include <set>

using namespace nbaops;
using namespace nbaops::sources;

class TestFixtures : public QObject
{
    Q_OBJECT
private:
    std::filesystem::path m_dir;

    std::vector<std::string> headers(const std::string& body, const char* set)
    {
        const auto j = nlohmann::json::parse(body);
        for (const auto& rs : j["resultSets"]) {
            if (rs["name"] == set)
                return rs["headers"].get<std::vector<std::string>>();
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (const auto shared = test::sharedData())
            m_dir = *shared / "fixtures" / "stats_nba_com";
    }

    void parsesTheRealScoreboard()
    {
        if (m_dir.empty())
            QSKIP("The real recorded payloads are absent: ../shared/data (or $NBAOPS_SHARED_DATA) is "
                  "not there. Only these tests need it.");
        const auto doc = StatsDocument::parse(readFile(m_dir / "scoreboardv2.json"));
        QCOMPARE(QString::fromStdString(doc.resource()), QStringLiteral("scoreboardV2"));
        const auto games = parseScoreboardV2(doc);
        QCOMPARE(games.size(), size_t(13));
        for (const auto& g : games) {
            QCOMPARE(QString::fromStdString(g.date.iso()), QStringLiteral("2026-02-22"));
            QCOMPARE(g.gameId.size(), size_t(10));
            QVERIFY(!g.homeAbbr.empty() && !g.visitorAbbr.empty());
        }
        QCOMPARE(QString::fromStdString(games.front().gameId), QStringLiteral("0022500817"));
        QCOMPARE(QString::fromStdString(games.front().homeAbbr), QStringLiteral("OKC"));
        QCOMPARE(games.front().status, 1); // recorded before tip-off
        QVERIFY(!games.front().homePts);
    }

    void parsesTheRealBoxScore()
    {
        if (m_dir.empty())
            QSKIP("The real recorded payloads are absent: ../shared/data (or $NBAOPS_SHARED_DATA) is "
                  "not there. Only these tests need it.");
        const auto rows = parseBoxscoreTraditionalV2(StatsDocument::parse(readFile(m_dir / "boxscoretraditionalv2.json")));
        QCOMPARE(rows.size(), size_t(23));
        const auto derozan = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.playerId == 201942; });
        QVERIFY(derozan != rows.end());
        QCOMPARE(*derozan->pts, int64_t(44));
        QVERIFY(std::abs(*derozan->minutes - (45 + 55 / 60.0)) < 1e-9);
        QCOMPARE(QString::fromStdString(derozan->startPosition), QStringLiteral("F"));
        const auto mobley = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.playerId == 1630596; });
        QVERIFY(!mobley->minutes);
        QCOMPARE(QString::fromStdString(mobley->comment), QStringLiteral("DNP - Injury/Illness"));
        int64_t cle = 0;
        for (const auto& r : rows)
            cle += r.teamAbbr == "CLE" ? r.pts.value_or(0) : 0;
        QCOMPARE(cle, int64_t(145)); // Mitchell's 71-point game: CLE 145-134
        const auto mitchell = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.playerId == 1628378; });
        QCOMPARE(*mitchell->pts, int64_t(71));
    }

    void simulatorServesTheRealHeaders_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("set");
        for (const char* s : {"GameHeader", "LineScore", "SeriesStandings", "LastMeeting", "Available", "TicketLinks"})
            QTest::newRow(s) << QStringLiteral("scoreboardv2.json") << QString::fromUtf8(s);
        for (const char* s : {"PlayerStats", "TeamStats", "TeamStarterBenchStats"})
            QTest::newRow(s) << QStringLiteral("boxscoretraditionalv2.json") << QString::fromUtf8(s);
    }

    void simulatorServesTheRealHeaders()
    {
        if (m_dir.empty())
            QSKIP("The real recorded payloads are absent: ../shared/data (or $NBAOPS_SHARED_DATA) is "
                  "not there. Only these tests need it.");
        QFETCH(QString, file);
        QFETCH(QString, set);
        const std::string real = readFile(m_dir / file.toStdString());
        sim::League league;
        const Date d = Date::ymd(2024, 1, 10);
        const std::string simulated = file.startsWith(QStringLiteral("scoreboard"))
                                          ? sim::scoreboardV2(league, d, d.addDays(30))
                                          : sim::boxscoreTraditionalV2(league, league.gamesOn(d).front(), d.addDays(30));
        const auto want = headers(real, set.toUtf8().constData());
        QVERIFY(!want.empty());
        QCOMPARE(headers(simulated, set.toUtf8().constData()), want);
    }

    void parsesTheRealOddsApiPayloads()
    {
        if (m_dir.empty())
            QSKIP("The real recorded payloads are absent: ../shared/data (or $NBAOPS_SHARED_DATA) is not there.");
        const auto odds = m_dir.parent_path() / "the_odds_api";
        const auto lines = parsePlayerPointsOdds(readFile(odds / "event_odds_player_points_ORL_at_CLE_2024-02-23.json"));
        QVERIFY(lines.size() >= 200); // 482 outcomes, in Over/Under pairs
        std::set<std::string> books;
        for (const auto& l : lines) {
            books.insert(l.bookmaker);
            QVERIFY(l.point > 0 && l.point < 60);
            QVERIFY(l.overPrice != 0 && l.underPrice != 0);
        }
        QCOMPARE(books.size(), size_t(10));
        const auto levert = std::find_if(lines.begin(), lines.end(), [](const PropLine& l) {
            return l.player == "Caris LeVert" && l.bookmaker == "draftkings";
        });
        QVERIFY(levert != lines.end());
        QCOMPARE(levert->point, 11.5);
        QCOMPARE(levert->overPrice, -130);
        QCOMPARE(levert->underPrice, 100);
        // The scores list has the events list's shape (id, commence_time, teams).
        const auto events = parseOddsEvents(readFile(odds / "scores_basketball_nba_2024-02-22.json"));
        QCOMPARE(events.size(), size_t(21));
        QCOMPARE(QString::fromStdString(events.front().homeTeam), QStringLiteral("Cleveland Cavaliers"));
        QVERIFY_THROWS_EXCEPTION(PayloadError, parsePlayerPointsOdds("[1,2]"));
    }

    void minutesFormats_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("minutes");
        QTest::newRow("mm:ss") << QStringLiteral("36:12") << 36.2;
        QTest::newRow("decimal-minutes") << QStringLiteral("36.000000:30") << 36.5;
        QTest::newRow("whole") << QStringLiteral("36") << 36.0;
        QTest::newRow("iso v3") << QStringLiteral("PT36M12.00S") << 36.2;
    }

    void minutesFormats()
    {
        QFETCH(QString, text);
        QFETCH(double, minutes);
        const auto m = parseMinutes(nlohmann::json(text.toStdString()));
        QVERIFY(m);
        QVERIFY(std::abs(*m - minutes) < 1e-9);
        QVERIFY(!parseMinutes(nlohmann::json("12:75")));
        QVERIFY(!parseMinutes(nlohmann::json("abc")));
    }

    void malformedDocumentsSayWhatIsWrong()
    {
        QVERIFY_THROWS_EXCEPTION(PayloadError, StatsDocument::parse("<html>Access Denied</html>"));
        QVERIFY_THROWS_EXCEPTION(PayloadError, StatsDocument::parse(R"({"resource":"x"})"));
        try {
            StatsDocument::parse(R"({"resultSets":[{"name":"PlayerStats","headers":["A","B"],"rowSet":[[1]]}]})");
            QFAIL("must throw");
        } catch (const PayloadError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("row 1 has 1 cells for 2 headers")), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestFixtures)
#include "tst_fixtures.moc"
