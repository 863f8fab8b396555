#pragma once

#include "cloud/settings.h"
#include "net/httpclient.h"
#include "secrets/keychain.h"
#include "sim/cloud.h"
#include "pipeline/session.h"
#include "util/date.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <atomic>

#include <filesystem>
#include <memory>
#include <optional>

namespace nbaops::test {

// The shared real data folder (../shared/data, or $NBAOPS_SHARED_DATA), or nullopt.
std::optional<std::filesystem::path> sharedData();
// Where tests leave artefacts to look at (PNG grabs): the tests' build folder.
std::filesystem::path outputDir();

// A wall clock fixed at one instant (the simulated league treats earlier dates as played),
// or, after run(), moving on from it in real time.
class FixedClock final : public Clock
{
public:
    explicit FixedClock(TimePoint t) : m_t(t) {}
    TimePoint now() const override
    {
        return m_running ? m_t + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                     std::chrono::steady_clock::now() - m_since)
                         : m_t;
    }
    void set(TimePoint t) { m_t = t; }
    void run()
    {
        m_since = std::chrono::steady_clock::now();
        m_running = true;
    }

private:
    TimePoint m_t;
    std::atomic<bool> m_running{false};
    std::chrono::steady_clock::time_point m_since{};
};

// HTTP options that keep failing tests quick: short timeouts, millisecond backoff.
net::HttpOptions fastHttp(int attempts = 3, int timeoutMs = 800);

// A pipeline session on the simulated league in a fresh temporary folder.
struct SessionFixture
{
    QTemporaryDir dir;
    FixedClock clock{easternTime(Date::ymd(2024, 3, 1), 9, 0)};
    std::unique_ptr<pipeline::Session> session;
    std::filesystem::path dbPath() const { return std::filesystem::path(dir.path().toStdString()) / "t.db"; }
    void start(std::vector<sim::FaultRule> faults = {}, net::HttpOptions http = fastHttp());
    void start(pipeline::SessionOptions options); // dbPath and clock are filled in
};

// A season date with games in the simulated league, before FixedClock's default instant.
inline Date gameDay() { return Date::ymd(2024, 1, 10); }
// A summer date: no games.
inline Date summerDay() { return Date::ymd(2024, 7, 15); }

// A data folder with the simulated league's nights [from, to] run end to end into `dir`/t.db
// (its raw store and published documents beside it), as the DR tests start from.
void buildNights(const std::filesystem::path& dir, Date from, Date to);

// The demo database the console tests look at: 8 simulated nights up to 2024-01-20 with the
// demo's injected faults (the live NBA.com URL unset so the simulated league serves).
void buildDemoDatabase(const std::filesystem::path& dbPath);

// The first column of the first row of a query (a count).
int64_t count(store::Database& db, const std::string& sql);

// SHA-256 of a query's rows, for idempotency checks.
std::string tableChecksum(store::Database& db, const std::string& sql);

// A program run to its end: exit code (-1 when it crashed or was killed after the timeout) and
// its output.
struct ProgramRun
{
    int code = -1;
    QByteArray out, err;
};
// The environment the tests run the programs in: no live source URL, XDG_DATA_HOME at `home`
// and XDG_CONFIG_HOME at `home`/config.
QProcessEnvironment programEnvironment(const QString& home);
ProgramRun runProgram(const QString& program, const QStringList& args, const QString& home, int timeoutMs = 180000);

// A Google service-account JSON key with a fresh 2048-bit RSA key (OpenSSL), as the Cloud
// console downloads one. `publicPem` verifies what the private half signed.
struct ServiceAccountKey
{
    std::string json;
    std::string publicPem;
    std::string privateKeyId;
    std::string email;
};
ServiceAccountKey makeServiceAccountKey(const std::string& tokenUri, const std::string& email = "nbaops-ci@nba-props.iam.gserviceaccount.com");
// Writes `key.json` at `path`, readable only by its owner; returns the path.
std::filesystem::path writeServiceAccountKey(const std::filesystem::path& path, const ServiceAccountKey& key);

// A simulated Google Cloud serving `processors`, started, trusting a fresh key written to
// `dir`/sa-PROJECT.json, and the settings that name its APIs and its four services.
struct SimCloudSetup
{
    std::unique_ptr<sim::SimCloud> cloud;
    ServiceAccountKey key;
    std::filesystem::path keyPath;
    cloud::CloudSettings settings;
};
SimCloudSetup startSimCloud(const std::string& project, const std::vector<std::pair<std::string, int>>& processors,
                            const std::filesystem::path& dir);
// Every processor of the built-in registry with its phase (a cloud that serves them all).
std::vector<std::pair<std::string, int>> everyProcessor();
// The cloud's run history says each scraper (phase 1, run by Cloud Scheduler) served `date` an
// hour ago, so what depends on them may run on request.
void scrapedInCloud(sim::SimCloud& cloud, Date date);

// In initTestCase of a test run under tests/keyring/with_keyring.sh (KEYRING in CMake).
#define NBAOPS_REQUIRE_TEST_KEYRING()                                                                          \
    do {                                                                                                       \
        if (!std::getenv("NBAOPS_TEST_KEYRING"))                                                               \
            QSKIP("run through CTest: tests/keyring/with_keyring.sh starts the D-Bus session and keyring");  \
        const std::string why_ = nbaops::secrets::keychain::probe();                                          \
        QVERIFY2(why_.empty(), ("the test's keyring does not answer: " + why_).c_str());                     \
    } while (false)

} // namespace nbaops::test

// Enums as text, so QCOMPARE failures read "expected timeout, got error".
#include "health/health.h"
#include "pipeline/outcome.h"

namespace nbaops::test {
inline QString str(pipeline::Category c) { return QString::fromStdString(std::string(pipeline::toString(c))); }
inline QString str(health::State s) { return QString::fromStdString(std::string(health::toString(s))); }
} // namespace nbaops::test
