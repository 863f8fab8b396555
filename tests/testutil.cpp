#include "testutil.h"

#include <QProcess>

#include "jobs/demo.h"
#include "jobs/runrange.h"
#include "registry/registry.h"
#include "sim/cloud.h"
#include "store/database.h"
#include "util/files.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>

namespace nbaops::test {

std::optional<std::filesystem::path> sharedData()
{
    std::filesystem::path p = NBAOPS_SHARED_DATA_DEFAULT;
    if (const char* env = std::getenv("NBAOPS_SHARED_DATA"); env && *env)
        p = env;
    if (std::filesystem::exists(p / "SOURCES.md"))
        return p;
    return std::nullopt;
}

std::filesystem::path outputDir() { return NBAOPS_TEST_OUTPUT_DIR; }

net::HttpOptions fastHttp(int attempts, int timeoutMs)
{
    net::HttpOptions o;
    o.maxAttempts = attempts;
    o.totalTimeout = std::chrono::milliseconds(timeoutMs);
    o.connectTimeout = std::chrono::milliseconds(timeoutMs);
    o.backoffBase = std::chrono::milliseconds(10);
    o.backoffCap = std::chrono::milliseconds(200);
    return o;
}

void SessionFixture::start(std::vector<sim::FaultRule> faults, net::HttpOptions http)
{
    pipeline::SessionOptions so;
    so.faults = std::move(faults);
    so.http = http;
    start(so);
}

void SessionFixture::start(pipeline::SessionOptions so)
{
    session.reset();
    ::unsetenv("NBAOPS_NBA_STATS_URL"); // tests never reach a live source
    so.dbPath = dbPath();
    so.clock = &clock;
    session = std::make_unique<pipeline::Session>(so);
}

void buildNights(const std::filesystem::path& dir, Date from, Date to)
{
    SessionFixture f;
    f.start();
    jobs::runRange(*f.session, {from, to, {}}, {});
    f.session.reset();
    std::filesystem::copy(f.dir.path().toStdString(), dir,
                          std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
}

QProcessEnvironment programEnvironment(const QString& home)
{
    auto env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("NBAOPS_NBA_STATS_URL"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    return env;
}

ProgramRun runProgram(const QString& program, const QStringList& args, const QString& home, int timeoutMs)
{
    QProcess p;
    p.setProcessEnvironment(programEnvironment(home));
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

int64_t count(store::Database& db, const std::string& sql)
{
    auto st = db.prepare(sql);
    st.step();
    return st.getInt(0);
}

std::string tableChecksum(store::Database& db, const std::string& sql)
{
    auto st = db.prepare(sql);
    std::string all;
    while (st.step()) {
        for (int c = 0; c < st.columnCount(); ++c) {
            all += st.isNull(c) ? std::string("\\N") : st.getText(c);
            all.push_back('\x1f');
        }
        all.push_back('\n');
    }
    return sha256Hex(all);
}

void buildDemoDatabase(const std::filesystem::path& dbPath)
{
    ::unsetenv("NBAOPS_NBA_STATS_URL");
    jobs::DemoOptions o;
    o.dbPath = dbPath;
    o.days = 8;
    o.lastDate = Date::ymd(2024, 1, 20);
    jobs::buildDemo(o, {});
}

ServiceAccountKey makeServiceAccountKey(const std::string& tokenUri, const std::string& email)
{
    const auto k = sim::makeServiceAccountKey(tokenUri, email);
    return {k.json, k.publicPem, k.privateKeyId, k.email};
}

std::filesystem::path writeServiceAccountKey(const std::filesystem::path& path, const ServiceAccountKey& key)
{
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << key.json;
    }
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return path;
}

SimCloudSetup startSimCloud(const std::string& project, const std::vector<std::pair<std::string, int>>& processors,
                            const std::filesystem::path& dir)
{
    SimCloudSetup s;
    s.cloud = std::make_unique<sim::SimCloud>(project, processors);
    s.cloud->start();
    s.key = makeServiceAccountKey(s.cloud->tokenUrl());
    s.keyPath = writeServiceAccountKey(dir / ("sa-" + project + ".json"), s.key);
    s.cloud->trustKey(s.key.email, s.key.publicPem);
    s.settings.project = project;
    s.settings.bigqueryUrl = s.cloud->bigqueryUrl();
    s.settings.runAdminUrl = s.cloud->runAdminUrl();
    for (const char* svc : cloud::kPhaseServices)
        s.settings.services[svc] = s.cloud->serviceUrl(svc);
    s.settings.services[cloud::kCoordinator] = s.cloud->serviceUrl(cloud::kCoordinator);
    return s;
}

std::vector<std::pair<std::string, int>> everyProcessor()
{
    std::vector<std::pair<std::string, int>> out;
    for (const auto& p : registry::Registry::builtin().processors())
        out.emplace_back(p.name, p.phase);
    return out;
}

void scrapedInCloud(sim::SimCloud& cloud, Date date)
{
    const int64_t hourAgo = std::chrono::duration_cast<std::chrono::milliseconds>(
                                (std::chrono::system_clock::now() - std::chrono::hours(1)).time_since_epoch())
                                .count();
    for (const auto& p : registry::Registry::builtin().processors()) {
        if (p.phase != 1)
            continue;
        cloud.appendRun(sim::succeededRun(p.name, 1, date, hourAgo, 2, 100, "nba-scrapers", "scheduler"));
    }
}

} // namespace nbaops::test
