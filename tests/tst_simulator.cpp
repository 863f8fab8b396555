#include "sim/league.h"
#include "sim/statsformat.h"

#include <QtTest>

#include <cmath>
#include <map>
#include <set>

using namespace nbaops;
using sim::League;

namespace {

double correlation(const std::vector<double>& x, const std::vector<double>& y)
{
    const double n = double(x.size());
    double mx = 0, my = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        mx += x[i];
        my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / std::sqrt(sxx * syy);
}

} // namespace

class TestSimulator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sameSeedSamePayloads()
    {
        League a(7), b(7), c(8);
        const Date d = Date::ymd(2024, 1, 10);
        const Date today = Date::ymd(2024, 3, 1);
        QCOMPARE(sim::scoreboardV2(a, d, today), sim::scoreboardV2(b, d, today));
        const auto g = a.gamesOn(d).front();
        QCOMPARE(sim::boxscoreTraditionalV2(a, g, today), sim::boxscoreTraditionalV2(b, g, today));
        QVERIFY(sim::boxscoreTraditionalV2(a, g, today) != sim::boxscoreTraditionalV2(c, c.gamesOn(d).front(), today));
    }

    void thirtyRealTeamsOfFifteen()
    {
        League l;
        QCOMPARE(l.teams().size(), size_t(30));
        QCOMPARE(l.players().size(), size_t(450));
        std::set<std::string> abbr;
        for (const auto& t : l.teams())
            abbr.insert(t.abbr);
        QCOMPARE(abbr.size(), size_t(30));
        QVERIFY(abbr.count("BOS") && abbr.count("OKC") && abbr.count("GSW") && abbr.count("NOP"));
    }

    void followsTheRealCalendar_data()
    {
        QTest::addColumn<int>("year");
        QTest::addColumn<QString>("opening");
        QTest::addColumn<QString>("last");
        QTest::newRow("2022-23") << 2022 << QStringLiteral("2022-10-18") << QStringLiteral("2023-04-09");
        QTest::newRow("2023-24") << 2023 << QStringLiteral("2023-10-24") << QStringLiteral("2024-04-14");
        QTest::newRow("2024-25") << 2024 << QStringLiteral("2024-10-22") << QStringLiteral("2025-04-13");
    }

    void followsTheRealCalendar()
    {
        QFETCH(int, year);
        QFETCH(QString, opening);
        QFETCH(QString, last);
        QCOMPARE(QString::fromStdString(League::openingDay(year).iso()), opening);
        QCOMPARE(QString::fromStdString(League::lastDay(year).iso()), last);
        League l;
        QVERIFY(l.gamesOn(Date::ymd(year + 1, 7, 15)).empty());
        QVERIFY(l.gamesOn(League::openingDay(year).addDays(-3)).empty());
        QVERIFY(!l.gamesOn(League::openingDay(year)).empty());
        QVERIFY(!League::seasonOf(Date::ymd(year + 1, 8, 1)));
        QCOMPARE(*League::seasonOf(Date::ymd(year, 12, 1)), year);
    }

    void aSeasonIs1230GamesOf82PerTeam()
    {
        League l;
        const auto& games = l.season(2023);
        QCOMPARE(games.size(), size_t(1230));
        std::map<int, int> played, home;
        std::map<std::pair<int, std::string>, int> perDay;
        int backToBacks = 0, maxPerDay = 0;
        std::map<std::string, int> dayCount;
        for (const auto& g : games) {
            ++played[g.home];
            ++played[g.away];
            ++home[g.home];
            QCOMPARE(++perDay[std::make_pair(g.home, g.date.iso())], 1);
            QCOMPARE(++perDay[std::make_pair(g.away, g.date.iso())], 1);
            backToBacks += (g.homeRestDays == 0) + (g.awayRestDays == 0);
            maxPerDay = std::max(maxPerDay, ++dayCount[g.date.iso()]);
            QVERIFY(g.date >= League::openingDay(2023));
            QVERIFY(g.date <= League::lastDay(2023).addDays(7));
        }
        for (const auto& [team, n] : played)
            QCOMPARE(n, 82);
        for (const auto& [team, n] : home)
            QVERIFY2(n >= 36 && n <= 46, qPrintable(QStringLiteral("team %1 has %2 home games").arg(team).arg(n)));
        QVERIFY2(backToBacks > 100, qPrintable(QString::number(backToBacks)));
        QVERIFY(maxPerDay <= 15);
        // The final day has every team, as the NBA's does.
        QCOMPARE(dayCount[games.back().date.iso()], 15);
        QVERIFY(games.back().date >= League::lastDay(2023));
        QVERIFY(l.gamesOn(Date::ymd(2023, 11, 23)).empty()); // Thanksgiving
        QVERIFY(l.gamesOn(Date::ymd(2023, 12, 24)).empty());
    }

    void boxScoresAreConsistentAndSensible()
    {
        League l;
        std::vector<double> minutes, points;
        double b2bRate = 0, restedRate = 0, b2bMin = 0, restedMin = 0;
        double vsGoodD = 0, vsGoodDMin = 0, vsBadD = 0, vsBadDMin = 0;
        const auto& games = l.season(2023);
        for (size_t i = 0; i < games.size(); i += 2) {
            const auto box = l.boxScore(games[i]);
            for (const auto* t : {&box.home, &box.away}) {
                int sum = 0, secs = 0;
                for (const auto& p : t->players) {
                    QCOMPARE(p.pts, 2 * p.fgm + p.fg3m + p.ftm);
                    QVERIFY(p.fgm <= p.fga && p.fg3m <= p.fg3a && p.ftm <= p.fta && p.fg3m <= p.fgm);
                    sum += p.pts;
                    secs += p.seconds;
                    if (!p.played())
                        continue;
                    minutes.push_back(p.seconds / 60.0);
                    points.push_back(p.pts);
                    const bool home = t == &box.home;
                    const int rest = home ? games[i].homeRestDays : games[i].awayRestDays;
                    (rest == 0 ? b2bRate : restedRate) += p.pts;
                    (rest == 0 ? b2bMin : restedMin) += p.seconds / 60.0;
                    const double d = l.teams()[size_t(home ? games[i].away : games[i].home)].defense;
                    if (d < 0.98) {
                        vsGoodD += p.pts;
                        vsGoodDMin += p.seconds / 60.0;
                    } else if (d > 1.02) {
                        vsBadD += p.pts;
                        vsBadDMin += p.seconds / 60.0;
                    }
                }
                QCOMPARE(sum, t->pts);
                QCOMPARE(secs, (240 + 25 * (box.periods - 4)) * 60);
                QVERIFY2(t->pts > 55 && t->pts < 185, qPrintable(QString::number(t->pts)));
            }
            QVERIFY(box.home.pts != box.away.pts);
        }
        const double r = correlation(minutes, points);
        QVERIFY2(r > 0.5, qPrintable(QStringLiteral("minutes-points correlation %1").arg(r)));
        QVERIFY2(b2bRate / b2bMin < restedRate / restedMin,
                 qPrintable(QStringLiteral("points per minute: back-to-back %1, rested %2").arg(b2bRate / b2bMin).arg(restedRate / restedMin)));
        QVERIFY2(vsGoodD / vsGoodDMin < vsBadD / vsBadDMin, "a good defence must concede fewer points per minute");
    }
};

QTEST_GUILESS_MAIN(TestSimulator)
#include "tst_simulator.moc"
