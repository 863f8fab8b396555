// Alerting: rules as data, the state machine on a fake clock, grouping, inhibition, silences,
// repeats and acknowledgement, the rate limit, backfill quieting, the checks measured from a
// real database, and delivery to a webhook and an SMTP receiver on loopback, including ones
// that fail (retried, never lost, never duplicated).
#include "alerts/engine.h"
#include "alerts/rows.h"
#include "alerts/notify.h"
#include "alerts/rules.h"
#include "alerts/signals.h"
#include "registry/registry.h"
#include "store/database.h"
#include "testutil.h"
#include "util/errors.h"
#include "util/log.h"

#include <httplib.h>

#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

using namespace nbaops;
using namespace std::chrono_literals;

namespace {

const TimePoint kT0 = easternTime(Date::ymd(2024, 3, 1), 9, 0);

// Two rules, a webhook and a desktop receiver; group_wait 0 unless a test sets it.
std::string rulesJson(const std::string& extra = "", const std::string& webhookUrl = "http://127.0.0.1:9/hook",
                      int rate = 30, const std::string& groupWait = "0")
{
    return R"({
      "receivers": {"chat": {"type": "webhook", "url": ")" + webhookUrl + R"("},
                    "mail": {"type": "smtp", "url": "env:TEST_SMTP", "to": ["ops@example.org"]},
                    "console": {"type": "desktop"}},
      "routes": {"P0": ["chat", "console"], "P1": ["chat"], "P2": ["chat"], "P3": ["mail"]},
      "group_wait": ")" + groupWait + R"(", "repeat_interval": "4h",
      "rate_limit": {"per_receiver": )" + std::to_string(rate) + R"(, "window": "1h"},
      "rules": [
        {"name": "pipeline_stalled", "check": "phase_stalled", "threshold": 6, "severity": "P0",
         "summary": "no phase-3 data for {value} h", "inhibits": ["data_stale"], "page_during_backfill": true},
        {"name": "run_failed", "check": "real_failures", "severity": "P1", "summary": "{processor} failed on {game_date}"},
        {"name": "slow", "check": "error_rate", "severity": "P2", "for": "5m", "threshold": 0.1,
         "summary": "phase {phase} errors {value_pct}"},
        {"name": "data_stale", "check": "data_stale", "severity": "P2", "summary": "{table} behind by {value}"}
        )" + extra + R"(
      ]})";
}

alerts::Signal sig(const std::string& rule, alerts::Labels labels, double value = 1)
{
    return {rule, labels, value, rule + " " + nlohmann::json(labels).dump()};
}

alerts::Measured measured(std::vector<alerts::Signal> s, bool backfill = false)
{
    alerts::Measured m;
    m.conditions = std::move(s);
    m.backfill = backfill;
    return m;
}

int64_t q(store::Database& db, const std::string& sql) { return test::count(db, sql); }

// A sender that records what it was asked to send, failing the first `failures` times.
struct RecordingSender final : alerts::Sender
{
    int failures = 0;
    std::vector<alerts::Message> sent;
    std::string send(const alerts::Receiver&, const alerts::Message& m) override
    {
        if (failures > 0) {
            --failures;
            return "HTTP 500";
        }
        sent.push_back(m);
        return {};
    }
};

// A minimal SMTP receiver on 127.0.0.1: answers each command; the first `failData` messages
// get "451" after DATA (a temporary failure), later ones are kept.
class SmtpServer
{
public:
    explicit SmtpServer(int failData = 0) : m_failData(failData)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        ::bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(m_fd, 4);
        socklen_t len = sizeof a;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &len);
        m_port = ntohs(a.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~SmtpServer()
    {
        m_stop = true;
        m_thread.join();
        ::close(m_fd);
    }
    int port() const { return m_port; }
    std::vector<std::string> messages()
    {
        std::lock_guard lock(m_mutex);
        return m_messages;
    }

private:
    void serve()
    {
        for (int loops = 0; !m_stop && loops < 6000; ++loops) { // bounded: at most ~60 s
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 10) <= 0)
                continue;
            const int c = ::accept(m_fd, nullptr, nullptr);
            if (c >= 0) {
                session(c);
                ::close(c);
            }
        }
    }
    bool readLine(int c, std::string& buf, std::string& line)
    {
        for (int i = 0; i < 2000; ++i) {
            const auto nl = buf.find("\r\n");
            if (nl != std::string::npos) {
                line = buf.substr(0, nl);
                buf.erase(0, nl + 2);
                return true;
            }
            pollfd p{c, POLLIN, 0};
            if (::poll(&p, 1, 5) <= 0)
                continue;
            char tmp[4096];
            const ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
            if (n <= 0)
                return false;
            buf.append(tmp, size_t(n));
        }
        return false;
    }
    void say(int c, const std::string& s) { (void)!::send(c, s.data(), s.size(), MSG_NOSIGNAL); }
    void session(int c)
    {
        std::string buf, line;
        say(c, "220 test ESMTP\r\n");
        while (readLine(c, buf, line)) {
            const std::string cmd = line.substr(0, 4);
            if (cmd == "EHLO" || cmd == "HELO") {
                say(c, "250 test\r\n");
            } else if (cmd == "MAIL" || cmd == "RCPT" || cmd == "RSET" || cmd == "NOOP") {
                say(c, "250 ok\r\n");
            } else if (cmd == "DATA") {
                say(c, "354 go ahead\r\n");
                std::string msg;
                while (readLine(c, buf, line) && line != ".")
                    msg += line + "\n";
                if (m_failData > 0) {
                    --m_failData;
                    say(c, "451 try again later\r\n");
                } else {
                    {
                        std::lock_guard lock(m_mutex);
                        m_messages.push_back(msg);
                    }
                    say(c, "250 queued\r\n");
                }
            } else if (cmd == "QUIT") {
                say(c, "221 bye\r\n");
                return;
            } else {
                say(c, "502 unknown\r\n");
            }
        }
    }
    int m_fd = -1;
    int m_port = 0;
    int m_failData = 0;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
    std::mutex m_mutex;
    std::vector<std::string> m_messages;
};

} // namespace

class TestAlerts : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    int m_n = 0;
    store::Database freshDb() { return store::Database::open(m_dir.path().toStdString() + "/a" + std::to_string(++m_n) + ".db"); }

private Q_SLOTS:
    void builtInRulesParseAndMistakesAreNamed()
    {
        const auto cfg = alerts::parseConfig(resources_json(), "built-in rules");
        QVERIFY(cfg.rules.size() >= 10);
        QVERIFY(cfg.find("pipeline_stalled"));
        QVERIFY(cfg.find("pipeline_stalled")->severity == alerts::Severity::P0);
        QCOMPARE(cfg.find("error_rate")->threshold, 0.10);
        QCOMPARE(cfg.find("model_mae_over_baseline")->threshold, 1.10);
        QCOMPARE(cfg.find("storage_high")->threshold, 0.80);
        // Only failures in the error category page by default.
        const auto* failed = cfg.find("run_failed");
        QCOMPARE(failed->params["categories"].size(), size_t(1));
        QCOMPARE(failed->params["categories"][0].get<std::string>(), std::string("error"));

        // env: values come from the environment; unset ones leave the receiver unconfigured, saying why.
        std::map<std::string, std::string> env{{"TEST_SMTP", "smtp://127.0.0.1:2525"}};
        auto cfg2 = alerts::parseConfig(rulesJson(), "t", &env);
        QCOMPARE(cfg2.receivers["mail"].url, std::string("smtp://127.0.0.1:2525"));
        std::map<std::string, std::string> none;
        auto cfg3 = alerts::parseConfig(rulesJson(), "t", &none);
        QVERIFY(!cfg3.receivers["mail"].configured());
        QVERIFY(cfg3.receivers["mail"].unconfigured.find("TEST_SMTP") != std::string::npos);
        QCOMPARE(alerts::parseDuration("15m", "x").count(), 900LL);
        QCOMPARE(alerts::formatDuration(4h), std::string("4h"));
    }

    // Each mistake in a rules file is refused with the file's name and what is wrong.
    void aBrokenRulesFileIsNamed_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("says");
        QTest::newRow("not JSON") << QStringLiteral("{") << QStringLiteral("not valid JSON");
        QTest::newRow("unknown check") << QStringLiteral(R"({"rules": [{"name": "x", "check": "nope"}]})")
                                       << QStringLiteral("unknown check 'nope'");
        QTest::newRow("bad duration") << QStringLiteral(R"({"rules": [{"name": "x", "check": "breaker_open", "for": "5 minutes"}]})")
                                      << QStringLiteral("not a duration");
        QTest::newRow("bad severity") << QStringLiteral(R"({"rules": [{"name": "x", "check": "breaker_open", "severity": "P9"}]})")
                                      << QStringLiteral("severity");
        QTest::newRow("unknown receiver") << QStringLiteral(R"({"routes": {"P1": ["pager"]}, "rules": []})")
                                          << QStringLiteral("no receiver named 'pager'");
        QTest::newRow("unknown inhibited rule")
            << QStringLiteral(R"({"rules": [{"name": "x", "check": "breaker_open", "inhibits": ["y"]}]})")
            << QStringLiteral("inhibits 'y'");
        QTest::newRow("name used twice")
            << QStringLiteral(R"({"rules": [{"name": "x", "check": "breaker_open"}, {"name": "x", "check": "stuck_run"}]})")
            << QStringLiteral("used twice");
    }
    void aBrokenRulesFileIsNamed()
    {
        QFETCH(QString, json);
        QFETCH(QString, says);
        try {
            alerts::parseConfig(json.toStdString(), "my.json");
            QFAIL("accepted a broken rules file");
        } catch (const UsageError& e) {
            const QString what = QString::fromUtf8(e.what());
            QVERIFY2(what.contains(QStringLiteral("my.json")) && what.contains(says), e.what());
        }
    }

    // What a silence's matchers hold back: every matcher must match, a trailing * a prefix.
    void silenceMatchers_data()
    {
        QTest::addColumn<QString>("matchers");
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("processor");
        QTest::addColumn<bool>("silenced");
        QTest::newRow("the rule") << QStringLiteral(R"({"rule": "run_failed"})") << QStringLiteral("run_failed")
                                  << QStringLiteral("bdl_player_boxscores") << true;
        QTest::newRow("another rule") << QStringLiteral(R"({"rule": "run_failed"})") << QStringLiteral("stuck_run")
                                      << QStringLiteral("bdl_player_boxscores") << false;
        QTest::newRow("a prefix") << QStringLiteral(R"({"rule": "run_failed", "processor": "bdl_*"})")
                                  << QStringLiteral("run_failed") << QStringLiteral("bdl_player_boxscores") << true;
        QTest::newRow("not the prefix") << QStringLiteral(R"({"rule": "run_failed", "processor": "bdl_*"})")
                                        << QStringLiteral("run_failed") << QStringLiteral("nbac_schedule") << false;
        QTest::newRow("a label it lacks") << QStringLiteral(R"({"team": "LAL"})") << QStringLiteral("run_failed")
                                          << QStringLiteral("nbac_schedule") << false;
        QTest::newRow("empty") << QStringLiteral("{}") << QStringLiteral("run_failed") << QStringLiteral("nbac_schedule")
                               << false;
    }
    void silenceMatchers()
    {
        QFETCH(QString, matchers);
        QFETCH(QString, rule);
        QFETCH(QString, processor);
        QFETCH(bool, silenced);
        const alerts::Labels labels{{"processor", processor.toStdString()}};
        QCOMPARE(alerts::silenceMatches(nlohmann::json::parse(matchers.toStdString()), rule.toStdString(), labels),
                 silenced);
    }

    // A silence whose stored matchers cannot be read silences nothing, and says so (it used to
    // be dropped without a word).
    void anUnreadableSilenceIsNamed()
    {
        auto db = freshDb();
        const auto now = std::chrono::system_clock::now();
        const auto id = alerts::addSilence(db, nlohmann::json{{"rule", "run_failed"}}, "ana", "x", 2h, now);
        db.prepare("UPDATE alert_silences SET matchers = '{broken' WHERE id = ?").bindAll(id).run();
        const auto views = alerts::silences(db, now);
        QCOMPARE(views.size(), size_t(1));
        QVERIFY2(views[0].problem.find("not JSON") != std::string::npos, views[0].problem.c_str());
        QVERIFY(views[0].matchersText().rfind("unreadable: ", 0) == 0);
        std::vector<std::string> logged;
        const auto threshold = log::level(); // the tests run with NBAOPS_LOG=error
        log::setLevel(log::Level::Warning);
        log::setSink([&](log::Level, std::string_view, std::string_view m) { logged.emplace_back(m); });
        const auto active = alerts::activeSilences(db, toIsoUtc(now));
        log::setSink(nullptr);
        log::setLevel(threshold);
        QVERIFY(active.empty());
        QCOMPARE(logged.size(), size_t(1));
        QVERIFY2(logged[0].find("silence " + std::to_string(id)) != std::string::npos &&
                     logged[0].find("nbaops alerts unsilence") != std::string::npos,
                 logged[0].c_str());
    }

    void pendingFiresAfterItsForDurationAndResolves()
    {
        auto db = freshDb();
        alerts::Engine engine(db, alerts::parseConfig(rulesJson(), "t"));
        const auto slow = sig("slow", {{"phase", "3"}}, 0.2);
        auto ev = engine.apply(measured({slow}), kT0);
        QCOMPARE(ev.pending, 1);
        QCOMPARE(ev.firing, 0);
        ev = engine.apply(measured({slow}), kT0 + 4min);
        QCOMPARE(ev.pending, 1); // 4 of its 5 minutes
        QCOMPARE(ev.queued, 0);
        ev = engine.apply(measured({slow}), kT0 + 5min);
        QCOMPARE(ev.firing, 1);
        QCOMPARE(ev.newlyFiring, 1);
        QCOMPARE(ev.queued, 1); // P2 -> chat
        ev = engine.apply(measured({}), kT0 + 20min);
        QCOMPARE(ev.resolved, 1);
        QCOMPARE(ev.firing, 0);
        QCOMPARE(ev.queued, 1); // the resolution
        const auto hist = alerts::alertHistory(db, std::nullopt);
        QStringList states;
        for (auto it = hist.rbegin(); it != hist.rend(); ++it)
            states << QString::fromStdString(it->toState);
        QCOMPARE(states, QStringList({QStringLiteral("pending"), QStringLiteral("firing"), QStringLiteral("resolved")}));

        // A pending alert whose condition goes away before its `for` clears without a message.
        engine.apply(measured({sig("slow", {{"phase", "4"}})}), kT0 + 30min);
        ev = engine.apply(measured({}), kT0 + 32min);
        QCOMPARE(ev.queued, 0);
        QCOMPARE(q(db, "SELECT count(*) FROM alert_events WHERE to_state = 'cleared'"), int64_t(1));
        // Firing again later is a new episode on the same row (one row per rule and labels).
        engine.apply(measured({slow}), kT0 + 1h);
        QCOMPARE(q(db, "SELECT count(*) FROM alerts WHERE rule = 'slow'"), int64_t(2));
    }

    void groupsWaitThenGoOutAsOneMessage()
    {
        auto db = freshDb();
        alerts::Engine engine(db, alerts::parseConfig(rulesJson("", "http://127.0.0.1:9/hook", 30, "30s"), "t"));
        std::vector<alerts::Signal> s;
        for (const char* p : {"bdl_boxscore_scraper", "nbac_boxscore_scraper", "espn_scoreboard_scraper"})
            s.push_back(sig("run_failed", {{"processor", p}, {"game_date", "2024-02-29"}}));
        auto ev = engine.apply(measured({s[0]}), kT0);
        QCOMPARE(ev.held, 1); // the group waits 30 s for company
        ev = engine.apply(measured(s), kT0 + 10s);
        QCOMPARE(ev.held, 3);
        QCOMPARE(ev.queued, 0);
        ev = engine.apply(measured(s), kT0 + 31s);
        QCOMPARE(ev.queued, 1); // one message (P1 -> chat) for the three
        auto st = db.prepare("SELECT subject, body, alert_ids FROM alert_notifications");
        QVERIFY(st.step());
        QVERIFY2(st.getText(0).find("(3 alerts)") != std::string::npos, st.getText(0).c_str());
        QVERIFY(st.getText(1).find("espn_scoreboard_scraper") != std::string::npos);
        QCOMPARE(nlohmann::json::parse(st.getText(2)).size(), size_t(3));
        st.reset();
        // Nothing more until the repeat interval.
        ev = engine.apply(measured(s), kT0 + 1h);
        QCOMPARE(ev.queued, 0);
        ev = engine.apply(measured(s), kT0 + 4h + 1min);
        QCOMPARE(ev.queued, 1);
        QCOMPARE(q(db, "SELECT count(*) FROM alert_notifications WHERE kind = 'repeat'"), int64_t(1));
    }

    void aStalledPipelineInhibitsTheStaleDataItCauses()
    {
        auto db = freshDb();
        alerts::Engine engine(db, alerts::parseConfig(rulesJson(), "t"));
        auto ev = engine.apply(measured({sig("pipeline_stalled", {{"phase", "3"}}, 7.5),
                                         sig("data_stale", {{"table", "player_game_summary"}}, 2)}),
                               kT0);
        QCOMPARE(ev.firing, 2);
        QCOMPARE(ev.queued, 2);     // the stall: chat and console
        QCOMPARE(ev.suppressed, 1); // the stale table: kept in history, not sent
        auto st = db.prepare("SELECT reason FROM alert_notifications WHERE status = 'suppressed'");
        QVERIFY(st.step());
        QVERIFY(st.getText(0).find("inhibited by pipeline_stalled") == 0);
        st.reset();
        const auto list = alerts::listAlerts(db, engine.config(), kT0);
        const auto stale = std::find_if(list.begin(), list.end(), [](const auto& a) { return a.rule == "data_stale"; });
        QVERIFY(stale != list.end() && !stale->inhibitedBy.empty());
        // The stall ends: the inhibition lifts (the stale alert is still firing, already told).
        engine.apply(measured({sig("data_stale", {{"table", "player_game_summary"}}, 2)}), kT0 + 1h);
        QCOMPARE(q(db, "SELECT count(*) FROM alerts WHERE inhibited_by IS NOT NULL"), int64_t(0));
    }

    void silencesSuppressAndCountWhatTheyHeldBack()
    {
        auto db = freshDb();
        alerts::Engine engine(db, alerts::parseConfig(rulesJson(), "t"));
        const auto id = alerts::addSilence(db, alerts::parseMatchers({"rule=run_failed", "processor=bdl_*"}), "ana",
                                           "balldontlie maintenance", 2h, kT0);
        auto ev = engine.apply(measured({sig("run_failed", {{"processor", "bdl_boxscore_scraper"}, {"game_date", "d"}}),
                                         sig("run_failed", {{"processor", "nbac_schedule"}, {"game_date", "d"}})}),
                               kT0);
        QCOMPARE(ev.queued, 1);
        QCOMPARE(ev.suppressed, 1);
        const auto sil = alerts::silences(db, kT0);
        QCOMPARE(sil.size(), size_t(1));
        QCOMPARE(sil[0].suppressed, 1);
        QVERIFY(sil[0].active);
        QCOMPARE(QString::fromStdString(sil[0].creator), QStringLiteral("ana"));
        const auto list = alerts::listAlerts(db, engine.config(), kT0);
        QCOMPARE(std::count_if(list.begin(), list.end(), [&](const auto& a) { return a.silencedBy == id; }), 1L);
        // After it expires the next repeat goes out.
        alerts::expireSilence(db, id, kT0 + 1h);
        ev = engine.apply(measured({sig("run_failed", {{"processor", "bdl_boxscore_scraper"}, {"game_date", "d"}}),
                                    sig("run_failed", {{"processor", "nbac_schedule"}, {"game_date", "d"}})}),
                          kT0 + 4h + 1s);
        QCOMPARE(ev.queued, 1); // one group of two repeats
        QCOMPARE(ev.suppressed, 0);
        try {
            alerts::parseMatchers({"processor"});
            QFAIL("accepted a matcher without a value");
        } catch (const UsageError&) {
        }
        try {
            alerts::addSilence(db, alerts::parseMatchers({"rule=x"}), "ana", "", 1h, kT0);
            QFAIL("a silence without a comment");
        } catch (const UsageError& e) {
            QVERIFY(QString::fromUtf8(e.what()).contains(QStringLiteral("--comment")));
        }
    }

    void acknowledgedAlertsStopRepeatingButStillResolve()
    {
        auto db = freshDb();
        alerts::Engine engine(db, alerts::parseConfig(rulesJson(), "t"));
        const auto s = sig("run_failed", {{"processor", "p"}, {"game_date", "d"}});
        engine.apply(measured({s}), kT0);
        const auto id = alerts::listAlerts(db, engine.config(), kT0).front().id;
        alerts::acknowledge(db, id, "ana", "on it", kT0 + 1min);
        auto ev = engine.apply(measured({s}), kT0 + 5h);
        QCOMPARE(ev.queued, 0); // no repeat
        ev = engine.apply(measured({}), kT0 + 6h);
        QCOMPARE(ev.queued, 1); // the resolution
        QCOMPARE(q(db, "SELECT count(*) FROM alert_events WHERE to_state = 'acked'"), int64_t(1));
        try {
            alerts::acknowledge(db, id, "ana", "", kT0 + 7h);
            QFAIL("acknowledged a resolved alert");
        } catch (const UsageError& e) {
            QVERIFY(QString::fromUtf8(e.what()).contains(QStringLiteral("already resolved")));
        }
    }

    void theRateLimitDelaysButNeverDrops()
    {
        auto db = freshDb();
        alerts::Engine engine(db, alerts::parseConfig(rulesJson(R"(, {"name": "other", "check": "breaker_open",
            "severity": "P2"})", "http://127.0.0.1:9/hook", 2), "t"));
        // Three groups, so three messages to chat (the P0 also to the console).
        const std::vector<alerts::Signal> s = {sig("other", {{"source", "x"}}), sig("pipeline_stalled", {{"phase", "3"}}),
                                               sig("run_failed", {{"processor", "p"}})};
        auto ev = engine.apply(measured(s), kT0);
        QCOMPARE(ev.queued, 4); // chat x3 (two now, one rate limited) + console for the P0
        QCOMPARE(q(db, "SELECT count(*) FROM alert_notifications WHERE reason = 'rate limited'"), int64_t(1));
        RecordingSender sender;
        auto d = engine.deliver(sender, kT0);
        QCOMPARE(d.sent, 2);
        d = engine.deliver(sender, kT0 + 30min);
        QCOMPARE(d.sent, 0); // still inside the window
        d = engine.deliver(sender, kT0 + 1h + 1s);
        QCOMPARE(d.sent, 1);
        QCOMPARE(q(db, "SELECT count(*) FROM alert_notifications WHERE receiver = 'chat' AND status = 'sent'"), int64_t(3));
        // The console's copy is for the console.
        const auto desktop = alerts::takeDesktopNotifications(db, engine.config(), kT0 + 1h);
        QCOMPARE(desktop.size(), size_t(1));
        QVERIFY(alerts::takeDesktopNotifications(db, engine.config(), kT0 + 1h).empty());
    }

    void backfillsHoldAllButP0()
    {
        auto db = freshDb();
        alerts::Engine engine(db, alerts::parseConfig(rulesJson(), "t"));
        auto ev = engine.apply(measured({sig("run_failed", {{"processor", "p"}, {"game_date", "d"}}),
                                         sig("pipeline_stalled", {{"phase", "3"}}, 9)},
                                        true),
                               kT0);
        QCOMPARE(ev.held, 1);   // the P1 waits for the backfill to end
        QCOMPARE(ev.queued, 2); // the P0 pages anyway (chat + console)
        ev = engine.apply(measured({sig("run_failed", {{"processor", "p"}, {"game_date", "d"}}),
                                    sig("pipeline_stalled", {{"phase", "3"}}, 9)}),
                          kT0 + 10min);
        QCOMPARE(ev.queued, 1); // backfill over: the held one goes out
    }

    void checksMeasureARealDatabase()
    {
        auto db = freshDb();
        const std::string d = "2024-02-29";
        const auto run = [&](const char* proc, int phase, const char* status, const char* cat, int records,
                             const std::string& started, const char* heartbeat = nullptr) {
            db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, finished_at,"
                       " heartbeat_at, duration_ms, status, failure_category, records_out) VALUES"
                       " ('r', ?, ?, ?, ?, ?, ?, 10, ?, ?, ?)")
                .bindAll(std::string(proc), int64_t(phase), d, started,
                         cat ? std::optional(started) : std::nullopt,
                         heartbeat ? std::optional(std::string(heartbeat)) : std::nullopt, std::string(status),
                         cat ? std::optional(std::string(cat)) : std::nullopt, int64_t(records))
                .run();
        };
        const std::string morning = toIsoUtc(kT0 - 3h);
        run("nbac_schedule_scraper", 1, "success", "success", 12, morning);
        run("bdl_boxscore_scraper", 1, "failed", "error", 0, morning);
        run("player_game_summary", 3, "success", "success", 0, morning);           // zero where >0 expected
        run("ml_feature_store", 4, "running", nullptr, 0, morning, toIsoUtc(kT0 - 2h).c_str()); // stuck
        db.prepare("INSERT INTO circuit_breakers VALUES ('balldontlie', 'OPEN', 5, ?, ?)").bindAll(morning, morning).run();
        const auto cfg = alerts::parseConfig(resources_json(), "built-in rules");
        alerts::SignalContext ctx{db, registry::Registry::builtin(), {}, m_dir.path().toStdString(), kT0};
        for (const auto& p : registry::Registry::builtin().processors())
            ctx.implemented.push_back(p.name);
        const auto m = alerts::measure(cfg, ctx);
        QVERIFY2(m.errors.empty(), m.errors.empty() ? "" : m.errors.front().c_str());
        const auto has = [&](const std::string& rule, const std::string& label, const std::string& value) {
            return std::any_of(m.conditions.begin(), m.conditions.end(), [&](const alerts::Signal& s) {
                const auto it = s.labels.find(label);
                return s.rule == rule && it != s.labels.end() && it->second == value;
            });
        };
        QVERIFY(has("run_failed", "processor", "bdl_boxscore_scraper"));
        QVERIFY(!has("run_failed", "processor", "nbac_schedule_scraper"));
        QVERIFY(has("circuit_breaker_open", "source", "balldontlie"));
        QVERIFY(has("stuck_run", "processor", "ml_feature_store"));
        QVERIFY(has("zero_records", "processor", "player_game_summary"));
        const auto stuck = std::find_if(m.conditions.begin(), m.conditions.end(), [](const auto& s) { return s.rule == "stuck_run"; });
        QVERIFY2(stuck->summary.find("no heartbeat for 120 min") != std::string::npos, stuck->summary.c_str());
        QVERIFY(!m.backfill);
        // A backfill holds the lower severities while it runs, not while it is paused.
        db.prepare("INSERT INTO backfills(created_at, created_by, source, first_date, last_date, dates, items, workers,"
                   " state) VALUES (?, 'ana', 'range 2024-01-01..2024-01-05', '2024-01-01', '2024-01-05', 5, 100, 2,"
                   " 'paused')")
            .bindAll(toIsoUtc(kT0))
            .run();
        QVERIFY(!alerts::backfillRunning(db));
        db.prepare("UPDATE backfills SET state = 'running'").run();
        std::string detail;
        QVERIFY(alerts::backfillRunning(db, &detail));
        QVERIFY2(detail.find("started by ana") != std::string::npos, detail.c_str());
    }

    void webhookDeliveryRetriesAFailingReceiverAndNeverDuplicates()
    {
        httplib::Server server;
        std::mutex mutex;
        std::vector<std::pair<std::string, std::string>> received; // idempotency key, body
        std::atomic<int> calls{0};
        server.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
            if (++calls <= 2) { // the first two attempts fail
                res.status = 500;
                return;
            }
            std::lock_guard lock(mutex);
            received.emplace_back(req.get_header_value("Idempotency-Key"), req.body);
            res.set_content("ok", "text/plain");
        });
        const int port = server.bind_to_any_port("127.0.0.1");
        std::thread t([&] { server.listen_after_bind(); });
        for (int i = 0; i < 500 && !server.is_running(); ++i) // bounded: 5 s
            std::this_thread::sleep_for(10ms);
        QVERIFY(server.is_running());

        auto db = freshDb();
        alerts::Engine engine(db, alerts::parseConfig(rulesJson("", "http://127.0.0.1:" + std::to_string(port) + "/hook"), "t"));
        engine.apply(measured({sig("run_failed", {{"processor", "p"}, {"game_date", "d"}})}), kT0);
        alerts::CurlSender sender(2000ms);
        auto d = engine.deliver(sender, kT0);
        QCOMPARE(d.failed, 1);
        QVERIFY2(d.errors.front().find("HTTP 500") != std::string::npos, d.errors.front().c_str());
        d = engine.deliver(sender, kT0 + 10s); // not due yet (30 s backoff)
        QCOMPARE(d.failed + d.sent, 0);
        d = engine.deliver(sender, kT0 + 31s);
        QCOMPARE(d.failed, 1); // second failure; next in 60 s
        d = engine.deliver(sender, kT0 + 31s + 61s);
        QCOMPARE(d.sent, 1);
        for (int i = 0; i < 3; ++i) // later passes send nothing again
            QCOMPARE(engine.deliver(sender, kT0 + 1h + std::chrono::minutes(i)).sent, 0);
        server.stop();
        t.join();
        QCOMPARE(received.size(), size_t(1));
        QVERIFY(received[0].first.rfind("nbaops-notification-", 0) == 0);
        const auto body = nlohmann::json::parse(received[0].second);
        QVERIFY(body["text"].get<std::string>().find("FIRING: run_failed") != std::string::npos);
        auto st = db.prepare("SELECT attempts, status FROM alert_notifications WHERE receiver = 'chat'");
        QVERIFY(st.step());
        QCOMPARE(st.getInt(0), int64_t(3));
        QCOMPARE(st.getText(1), std::string("sent"));
    }

    void smtpDeliveryToALoopbackServerRetriesATemporaryFailure()
    {
        SmtpServer smtp(1); // the first message gets 451
        std::map<std::string, std::string> env{{"TEST_SMTP", "smtp://127.0.0.1:" + std::to_string(smtp.port())}};
        auto db = freshDb();
        alerts::Engine engine(db, alerts::parseConfig(rulesJson(R"(, {"name": "zero", "check": "zero_records",
            "severity": "P3", "summary": "{processor} wrote nothing"})"), "t", &env));
        engine.apply(measured({sig("zero", {{"processor", "player_game_summary"}})}), kT0);
        alerts::CurlSender sender(3000ms);
        auto d = engine.deliver(sender, kT0);
        QCOMPARE(d.failed, 1);
        QVERIFY2(d.errors.front().find("451") != std::string::npos, d.errors.front().c_str());
        d = engine.deliver(sender, kT0 + 31s);
        QCOMPARE(d.sent, 1);
        QCOMPARE(engine.deliver(sender, kT0 + 2h).sent, 0);
        const auto msgs = smtp.messages();
        QCOMPARE(msgs.size(), size_t(1));
        QVERIFY(msgs[0].find("Subject: [P3] FIRING: zero") != std::string::npos);
        QVERIFY(msgs[0].find("To: ops@example.org") != std::string::npos);
        QVERIFY(msgs[0].find("Message-ID: <nbaops-notification-") != std::string::npos);
    }

private:
    static std::string resources_json();
};

#include "embedded_resources.h"
std::string TestAlerts::resources_json() { return std::string(resources::alertRulesJson()); }

QTEST_GUILESS_MAIN(TestAlerts)
#include "tst_alerts.moc"
