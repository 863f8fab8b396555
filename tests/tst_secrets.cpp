// Secrets: the real Secret Service path (libsecret over this test's own D-Bus session and GNOME
// Keyring, tests/keyring/with_keyring.sh), the environment winning over the keychain, values
// refused with what is wrong, rotation ages feeding the alert rule and the readiness score, and
// redaction of every text that leaves the program.
#include "alerts/rules.h"
#include "alerts/signals.h"
#include "embedded_resources.h"
#include "readiness/readiness.h"
#include "registry/registry.h"
#include "secrets/keychain.h"
#include "secrets/secrets.h"
#include "store/database.h"
#include "testutil.h"
#include "util/errors.h"
#include "util/log.h"
#include "util/redact.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace nbaops;
using namespace std::chrono_literals;

namespace {

const TimePoint kNow = easternTime(Date::ymd(2026, 11, 30), 9, 0);

std::string fileBytes(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Unsets a variable for the scope of a test and puts it back.
class EnvGuard
{
public:
    explicit EnvGuard(const char* name) : m_name(name)
    {
        if (const char* v = std::getenv(name)) {
            m_had = true;
            m_old = v;
        }
    }
    ~EnvGuard()
    {
        if (m_had)
            ::setenv(m_name, m_old.c_str(), 1);
        else
            ::unsetenv(m_name);
    }
    EnvGuard(const EnvGuard&) = delete;
    EnvGuard& operator=(const EnvGuard&) = delete;

private:
    const char* m_name;
    bool m_had = false;
    std::string m_old;
};

secrets::Status statusWithAge(const std::string& name, int days)
{
    secrets::Status s;
    s.spec = secrets::spec(name);
    s.source = secrets::Source::Keychain;
    s.ageDays = days;
    s.rotation = days >= s.spec.rotationDays ? secrets::Rotation::Due : secrets::Rotation::Ok;
    return s;
}

} // namespace

class TestSecrets : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    std::filesystem::path dir() const { return m_dir.path().toStdString(); }

    test::ProgramRun cli(const QStringList& args, const QByteArray& input = {})
    {
        QProcess p;
        auto env = QProcessEnvironment::systemEnvironment(); // keeps this test's D-Bus session
        env.remove(QStringLiteral("NBAOPS_ODDS_API_KEY"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(NBAOPS_CLI_PATH), args);
        if (!p.waitForStarted(10000))
            return {};
        p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished(5000);
            return {};
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                p.readAllStandardOutput(), p.readAllStandardError()};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        NBAOPS_REQUIRE_TEST_KEYRING();
    }

    void cleanup() { redact::forgetAll(); }

    // Remembered values, URL passwords, key-like query parameters, bearer tokens and webhook
    // paths are masked in any text; ordinary words are not.
    void redactionMasksWhatLooksLikeACredential()
    {
        redact::remember("odds_api_key", "k3y-0f-the-0dds-api");
        redact::remember("short", "abc"); // too short to be remembered
        const std::string in =
            "GET https://api.the-odds-api.com/v4/sports?regions=us&apiKey=k3y-0f-the-0dds-api "
            "failed; "
            "also k3y-0f-the-0dds-api in a body; smtps://ops:hunter2pass@mail.example.org:465; "
            "Authorization: Bearer ya29.a0AfB_byC-token; "
            "https://hooks.slack.com/services/T0/B1/XyZ?x=1; "
            "https://x.example.org/cb?token=tok-123&page=2; abc stays";
        const std::string out = redact::text(in);
        QVERIFY2(out.find("k3y-0f-the-0dds-api") == std::string::npos, out.c_str());
        QVERIFY2(out.find("[secret:odds_api_key] in a body") != std::string::npos, out.c_str());
        QVERIFY2(out.find("hunter2pass") == std::string::npos &&
                     out.find("smtps://ops:***@mail") != std::string::npos,
                 out.c_str());
        QVERIFY2(out.find("ya29") == std::string::npos, out.c_str());
        QVERIFY2(out.find("T0/B1/XyZ") == std::string::npos, out.c_str());
        QVERIFY2(out.find("tok-123") == std::string::npos &&
                     out.find("page=2") != std::string::npos,
                 out.c_str());
        QVERIFY2(out.find("regions=us") != std::string::npos &&
                     out.find("abc stays") != std::string::npos,
                 out.c_str());

        // The logger redacts before its sink sees the message.
        std::string logged;
        log::setSink(
            [&](log::Level, std::string_view, std::string_view m) { logged = std::string(m); });
        log::error("test", "request with k3y-0f-the-0dds-api failed");
        log::setSink(nullptr);
        QCOMPARE(logged, std::string("request with [secret:odds_api_key] failed"));
    }

    // A secret stored in the keychain comes back with when it was set; the environment wins;
    // delete removes it; the listing reads no value.
    void theKeychainKeepsAndTheEnvironmentWins()
    {
        EnvGuard guard("NBAOPS_ODDS_API_KEY");
        ::unsetenv("NBAOPS_ODDS_API_KEY");
        secrets::set("odds_api_key", "0dds-key-from-the-keychain", kNow);
        auto r = secrets::get("odds_api_key");
        QCOMPARE(r.value, std::string("0dds-key-from-the-keychain"));
        QCOMPARE(int(r.source), int(secrets::Source::Keychain));
        QCOMPARE(r.setAt, toIsoUtc(kNow));
        QCOMPARE(secrets::keychain::list().count("odds_api_key"), size_t(1));

        // Replacing keeps one item with the new time.
        secrets::set("odds_api_key", "0dds-key-rotated-value", kNow + 24h);
        r = secrets::get("odds_api_key");
        QCOMPARE(r.value, std::string("0dds-key-rotated-value"));
        QCOMPARE(r.setAt, toIsoUtc(kNow + 24h));

        ::setenv("NBAOPS_ODDS_API_KEY", "0dds-key-from-the-environment", 1);
        r = secrets::get("odds_api_key");
        QCOMPARE(r.value, std::string("0dds-key-from-the-environment"));
        QCOMPARE(int(r.source), int(secrets::Source::Environment));
        const auto st = secrets::statusOf("odds_api_key", kNow);
        QVERIFY(!st.ageDays); // the environment's age is not known
        ::unsetenv("NBAOPS_ODDS_API_KEY");

        QVERIFY(secrets::remove("odds_api_key"));
        QVERIFY(!secrets::remove("odds_api_key"));
        QCOMPARE(int(secrets::get("odds_api_key").source), int(secrets::Source::None));
    }

    // Values with the wrong shape are refused before they are stored, saying what is wrong
    // and never repeating the value.
    void badValuesAreRefusedWithWhatIsWrong()
    {
        const auto refuse = [](const std::string& name, const std::string& value,
                               const char* expect) {
            try {
                secrets::set(name, value, kNow);
            } catch (const UsageError& e) {
                const std::string m = e.what();
                QVERIFY2(m.find(expect) != std::string::npos, m.c_str());
                if (value.size() >= 6 &&
                    name != "gcp_service_account_key") // a path is named, a key never
                    QVERIFY2(m.find(value) == std::string::npos, m.c_str());
                return;
            }
            QFAIL(("accepted a bad " + name).c_str());
        };
        refuse("odds_api_key", "has a space in it", "no spaces");
        refuse("bdl_api_key", "", "empty");
        refuse("pager_webhook_url", "http://hooks.example.org/abc", "https://");
        refuse("gcp_service_account_key", (dir() / "nope.json").string(), "does not exist");
        const auto notSa = dir() / "user.json";
        std::ofstream(notSa) << R"({"type": "authorized_user", "client_id": "x"})";
        refuse("gcp_service_account_key", notSa.string(), "not a service-account key");
        const auto key = test::writeServiceAccountKey(
            dir() / "sa.json", test::makeServiceAccountKey("https://oauth2.googleapis.com/token"));
        std::filesystem::permissions(key, std::filesystem::perms::others_read,
                                     std::filesystem::perm_options::add);
        refuse("gcp_service_account_key", key.string(), "chmod 600");
        std::filesystem::permissions(key, std::filesystem::perms::owner_read |
                                              std::filesystem::perms::owner_write);
        secrets::set("gcp_service_account_key", key.string(), kNow);
        QCOMPARE(secrets::get("gcp_service_account_key").value, key.string());
        QVERIFY(secrets::keychain::list().count("gcp_service_account_key"));
        QVERIFY(secrets::remove("gcp_service_account_key"));
        bool unknown = false;
        try {
            secrets::get("no_such_secret");
        } catch (const UsageError& e) {
            unknown = std::string(e.what()).find("odds_api_key") != std::string::npos;
        }
        QVERIFY(unknown);
    }

    // A key set 95 days ago is due: the status says so, the alert rule fires for it, and the
    // readiness item withholds its points; a fresh one passes both.
    void rotationAgeFeedsTheAlertAndTheScore()
    {
        secrets::set("bdl_api_key", "bdl-key-stored-long-ago", kNow - 95 * 24h);
        const auto st = secrets::statusOf("bdl_api_key", kNow);
        QCOMPARE(st.ageDays.value_or(-1), 95);
        QCOMPARE(int(st.rotation), int(secrets::Rotation::Due));
        QVERIFY(secrets::remove("bdl_api_key"));

        const auto dbPath = dir() / "rot.db";
        auto db = store::Database::open(dbPath);
        const auto cfg =
            alerts::parseConfig(std::string(resources::alertRulesJson()), "built-in rules");
        const std::vector<secrets::Status> old = {statusWithAge("bdl_api_key", 95),
                                                  statusWithAge("chat_webhook_url", 30)};
        alerts::SignalContext ctx{db, registry::Registry::builtin(), {}, dir(), kNow, &old};
        const auto measured = alerts::measure(cfg, ctx);
        int fired = 0;
        for (const auto& s : measured.conditions) {
            if (s.rule != "secret_rotation_due")
                continue;
            ++fired;
            QCOMPARE(s.labels.at("secret"), std::string("bdl_api_key"));
            QVERIFY2(s.summary.find("95 days old") != std::string::npos &&
                         s.summary.find("every 90 days") != std::string::npos,
                     s.summary.c_str());
        }
        QCOMPARE(fired, 1);

        const auto item = [&](const std::vector<secrets::Status>& all) {
            readiness::Inputs in{db,  registry::Registry::builtin(), {}, dbPath, kNow, nullptr,
                                 &all};
            for (const auto& c : readiness::score(in).categories)
                for (const auto& i : c.items)
                    if (i.name == "Secrets in a secret store and rotated")
                        return i;
            return readiness::Item{};
        };
        const auto due = item(old);
        QCOMPARE(due.points, 0.0);
        QVERIFY2(due.evidence.find("bdl_api_key is 95 days old") != std::string::npos,
                 due.evidence.c_str());
        const auto fresh = item({statusWithAge("bdl_api_key", 10)});
        QCOMPARE(fresh.points, fresh.max);
    }

    // The command line: set reads stdin (never argv), list and check never print the value,
    // the database's audit log records the change without it.
    void theCommandLineNeverShowsTheValue()
    {
        const QString db = QString::fromStdString((dir() / "cli.db").string());
        QCOMPARE(cli({QStringLiteral("--db"), db, QStringLiteral("demo"), QStringLiteral("--quiet"),
                      QStringLiteral("--days"), QStringLiteral("2")})
                     .code,
                 0);
        const QByteArray value = "cli-0dds-key-7f3a9b2c";
        auto r = cli({QStringLiteral("--db"), db, QStringLiteral("secrets"), QStringLiteral("set"),
                      QStringLiteral("odds_api_key")},
                     value + "\n");
        QVERIFY2(r.code == 0, r.err.constData());
        r = cli({QStringLiteral("secrets"), QStringLiteral("list")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("odds_api_key             api_key   keychain     0 d"),
                 r.out.constData());
        QVERIFY(!r.out.contains(value));
        r = cli({QStringLiteral("secrets"), QStringLiteral("check"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        QVERIFY(!r.out.contains(value));
        r = cli({QStringLiteral("secrets"), QStringLiteral("check"),
                 QStringLiteral("chat_webhook_url")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.out.contains("not set: nbaops secrets set chat_webhook_url"), r.out.constData());
        r = cli(
            {QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("pager_webhook_url")},
            "http://bad.example.org/x\n");
        QCOMPARE(r.code, 64);
        QVERIFY2(r.err.contains("starts with https://"), r.err.constData());
        r = cli({QStringLiteral("--db"), db, QStringLiteral("secrets"), QStringLiteral("delete"),
                 QStringLiteral("odds_api_key")});
        QCOMPARE(r.code, 0);
        r = cli({QStringLiteral("--db"), db, QStringLiteral("audit"), QStringLiteral("--action"),
                 QStringLiteral("secrets")});
        QVERIFY2(r.out.contains("secrets.set  odds_api_key") &&
                     r.out.contains("secrets.delete  odds_api_key"),
                 r.out.constData());
        QVERIFY(fileBytes(db.toStdString()).find(value.toStdString()) == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
