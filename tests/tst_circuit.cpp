// Circuit breakers per source: transitions on a fake clock, persistence, and the scrapers
// refusing to call a source whose breaker is open.
#include "net/circuitbreaker.h"
#include "net/ratelimiter.h"
#include "pipeline/runner.h"
#include "sim/server.h"
#include "store/database.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QtTest>

#include <thread>

using namespace nbaops;
using net::CircuitBreakers;

namespace {

QString state(const CircuitBreakers& b, const std::string& source)
{
    return QString::fromUtf8(std::string(CircuitBreakers::toString(b.status(source).state)).c_str());
}

int64_t count(store::Database& db, const char* sql)
{
    auto st = db.prepare(sql);
    st.step();
    return st.getInt(0);
}

} // namespace

class TestCircuit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void closedOpenHalfOpenClosed()
    {
        QTemporaryDir dir;
        auto db = store::Database::open(dir.path().toStdString() + "/c.db");
        CircuitBreakers b(3, std::chrono::seconds(60));
        b.load(db);
        TimePoint t = easternTime(Date::ymd(2024, 1, 10), 3, 0);
        QVERIFY(b.allow(db, "nba_com", t));
        b.recordFailure(db, "nba_com", t, "HTTP 500");
        b.recordFailure(db, "nba_com", t, "HTTP 500");
        QCOMPARE(state(b, "nba_com"), QStringLiteral("CLOSED"));
        b.recordSuccess(db, "nba_com", t); // not consecutive any more
        for (int i = 0; i < 3; ++i)
            b.recordFailure(db, "nba_com", t, "HTTP 503");
        QCOMPARE(state(b, "nba_com"), QStringLiteral("OPEN"));
        QVERIFY(!b.allow(db, "nba_com", t + std::chrono::seconds(59)));
        QVERIFY(b.allow(db, "espn", t)); // breakers are per source
        QVERIFY(b.allow(db, "nba_com", t + std::chrono::seconds(60)));
        QCOMPARE(state(b, "nba_com"), QStringLiteral("HALF_OPEN"));
        b.recordFailure(db, "nba_com", t + std::chrono::seconds(61), "timed out");
        QCOMPARE(state(b, "nba_com"), QStringLiteral("OPEN"));
        QVERIFY(!b.allow(db, "nba_com", t + std::chrono::seconds(100)));
        QVERIFY(b.allow(db, "nba_com", t + std::chrono::seconds(121)));
        b.recordSuccess(db, "nba_com", t + std::chrono::seconds(122));
        QCOMPARE(state(b, "nba_com"), QStringLiteral("CLOSED"));
        // Every change is an event: CLOSED->OPEN, OPEN->HALF_OPEN, HALF_OPEN->OPEN, OPEN->HALF_OPEN, HALF_OPEN->CLOSED.
        QCOMPARE(count(db, "SELECT count(*) FROM circuit_events WHERE source = 'nba_com'"), int64_t(5));
        QCOMPARE(count(db, "SELECT count(*) FROM circuit_breakers"), int64_t(1)); // one row per source, bounded
    }

    void stateSurvivesARestart()
    {
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/c.db";
        const TimePoint t = easternTime(Date::ymd(2024, 1, 10), 3, 0);
        {
            auto db = store::Database::open(path);
            CircuitBreakers b(3, std::chrono::seconds(60));
            b.load(db);
            for (int i = 0; i < 3; ++i)
                b.recordFailure(db, "nba_com", t, "HTTP 500");
        }
        auto db = store::Database::open(path);
        CircuitBreakers again(3, std::chrono::seconds(60));
        again.load(db);
        QCOMPARE(state(again, "nba_com"), QStringLiteral("OPEN"));
        QVERIFY(!again.allow(db, "nba_com", t + std::chrono::seconds(10)));
    }

    void theRateLimitSpacesRequestsAcrossWorkers()
    {
        net::RateLimiter limiter;
        limiter.setLimit("nba_com", 50.0); // one request every 20 ms
        QElapsedTimer t;
        t.start();
        std::vector<std::thread> workers;
        for (int w = 0; w < 2; ++w)
            workers.emplace_back([&] {
                for (int i = 0; i < 5; ++i)
                    limiter.acquire("nba_com");
            });
        for (auto& w : workers)
            w.join();
        QVERIFY2(t.elapsed() >= 9 * 20 - 5, qPrintable(QString::number(t.elapsed()))); // 10 slots, the first at once
        QVERIFY(limiter.acquire("espn")); // unlimited source: no wait
        std::atomic<bool> cancel{true};
        limiter.setLimit("slow", 0.1);
        limiter.acquire("slow");
        QVERIFY(!limiter.acquire("slow", &cancel)); // a wait can be cancelled
    }

    void aSessionAppliesItsRateLimits()
    {
        test::SessionFixture f;
        pipeline::SessionOptions so;
        so.rateLimits = {{"nba_com", 40.0}};
        f.start(so);
        QElapsedTimer t;
        t.start();
        QCOMPARE(test::str(f.session->runner().runOne("nbac_schedule_scraper", test::gameDay()).outcome.category),
                 test::str(pipeline::Category::Success));
        QCOMPARE(test::str(f.session->runner().runOne("nbac_boxscore_scraper", test::gameDay()).outcome.category),
                 test::str(pipeline::Category::Success));
        const int requests = f.session->simulator()->requestCount("scoreboardv2") +
                             f.session->simulator()->requestCount("boxscoretraditionalv2");
        QVERIFY2(t.elapsed() >= (requests - 1) * 25 - 5, qPrintable(QString::number(t.elapsed())));
    }

    void anOpenBreakerSendsNoRequest()
    {
        test::SessionFixture f;
        pipeline::SessionOptions so;
        so.http = test::fastHttp(1);
        so.faults = {sim::FaultRule::parse("scoreboardv2:http503")};
        f.start(so);
        for (int i = 0; i < 3; ++i) {
            const auto r = f.session->runner().runOne("nbac_schedule_scraper", test::gameDay());
            QCOMPARE(test::str(r.outcome.category), test::str(pipeline::Category::Error));
        }
        QCOMPARE(state(f.session->breakers(), "nba_com"), QStringLiteral("OPEN"));
        const int before = f.session->simulator()->requestCount("scoreboardv2");
        const auto r = f.session->runner().runOne("nbac_schedule_scraper", test::gameDay());
        QCOMPARE(f.session->simulator()->requestCount("scoreboardv2"), before);
        QVERIFY2(QString::fromStdString(r.outcome.error).contains(QStringLiteral("circuit breaker for nba_com is OPEN")),
                 r.outcome.error.c_str());
        // After the cool-down the probe goes out; the source is healthy again and the breaker closes.
        f.session->simulator()->clearFaults();
        f.clock.set(f.clock.now() + std::chrono::seconds(61));
        QCOMPARE(test::str(f.session->runner().runOne("nbac_schedule_scraper", test::gameDay()).outcome.category),
                 test::str(pipeline::Category::Success));
        QCOMPARE(state(f.session->breakers(), "nba_com"), QStringLiteral("CLOSED"));
    }
};

QTEST_GUILESS_MAIN(TestCircuit)
#include "tst_circuit.moc"
