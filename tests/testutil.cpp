#include "testutil.h"

#include <QProcess>

#include "jobs/demo.h"
#include "jobs/runrange.h"
#include "store/database.h"
#include "util/files.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>

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

namespace {

std::string bioText(BIO* bio)
{
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, size_t(n));
}

} // namespace

ServiceAccountKey makeServiceAccountKey(const std::string& tokenUri, const std::string& email)
{
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(EVP_RSA_gen(2048), EVP_PKEY_free);
    if (!pkey)
        throw std::runtime_error("OpenSSL could not make an RSA key");
    std::unique_ptr<BIO, decltype(&BIO_free)> priv(BIO_new(BIO_s_mem()), BIO_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> pub(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_PrivateKey(priv.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr);
    PEM_write_bio_PUBKEY(pub.get(), pkey.get());
    ServiceAccountKey key;
    key.publicPem = bioText(pub.get());
    key.privateKeyId = "3f2a9c0e1b7d4a5c8e6f0a1b2c3d4e5f6a7b8c9d";
    key.email = email;
    const nlohmann::json j = {{"type", "service_account"},
                              {"project_id", "nba-props"},
                              {"private_key_id", key.privateKeyId},
                              {"private_key", bioText(priv.get())},
                              {"client_email", email},
                              {"client_id", "104839201938475610293"},
                              {"auth_uri", "https://accounts.google.com/o/oauth2/auth"},
                              {"token_uri", tokenUri},
                              {"auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs"},
                              {"universe_domain", "googleapis.com"}};
    key.json = j.dump(2);
    return key;
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

} // namespace nbaops::test
