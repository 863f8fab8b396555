// The phase-1 scrapers through libcurl against the simulated league on loopback, with faults.
#include "net/httpclient.h"
#include "pipeline/runner.h"
#include "sim/league.h"
#include "sim/server.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <thread>
#include <QtTest>

using namespace nbaops;
using pipeline::Category;

class TestScraper : public QObject
{
    Q_OBJECT
private:
    static pipeline::ProcessorResult scrapeSchedule(test::SessionFixture& f)
    {
        return f.session->runner().runOne("nbac_schedule_scraper", test::gameDay());
    }

private Q_SLOTS:
    void fetchesAndStoresTheScoreboard()
    {
        test::SessionFixture f;
        f.start();
        const auto r = scrapeSchedule(f);
        QCOMPARE(test::str(r.outcome.category), test::str(Category::Success));
        QVERIFY(r.outcome.recordsOut >= 2);
        QCOMPARE(f.session->simulator()->requestCount("scoreboardv2"), 1);
        auto st = f.session->db().prepare("SELECT path, status, bytes, http_status FROM raw_payloads");
        QVERIFY(st.step());
        QCOMPARE(QString::fromStdString(st.getText(0)), QStringLiteral("raw/nba_com/scoreboardv2/2024-01-10/scoreboardv2.json"));
        QCOMPARE(st.getText(1), std::string("ok"));
        QCOMPARE(st.getInt(3), int64_t(200));
        const auto body = f.session->context().objects.read(st.getText(0));
        QCOMPARE(int64_t(body.size()), st.getInt(2));
        QVERIFY(body.find("\"resultSets\"") != std::string::npos);
    }

    void boxScoresForEveryFinalGameOverOneConnection()
    {
        test::SessionFixture f;
        f.start();
        QCOMPARE(test::str(scrapeSchedule(f).outcome.category), test::str(Category::Success));
        const auto r = f.session->runner().runOne("nbac_boxscore_scraper", test::gameDay());
        QCOMPARE(test::str(r.outcome.category), test::str(Category::Success));
        const auto games = sim::League().gamesOn(test::gameDay()).size();
        QCOMPARE(r.outcome.recordsOut, int64_t(games));
        QCOMPARE(f.session->simulator()->requestCount("boxscoretraditionalv2"), int(games));
    }

    void malformedPayloadIsRejectedAndKept()
    {
        test::SessionFixture f;
        f.start({sim::FaultRule::parse("scoreboardv2:malformed:count=1")});
        const auto r = scrapeSchedule(f);
        QCOMPARE(test::str(r.outcome.category), test::str(Category::ValidationFailed));
        QVERIFY2(QString::fromStdString(r.outcome.error).contains(QStringLiteral("not valid JSON")), r.outcome.error.c_str());
        auto st = f.session->db().prepare("SELECT path, reason FROM raw_payloads WHERE status = 'rejected'");
        QVERIFY(st.step());
        QVERIFY(QString::fromStdString(st.getText(0)).endsWith(QStringLiteral("scoreboardv2.rejected.json")));
        QCOMPARE(f.session->context().objects.read(st.getText(0)).substr(0, 6), std::string("<html>"));
        // The next fetch is clean and succeeds; the rejected payload stays for inspection.
        QCOMPARE(test::str(scrapeSchedule(f).outcome.category), test::str(Category::Success));
        auto n = f.session->db().prepare("SELECT count(*) FROM raw_payloads WHERE status = 'rejected'");
        QVERIFY(n.step());
        QCOMPARE(n.getInt(0), int64_t(1));
    }

    void truncatedPayloadIsAValidationFailure()
    {
        test::SessionFixture f;
        f.start();
        QCOMPARE(test::str(scrapeSchedule(f).outcome.category), test::str(Category::Success));
        const auto game = sim::League().gamesOn(test::gameDay()).front().id;
        f.session->simulator()->addFault(sim::FaultRule::parse("boxscoretraditionalv2:truncated:game=" + game));
        const auto r = f.session->runner().runOne("nbac_boxscore_scraper", test::gameDay());
        QCOMPARE(test::str(r.outcome.category), test::str(Category::ValidationFailed));
        QVERIFY2(QString::fromStdString(r.outcome.error).contains(QString::fromStdString(game)), r.outcome.error.c_str());
    }

    void shortHttp500StreakIsRetriedAway()
    {
        test::SessionFixture f;
        f.start({sim::FaultRule::parse("scoreboardv2:http500:count=2")}, test::fastHttp(3));
        const auto r = scrapeSchedule(f);
        QCOMPARE(test::str(r.outcome.category), test::str(Category::Success));
        QCOMPARE(f.session->simulator()->requestCount("scoreboardv2"), 3);
    }

    void longHttp500StreakIsAnError()
    {
        test::SessionFixture f;
        f.start({sim::FaultRule::parse("scoreboardv2:http500:count=5")}, test::fastHttp(3));
        const auto r = scrapeSchedule(f);
        QCOMPARE(test::str(r.outcome.category), test::str(Category::Error));
        QVERIFY2(QString::fromStdString(r.outcome.error).contains(QStringLiteral("HTTP 500 after 3 attempts")), r.outcome.error.c_str());
        auto n = f.session->db().prepare("SELECT count(*) FROM raw_payloads");
        QVERIFY(n.step());
        QCOMPARE(n.getInt(0), int64_t(0)); // nothing stored for a failed fetch
    }

    void hangIsBoundedByTheTimeout()
    {
        test::SessionFixture f;
        const int timeoutMs = 400, attempts = 2;
        f.start({sim::FaultRule::parse("scoreboardv2:hang:ms=20000")}, test::fastHttp(attempts, timeoutMs));
        QElapsedTimer t;
        t.start();
        const auto r = scrapeSchedule(f);
        const qint64 elapsed = t.elapsed();
        QCOMPARE(test::str(r.outcome.category), test::str(Category::Timeout));
        QVERIFY2(QString::fromStdString(r.outcome.error).contains(QStringLiteral("timed out")), r.outcome.error.c_str());
        // attempts x timeout + backoff (capped at 200 ms) + slack for a loaded machine
        QVERIFY2(elapsed < attempts * timeoutMs + 200 + 3000, qPrintable(QString::number(elapsed)));
        QVERIFY(elapsed >= attempts * timeoutMs);
    }

    void cancellingStopsARequestInFlight()
    {
        test::SessionFixture f;
        f.start({sim::FaultRule::parse("scoreboardv2:hang:ms=20000")});
        std::atomic<bool> cancel{false};
        net::HttpClient client(test::fastHttp(3, 10000));
        client.setCancelFlag(&cancel);
        std::thread stopper([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            cancel = true;
        });
        QElapsedTimer t;
        t.start();
        const auto r = client.get(f.session->context().urls.nbaStats + "/scoreboardv2?GameDate=01%2F10%2F2024&LeagueID=00");
        stopper.join();
        QCOMPARE(QString::fromStdString(r.error), QStringLiteral("cancelled"));
        QCOMPARE(r.attempts, 1);
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
    }

    void retryDelaysStayWithinTheirJitterBounds()
    {
        net::HttpOptions o;
        o.backoffBase = std::chrono::milliseconds(1000);
        o.backoffCap = std::chrono::milliseconds(60000);
        for (int retry = 1; retry <= 8; ++retry) {
            const double full = std::min(60000.0, 1000.0 * std::pow(2.0, retry - 1));
            for (double u : {0.0, 0.37, 0.999}) {
                const auto d = net::HttpClient::backoff(o, retry, u).count();
                QVERIFY2(d >= full / 2 && d <= full, qPrintable(QStringLiteral("retry %1: %2 ms").arg(retry).arg(d)));
            }
        }
        QCOMPARE(net::HttpClient::backoff(o, 20, 1.0).count(), int64_t(60000));
    }

    void retryAfterIsHonouredOn429()
    {
        test::SessionFixture f;
        auto http = test::fastHttp(2);
        http.backoffCap = std::chrono::milliseconds(1500);
        f.start({sim::FaultRule::parse("scoreboardv2:http429:count=1:ms=1000")}, http);
        net::HttpClient client(http);
        const auto r = client.get(f.session->context().urls.nbaStats + "/scoreboardv2?GameDate=01%2F10%2F2024&LeagueID=00");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.delays.size(), size_t(1));
        QCOMPARE(r.delays.front().count(), int64_t(1000));
    }

    void oneConnectionServesManyRequests()
    {
        test::SessionFixture f;
        f.start();
        net::HttpClient client(test::fastHttp());
        long opened = 0;
        for (const auto& g : sim::League().gamesOn(test::gameDay())) {
            const auto r = client.get(f.session->context().urls.nbaStats + "/boxscoretraditionalv2?GameID=" + g.id);
            QCOMPARE(r.status, 200);
            opened += r.newConnections;
        }
        QCOMPARE(opened, 1L);
    }

    void badRequestIsNotRetried()
    {
        test::SessionFixture f;
        f.start();
        net::HttpClient client(test::fastHttp(4));
        const auto r = client.get(f.session->context().urls.nbaStats + "/scoreboardv2?GameDate=31%2F31%2F2024");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.attempts, 1);
    }
};

QTEST_GUILESS_MAIN(TestScraper)
#include "tst_scraper.moc"
