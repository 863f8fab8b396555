// The simulated cloud's wire formats: BigQuery's cells and schema, Google's error bodies, the
// RS256 check of a service account's JWT, and the service-account keys it trusts.
#include "cloudparts.h"

#include "util/errors.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

namespace nbaops::sim {
namespace {

std::string bioText(BIO* bio)
{
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, size_t(n));
}

} // namespace

namespace detail {

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// BigQuery's TIMESTAMP cell: seconds since the epoch in scientific notation ("1.7328384001E9").
std::string timestampCell(int64_t ms)
{
    std::string digits = std::to_string(ms);
    const int exponent = int(digits.size()) - 1 - 3;
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();
    std::string mantissa = digits.substr(0, 1);
    if (digits.size() > 1)
        mantissa += "." + digits.substr(1);
    else
        mantissa += ".0";
    return mantissa + "E" + std::to_string(exponent);
}

json cell(const std::string& v)
{
    return {{"v", v}};
}
json nullCell()
{
    return {{"v", nullptr}};
}

json historySchema()
{
    const auto f = [](const char* name, const char* type, const char* mode = "NULLABLE") {
        return json{{"name", name}, {"type", type}, {"mode", mode}};
    };
    json context = f("context", "RECORD");
    context["fields"] = json::array({f("service", "STRING"), f("revision", "STRING")});
    return {
        {"fields", json::array({f("run_id", "STRING", "REQUIRED"), f("processor_name", "STRING"),
                                f("phase", "INTEGER"), f("data_date", "DATE"),
                                f("status", "STRING"), f("failure_category", "STRING"),
                                f("started_at", "TIMESTAMP"), f("processed_at", "TIMESTAMP"),
                                f("duration_seconds", "FLOAT"), f("records_processed", "INTEGER"),
                                f("errors", "STRING"), f("trigger_source", "STRING"),
                                f("warnings", "STRING", "REPEATED"), context})}};
}

json historyRow(const CloudRun& r)
{
    json warnings = json::array();
    for (const auto& w : r.warnings)
        warnings.push_back(cell(w));
    return {{"f", json::array(
                      {cell(r.runId), cell(r.processor), cell(std::to_string(r.phase)),
                       cell(r.dataDate.iso()), cell(r.status),
                       r.failureCategory.empty() ? nullCell() : cell(r.failureCategory),
                       cell(timestampCell(r.startedMs)),
                       r.processedMs ? cell(timestampCell(r.processedMs)) : nullCell(),
                       cell(std::to_string(r.durationSeconds)), cell(std::to_string(r.records)),
                       r.errors.empty() ? nullCell() : cell(r.errors), cell(r.triggerSource),
                       json{{"v", warnings}},
                       json{{"v", {{"f", json::array({cell(r.service), cell(r.revision)})}}}}})}};
}

json googleError(int code, const std::string& reason, const std::string& message,
                 const std::string& status)
{
    return {{"error",
             {{"code", code},
              {"message", message},
              {"errors",
               json::array({{{"message", message}, {"domain", "global"}, {"reason", reason}}})},
              {"status", status}}}};
}

std::string serviceOfPhase(int phase)
{
    switch (phase) {
    case 2:
        return "nba-phase2-raw-processors";
    case 3:
        return "nba-phase3-analytics-processors";
    case 4:
        return "nba-phase4-precompute-processors";
    default:
        return "";
    }
}

bool verifyRs256(const std::string& publicPem, const std::string& input,
                 const std::string& signature)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(publicPem.data(), int(publicPem.size())), BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    if (!key)
        return false;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                            input.size()) == 1;
}

} // namespace detail

ServiceAccountKey makeServiceAccountKey(const std::string& tokenUri, const std::string& email)
{
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(EVP_RSA_gen(2048), EVP_PKEY_free);
    if (!pkey)
        throw OpsError("OpenSSL could not make an RSA key");
    std::unique_ptr<BIO, decltype(&BIO_free)> priv(BIO_new(BIO_s_mem()), BIO_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> pub(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_PrivateKey(priv.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr);
    PEM_write_bio_PUBKEY(pub.get(), pkey.get());
    ServiceAccountKey key;
    key.publicPem = bioText(pub.get());
    key.privateKeyId = "3f2a9c0e1b7d4a5c8e6f0a1b2c3d4e5f6a7b8c9d";
    key.email = email;
    const json j = {{"type", "service_account"},
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

} // namespace nbaops::sim
