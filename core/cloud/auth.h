#pragma once

#include "util/date.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace nbaops::net {
class HttpClient;
}

namespace nbaops::cloud {

// A Google service-account JSON key, as the Cloud console downloads it. Only its path is ever
// kept (the gcp_service_account_key secret); the key is read when a token is needed.
struct ServiceAccount
{
    std::string email;
    std::string privateKeyPem;
    std::string privateKeyId;
    std::string tokenUri;
    std::string projectId;
};
// Throws OpsError naming the file and what is wrong with it (never its content).
ServiceAccount readServiceAccount(const std::filesystem::path& path);

// header.claims.signature, RS256 (RSASSA-PKCS1-v1_5 over SHA-256, OpenSSL), with the key's id
// in the header.
std::string signJwt(const ServiceAccount& account, const nlohmann::json& claims);

// Where the console's calls get their bearer tokens: OAuth access tokens for the Google APIs
// (BigQuery, the Cloud Run Admin API) and identity tokens for a Cloud Run service's URL.
// Tokens are cached and fetched again 5 minutes before they expire, or when `refresh` is
// true (after a 401). Thread-safe.
class TokenSource
{
public:
    virtual ~TokenSource() = default;
    virtual std::string accessToken(bool refresh = false) = 0;
    virtual std::string identityToken(const std::string& audience, bool refresh = false) = 0;
    // "service account NAME (key file PATH)" / "gcloud".
    virtual std::string describe() const = 0;
};

struct Token
{
    std::string value;
    TimePoint expiresAt{};
};

// The documented flow of a service-account key: a JWT signed with the key (iss = the account,
// aud = its token_uri, scope cloud-platform, one hour) exchanged at token_uri for an access
// token (grant_type urn:ietf:params:oauth:grant-type:jwt-bearer); for an identity token the
// JWT carries target_audience instead of scope and the answer's id_token is used.
class ServiceAccountTokens final : public TokenSource
{
public:
    ServiceAccountTokens(std::filesystem::path keyFile, const Clock& clock);
    ~ServiceAccountTokens() override;
    std::string accessToken(bool refresh = false) override;
    std::string identityToken(const std::string& audience, bool refresh = false) override;
    std::string describe() const override;
    // How many exchanges were made (tests: a cached token makes none).
    int exchanges() const;

private:
    Token exchange(const nlohmann::json& claims, const char* field);
    std::filesystem::path m_keyFile;
    const Clock& m_clock;
    mutable std::mutex m_mutex;
    std::unique_ptr<net::HttpClient> m_http;
    Token m_access;
    std::map<std::string, Token> m_identity;
    int m_exchanges = 0;
};

// The operator's own gcloud login: `gcloud auth print-access-token` and
// `gcloud auth print-identity-token --audiences=URL`, cached for 50 minutes.
class GcloudTokens final : public TokenSource
{
public:
    explicit GcloudTokens(const Clock& clock, std::string program = "gcloud");
    std::string accessToken(bool refresh = false) override;
    std::string identityToken(const std::string& audience, bool refresh = false) override;
    std::string describe() const override;

private:
    std::string run(const std::vector<std::string>& args);
    const Clock& m_clock;
    std::string m_program;
    std::mutex m_mutex;
    Token m_access;
    std::map<std::string, Token> m_identity;
};

// The service account of the gcp_service_account_key secret when it is set, else gcloud.
std::unique_ptr<TokenSource> defaultTokenSource(const Clock& clock);

} // namespace nbaops::cloud
