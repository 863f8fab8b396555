#include "auth.h"

#include "net/httpclient.h"
#include "secrets/secrets.h"
#include "util/base64.h"
#include "util/errors.h"
#include "util/text.h"
#include "util/files.h"
#include "util/process.h"
#include "util/redact.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <array>

namespace nbaops::cloud {
namespace {

constexpr auto kEarly = std::chrono::minutes(5); // fetch again this long before expiry
constexpr const char* kScope = "https://www.googleapis.com/auth/cloud-platform";

int64_t epochSeconds(TimePoint t)
{
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

bool fresh(const Token& t, TimePoint now)
{
    return !t.value.empty() && now + kEarly < t.expiresAt;
}

// An identity token's own expiry (its "exp" claim), else an hour.
TimePoint jwtExpiry(const std::string& jwt, TimePoint now)
{
    const auto a = jwt.find('.');
    const auto b = a == std::string::npos ? a : jwt.find('.', a + 1);
    if (b != std::string::npos) {
        const auto claims =
            nlohmann::json::parse(base64UrlDecode(jwt.substr(a + 1, b - a - 1)), nullptr, false);
        if (claims.is_object() && claims.contains("exp") && claims["exp"].is_number_integer())
            return TimePoint(std::chrono::seconds(claims["exp"].get<int64_t>()));
    }
    return now + std::chrono::hours(1);
}

} // namespace

ServiceAccount readServiceAccount(const std::filesystem::path& path)
{
    const std::string shape =
        secrets::checkValue(secrets::spec("gcp_service_account_key"), path.string());
    if (!shape.empty())
        throw OpsError("cloud mode cannot use its service-account key: " + shape + ".");
    const auto j = nlohmann::json::parse(readFile(path));
    ServiceAccount a;
    a.email = j.at("client_email").get<std::string>();
    a.privateKeyPem = j.at("private_key").get<std::string>();
    // Optional texts: a key file whose optional field is not a string is read as without it.
    const auto optional = [&j](const char* key) {
        return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
    };
    a.privateKeyId = optional("private_key_id");
    a.tokenUri = j.at("token_uri").get<std::string>();
    a.projectId = optional("project_id");
    return a;
}

std::string signJwt(const ServiceAccount& account, const nlohmann::json& claims)
{
    nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
    if (!account.privateKeyId.empty())
        header["kid"] = account.privateKeyId;
    const std::string input = base64Url(header.dump()) + "." + base64Url(claims.dump());

    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(account.privateKeyPem.data(), int(account.privateKeyPem.size())), BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    if (!key)
        throw OpsError("the service-account key of " + account.email +
                       " holds no private key OpenSSL can read: download a new JSON key");
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t size = 0;
    if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &size,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
        throw OpsError("OpenSSL could not sign with the service-account key of " + account.email);
    std::string signature(size, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
        throw OpsError("OpenSSL could not sign with the service-account key of " + account.email);
    signature.resize(size);
    return input + "." + base64Url(signature);
}

ServiceAccountTokens::ServiceAccountTokens(std::filesystem::path keyFile, const Clock& clock)
    : m_keyFile(std::move(keyFile)), m_clock(clock)
{
    net::HttpOptions o;
    o.acceptEncoding = "gzip"; // what Google's APIs serve
    o.maxAttempts = 3;
    o.totalTimeout = std::chrono::milliseconds(15000);
    o.backoffBase = std::chrono::milliseconds(200);
    m_http = std::make_unique<net::HttpClient>(o);
}

ServiceAccountTokens::~ServiceAccountTokens() = default;

Token ServiceAccountTokens::exchange(const nlohmann::json& extraClaims, const char* field)
{
    const ServiceAccount account = readServiceAccount(m_keyFile);
    const TimePoint now = m_clock.now();
    nlohmann::json claims = {{"iss", account.email},
                             {"aud", account.tokenUri},
                             {"iat", epochSeconds(now)},
                             {"exp", epochSeconds(now + std::chrono::hours(1))}};
    claims.update(extraClaims);
    const std::string body =
        "grant_type=" + percentEncode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
        "&assertion=" + percentEncode(signJwt(account, claims));
    const auto r = m_http->post(account.tokenUri, body,
                                {{"Content-Type", "application/x-www-form-urlencoded"}});
    ++m_exchanges;
    const auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!r.ok()) {
        std::string why = r.describe();
        if (j.is_object() && j.contains("error"))
            why = j.value("error", "") + (j.contains("error_description")
                                              ? " (" + j.value("error_description", "") + ")"
                                              : "");
        throw OpsError(
            "Google's token endpoint refused the service account " + account.email + ": " + why +
            ". If the key was deleted or rotated, download a new one and run nbaops secrets set "
            "gcp_service_account_key --file PATH.");
    }
    if (!j.is_object() || !j.contains(field) || !j[field].is_string())
        throw OpsError(std::string("Google's token endpoint answered without an ") + field +
                       " for " + account.email);
    Token t;
    t.value = j[field].get<std::string>();
    redact::remember(std::string("gcp_") + field, t.value);
    t.expiresAt = j.contains("expires_in") && j["expires_in"].is_number()
                      ? now + std::chrono::seconds(j["expires_in"].get<int64_t>())
                      : jwtExpiry(t.value, now);
    return t;
}

std::string ServiceAccountTokens::accessToken(bool refresh)
{
    std::lock_guard lock(m_mutex);
    if (refresh || !fresh(m_access, m_clock.now()))
        m_access = exchange({{"scope", kScope}}, "access_token");
    return m_access.value;
}

std::string ServiceAccountTokens::identityToken(const std::string& audience, bool refresh)
{
    std::lock_guard lock(m_mutex);
    Token& t = m_identity[audience];
    if (refresh || !fresh(t, m_clock.now()))
        t = exchange({{"target_audience", audience}}, "id_token");
    return t.value;
}

std::string ServiceAccountTokens::describe() const
{
    std::string email;
    try {
        email = readServiceAccount(m_keyFile).email;
    } catch (const std::exception& e) {
        email = std::string("(unreadable: ") + e.what() + ")";
    }
    return "service account " + email + " (key file " + m_keyFile.string() + ")";
}

int ServiceAccountTokens::exchanges() const
{
    std::lock_guard lock(m_mutex);
    return m_exchanges;
}

GcloudTokens::GcloudTokens(const Clock& clock, std::string program)
    : m_clock(clock), m_program(std::move(program))
{
}

std::string GcloudTokens::run(const std::vector<std::string>& args)
{
    const auto r = runCommand(m_program, args, 30);
    // The token is the last line; gcloud may print notices before it.
    std::string last;
    size_t start = 0;
    while (start < r.output.size()) {
        size_t end = r.output.find('\n', start);
        if (end == std::string::npos)
            end = r.output.size();
        std::string line = r.output.substr(start, end - start);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
            line.pop_back();
        if (!line.empty())
            last = line;
        start = end + 1;
    }
    if (r.exitCode != 0 || last.empty() || last.find(' ') != std::string::npos)
        throw OpsError(
            "cloud mode has no credentials: no service-account key is set (nbaops secrets set "
            "gcp_service_account_key --file PATH) and `" +
            m_program + " auth print-access-token` did not give a token" +
            (r.exitCode == -1 && !r.timedOut ? " (is the Google Cloud SDK installed?)" : "") +
            (last.empty() ? std::string() : ": " + redact::text(last)));
    redact::remember("gcloud_token", last);
    return last;
}

std::string GcloudTokens::accessToken(bool refresh)
{
    std::lock_guard lock(m_mutex);
    if (refresh || !fresh(m_access, m_clock.now()))
        m_access = {run({"auth", "print-access-token"}), m_clock.now() + std::chrono::minutes(50)};
    return m_access.value;
}

std::string GcloudTokens::identityToken(const std::string& audience, bool refresh)
{
    std::lock_guard lock(m_mutex);
    Token& t = m_identity[audience];
    if (refresh || !fresh(t, m_clock.now())) {
        const std::string v = run({"auth", "print-identity-token", "--audiences=" + audience});
        t = {v, jwtExpiry(v, m_clock.now())};
    }
    return t.value;
}

std::string GcloudTokens::describe() const
{
    return "gcloud (" + m_program + " auth print-access-token)";
}

std::unique_ptr<TokenSource> defaultTokenSource(const Clock& clock)
{
    const auto key = secrets::get("gcp_service_account_key");
    if (!key.value.empty())
        return std::make_unique<ServiceAccountTokens>(key.value, clock);
    return std::make_unique<GcloudTokens>(clock);
}

} // namespace nbaops::cloud
