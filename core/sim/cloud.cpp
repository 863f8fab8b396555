// About 450 lines on purpose: the simulated Google Cloud is one HTTP server with four of
// Google's APIs (the OAuth token endpoint, BigQuery v2, the Cloud Run Admin API v2 and the phase
// services), sharing one token table and one fault queue; splitting it would split that state.
#include "cloud.h"

#include "util/base64.h"
#include "util/errors.h"
#include "util/log.h"
#include "util/rng.h"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <mutex>
#include <regex>
#include <thread>

namespace nbaops::sim {
namespace {

using nlohmann::json;
using Steady = std::chrono::steady_clock;

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

struct Job
{
    json schema;
    std::vector<json> rows;
    int64_t bytes = 0;
    int pollsLeft = 0;
};

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

struct SimCloud::Impl
{
    std::string project;
    std::vector<std::pair<std::string, int>> processors;
    Rng rng;
    httplib::Server http;
    std::thread thread;
    int port = 0;
    mutable std::mutex mutex;
    std::map<std::string, std::string> trusted;       // email -> public key PEM
    std::map<std::string, Steady::time_point> access; // token -> expiry
    std::map<std::string, std::string> identity;      // token -> audience
    int tokenLifetime = 3600;
    int incompletePolls = 0;
    int64_t pageRows = 100000;
    std::vector<CloudFault> faults;
    std::vector<CloudRun> history;
    std::map<std::string, Job> jobs;
    std::map<std::string, std::vector<std::string>> insertedRows; // dataset.table -> insertIds
    std::map<std::string, std::map<std::string, json>> insertedById;
    std::map<std::string, int> counts;
    std::vector<std::string> queries;
    int issued = 0, jobSeq = 0, runSeq = 0;

    Impl(std::string p, std::vector<std::pair<std::string, int>> procs, uint64_t seed)
        : project(std::move(p)), processors(std::move(procs)), rng(seed)
    {
    }

    std::string base() const { return "http://127.0.0.1:" + std::to_string(port); }

    void bump(const char* kind)
    {
        std::lock_guard lock(mutex);
        ++counts[kind];
    }

    static void reply(httplib::Response& res, int status, const json& body)
    {
        res.status = status;
        res.set_content(body.dump(), "application/json");
    }

    // The first fault matching the path, consumed; true when it answered.
    bool fault(const std::string& path, httplib::Response& res)
    {
        std::lock_guard lock(mutex);
        for (auto& f : faults) {
            if (f.count <= 0 || path.rfind(f.pathPrefix, 0) != 0)
                continue;
            --f.count;
            const std::string status = f.status == 403   ? "PERMISSION_DENIED"
                                       : f.status == 429 ? "RESOURCE_EXHAUSTED"
                                                         : "INTERNAL";
            reply(
                res, f.status,
                googleError(f.status, f.reason, f.message.empty() ? f.reason : f.message, status));
            return true;
        }
        return false;
    }

    // An access token this server issued and that has not expired.
    bool authorized(const httplib::Request& req, httplib::Response& res)
    {
        const std::string h = req.get_header_value("Authorization");
        std::lock_guard lock(mutex);
        const auto it = h.rfind("Bearer ", 0) == 0 ? access.find(h.substr(7)) : access.end();
        if (it == access.end() || Steady::now() >= it->second) {
            reply(res, 401,
                  googleError(401, "authError",
                              "Request had invalid authentication credentials. Expected OAuth 2 "
                              "access token, login "
                              "cookie or other valid authentication credential.",
                              "UNAUTHENTICATED"));
            return false;
        }
        return true;
    }

    void token(const httplib::Request& req, httplib::Response& res)
    {
        bump("token");
        if (req.get_param_value("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer")
            return reply(res, 400,
                         {{"error", "unsupported_grant_type"},
                          {"error_description", "Invalid grant_type."}});
        const std::string jwt = req.get_param_value("assertion");
        const auto a = jwt.find('.'), b = jwt.rfind('.');
        if (a == std::string::npos || b == a)
            return reply(res, 400,
                         {{"error", "invalid_grant"}, {"error_description", "Invalid JWT."}});
        const auto header = json::parse(base64UrlDecode(jwt.substr(0, a)), nullptr, false);
        const auto claims =
            json::parse(base64UrlDecode(jwt.substr(a + 1, b - a - 1)), nullptr, false);
        if (!header.is_object() || !claims.is_object() || header.value("alg", "") != "RS256")
            return reply(res, 400,
                         {{"error", "invalid_grant"}, {"error_description", "Invalid JWT."}});
        std::string pem;
        {
            std::lock_guard lock(mutex);
            const auto it = trusted.find(claims.value("iss", ""));
            if (it != trusted.end())
                pem = it->second;
        }
        if (pem.empty() || !verifyRs256(pem, jwt.substr(0, b), base64UrlDecode(jwt.substr(b + 1))))
            return reply(
                res, 400,
                {{"error", "invalid_grant"}, {"error_description", "Invalid JWT Signature."}});
        const int64_t now = nowMs() / 1000;
        if (claims.value("aud", "") != base() + "/token")
            return reply(
                res, 400,
                {{"error", "invalid_grant"}, {"error_description", "Invalid JWT: audience."}});
        if (claims.value("exp", int64_t(0)) <= now || claims.value("iat", int64_t(0)) > now + 60)
            return reply(res, 400,
                         {{"error", "invalid_grant"},
                          {"error_description",
                           "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                           "reasonable timeframe."}});
        std::lock_guard lock(mutex);
        ++issued;
        if (claims.contains("target_audience")) {
            const std::string aud = claims["target_audience"].get<std::string>();
            const json idClaims = {{"aud", aud},
                                   {"iss", "https://accounts.google.com"},
                                   {"email", claims.value("iss", "")},
                                   {"iat", now},
                                   {"exp", now + 3600}};
            const std::string id = base64Url(R"({"alg":"RS256","typ":"JWT"})") + "." +
                                   base64Url(idClaims.dump()) + "." +
                                   base64Url("sim-signature-" + std::to_string(issued));
            identity[id] = aud;
            return reply(res, 200, {{"id_token", id}});
        }
        const std::string t =
            "ya29.sim-" + std::to_string(issued) + "-" + std::to_string(rng.next() % 1000000007);
        access[t] = Steady::now() + std::chrono::seconds(tokenLifetime);
        reply(res, 200,
              {{"access_token", t}, {"expires_in", tokenLifetime}, {"token_type", "Bearer"}});
    }

    // The query engine: processor_run_history filtered by the parameters nbaops sends.
    std::optional<Job> runQuery(const json& body, httplib::Response& res)
    {
        const std::string sql = body.value("query", "");
        static const std::regex literal(R"(('[^']*')|(\b\d{4}-\d{2}-\d{2}\b))");
        if (std::regex_search(sql, literal)) {
            reply(res, 400,
                  googleError(400, "invalidQuery",
                              "the simulated cloud takes values only as query parameters",
                              "INVALID_ARGUMENT"));
            return std::nullopt;
        }
        static const std::regex from(R"(FROM\s+`([^`.]+)\.([^`.]+)\.([^`.]+)`)", std::regex::icase);
        std::smatch m;
        if (!std::regex_search(sql, m, from) || m[1] != project ||
            m[3] != "processor_run_history") {
            const std::string name =
                m.size() > 3 ? m[1].str() + ":" + m[2].str() + "." + m[3].str() : std::string("?");
            reply(res, 404,
                  googleError(404, "notFound",
                              "Not found: Table " + name + " was not found in location US",
                              "NOT_FOUND"));
            return std::nullopt;
        }
        std::map<std::string, std::string> p;
        for (const auto& q : body.value("queryParameters", json::array()))
            p[q.value("name", "")] = q["parameterValue"].value("value", "");
        const Date from_ = p.count("from_date") ? Date::parseOrThrow(p["from_date"], "from_date")
                                                : Date::ymd(1970, 1, 1);
        const Date to = p.count("to_date") ? Date::parseOrThrow(p["to_date"], "to_date")
                                           : Date::ymd(2999, 1, 1);
        int64_t afterMs = -1;
        if (p.count("after_ts")) {
            const auto t = parseIsoUtc(p["after_ts"]);
            afterMs =
                t ? std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch())
                        .count()
                  : -1;
        }
        const std::string afterId = p.count("after_id") ? p["after_id"] : "";
        const int64_t limit = p.count("limit") ? std::stoll(p["limit"]) : INT64_MAX;
        Job job;
        job.schema = historySchema();
        std::vector<const CloudRun*> rows;
        int64_t scanned = 0;
        {
            std::lock_guard lock(mutex);
            // processor_run_history is partitioned by DATE(started_at): a started_at filter
            // scans the partitions from its day on, a data_date filter the whole table.
            const int64_t partitionFrom = afterMs < 0 ? INT64_MIN : afterMs - afterMs % 86400000;
            for (const auto& r : history) {
                if (r.startedMs < partitionFrom)
                    continue;
                ++scanned;
                if (r.dataDate < from_ || to < r.dataDate)
                    continue;
                if (afterMs >= 0 &&
                    (r.startedMs < afterMs || (r.startedMs == afterMs && r.runId <= afterId)))
                    continue;
                rows.push_back(&r);
            }
            std::sort(rows.begin(), rows.end(), [](const CloudRun* x, const CloudRun* y) {
                return x->startedMs != y->startedMs ? x->startedMs < y->startedMs
                                                    : x->runId < y->runId;
            });
            if (int64_t(rows.size()) > limit)
                rows.resize(size_t(limit));
            for (const auto* r : rows)
                job.rows.push_back(historyRow(*r));
            job.pollsLeft = incompletePolls;
        }
        job.bytes = scanned * 180; // about what the columns of a run weigh
        return job;
    }

    json page(const std::string& jobId, Job& job, int64_t offset, int64_t maxResults,
              const char* kind)
    {
        json out = {
            {"kind", kind},
            {"jobReference", {{"projectId", project}, {"jobId", jobId}, {"location", "US"}}},
            {"jobComplete", true},
            {"schema", job.schema},
            {"totalRows", std::to_string(job.rows.size())},
            {"totalBytesProcessed", std::to_string(job.bytes)},
            {"cacheHit", false}};
        const int64_t n = std::min({maxResults, pageRows, int64_t(job.rows.size()) - offset});
        json rows = json::array();
        for (int64_t i = 0; i < n; ++i)
            rows.push_back(job.rows[size_t(offset + i)]);
        out["rows"] = rows;
        if (offset + n < int64_t(job.rows.size()))
            out["pageToken"] = "BQ" + std::to_string(offset + n) + "=";
        return out;
    }

    void query(const httplib::Request& req, httplib::Response& res)
    {
        bump("query");
        if (!authorized(req, res) || fault(req.path, res))
            return;
        const auto body = json::parse(req.body, nullptr, false);
        if (!body.is_object() || body.value("useLegacySql", true) ||
            body.value("parameterMode", "") != "NAMED")
            return reply(res, 400,
                         googleError(400, "invalid", "expected GoogleSQL with named parameters",
                                     "INVALID_ARGUMENT"));
        auto job = runQuery(body, res);
        if (!job)
            return;
        {
            std::lock_guard lock(mutex);
            queries.push_back(body.value("query", ""));
        }
        if (body.value("dryRun", false))
            return reply(res, 200,
                         {{"kind", "bigquery#queryResponse"},
                          {"schema", job->schema},
                          {"jobComplete", true},
                          {"totalBytesProcessed", std::to_string(job->bytes)},
                          {"cacheHit", false}});
        const int64_t cap =
            std::stoll(body.value("maximumBytesBilled", std::string("9223372036854775807")));
        if (job->bytes > cap)
            return reply(
                res, 400,
                googleError(400, "bytesBilledLimitExceeded",
                            "Query exceeded limit for bytes billed: " + std::to_string(cap) + ".",
                            "INVALID_ARGUMENT"));
        std::lock_guard lock(mutex);
        const std::string id = "job_sim" + std::to_string(++jobSeq);
        Job& j = jobs[id] = std::move(*job);
        if (j.pollsLeft > 0)
            return reply(
                res, 200,
                {{"kind", "bigquery#queryResponse"},
                 {"jobReference", {{"projectId", project}, {"jobId", id}, {"location", "US"}}},
                 {"jobComplete", false}});
        reply(res, 200,
              page(id, j, 0, body.value("maxResults", int64_t(100000)), "bigquery#queryResponse"));
    }

    void results(const httplib::Request& req, httplib::Response& res)
    {
        bump("getQueryResults");
        if (!authorized(req, res) || fault(req.path, res))
            return;
        std::lock_guard lock(mutex);
        const auto it = jobs.find(req.matches[2].str());
        if (it == jobs.end())
            return reply(res, 404,
                         googleError(404, "notFound",
                                     "Not found: Job " + project + ":US." + req.matches[2].str(),
                                     "NOT_FOUND"));
        Job& j = it->second;
        if (j.pollsLeft > 0) {
            --j.pollsLeft;
            return reply(res, 200,
                         {{"kind", "bigquery#getQueryResultsResponse"},
                          {"jobReference",
                           {{"projectId", project}, {"jobId", it->first}, {"location", "US"}}},
                          {"jobComplete", false}});
        }
        int64_t offset = 0;
        const std::string token = req.get_param_value("pageToken");
        if (token.size() > 3)
            offset = std::stoll(token.substr(2, token.size() - 3));
        const int64_t max =
            req.has_param("maxResults") ? std::stoll(req.get_param_value("maxResults")) : 100000;
        reply(res, 200, page(it->first, j, offset, max, "bigquery#getQueryResultsResponse"));
    }

    void insertAll(const httplib::Request& req, httplib::Response& res)
    {
        bump("insertAll");
        if (!authorized(req, res) || fault(req.path, res))
            return;
        const auto body = json::parse(req.body, nullptr, false);
        const std::string key = req.matches[2].str() + "." + req.matches[3].str();
        json errors = json::array();
        std::lock_guard lock(mutex);
        int64_t index = 0;
        for (const auto& row : body.value("rows", json::array())) {
            const std::string id = row.value("insertId", "");
            if (!row.contains("json") || !row["json"].is_object())
                errors.push_back(
                    {{"index", index},
                     {"errors", json::array({{{"reason", "invalid"}, {"message", "no json"}}})}});
            else if (!insertedById[key].count(id)) { // best-effort de-duplication by insertId
                insertedById[key][id] = row["json"];
                insertedRows[key].push_back(id);
            }
            ++index;
        }
        json out = {{"kind", "bigquery#tableDataInsertAllResponse"}};
        if (!errors.empty())
            out["insertErrors"] = errors;
        reply(res, 200, out);
    }

    json service(const std::string& name)
    {
        const std::string full = "projects/" + project + "/locations/us-west2/services/" + name;
        const std::string revision = full.substr(0, full.rfind("/services/")) + "/services/" +
                                     name + "/revisions/" + name + "-00042-sim";
        return {
            {"name", full},
            {"uid", "7c1e-sim-" + name},
            {"uri", base() + "/svc/" + name},
            {"generation", "42"},
            {"latestReadyRevision", revision},
            {"latestCreatedRevision", revision},
            {"terminalCondition",
             {{"type", "Ready"},
              {"state", "CONDITION_SUCCEEDED"},
              {"lastTransitionTime", "2026-11-30T09:12:03.512Z"}}},
            {"conditions",
             json::array({{{"type", "RoutesReady"}, {"state", "CONDITION_SUCCEEDED"}},
                          {{"type", "ConfigurationsReady"}, {"state", "CONDITION_SUCCEEDED"}}})},
            {"trafficStatuses", json::array({{{"type", "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"},
                                              {"revision", name + "-00042-sim"},
                                              {"percent", 100}}})},
            {"updateTime", "2026-11-30T09:11:58.104Z"},
            {"reconciling", false}};
    }

    bool identityFor(const httplib::Request& req, httplib::Response& res, const std::string& name)
    {
        const std::string h = req.get_header_value("Authorization");
        std::lock_guard lock(mutex);
        const auto it = h.rfind("Bearer ", 0) == 0 ? identity.find(h.substr(7)) : identity.end();
        if (it == identity.end() || it->second != base() + "/svc/" + name) {
            res.status = it == identity.end() ? 401 : 403;
            res.set_content(it == identity.end()
                                ? "Your client does not have permission to the requested URL."
                                : "The identity token's audience is another service.",
                            "text/html");
            return false;
        }
        return true;
    }

    void processDate(const httplib::Request& req, httplib::Response& res)
    {
        const std::string name = req.matches[1].str();
        bump("process-date");
        if (!identityFor(req, res, name) || fault(req.path, res))
            return;
        const auto body = json::parse(req.body, nullptr, false);
        const auto date =
            body.is_object() ? Date::parse(body.value("game_date", "")) : std::nullopt;
        const std::string processor = body.is_object() ? body.value("processor", "") : "";
        int phase = 0;
        for (const auto& [p, ph] : processors)
            if (p == processor)
                phase = ph;
        if (!date || phase == 0 || serviceOfPhase(phase) != name)
            return reply(
                res, 400,
                {{"status", "error"},
                 {"message", !date ? "game_date must be YYYY-MM-DD"
                                   : "processor " + processor + " is not served by " + name}});
        CloudRun r;
        const int64_t now = nowMs();
        std::lock_guard lock(mutex);
        r.runId = "manual-" + std::to_string(++runSeq);
        r.processor = processor;
        r.phase = phase;
        r.dataDate = *date;
        r.status = "success";
        r.failureCategory = "success";
        r.startedMs = now;
        r.durationSeconds = 12.5;
        r.processedMs = now + 12500;
        r.records = 245;
        r.triggerSource = "manual";
        r.service = name;
        r.revision = name + "-00042-sim";
        history.push_back(r);
        reply(res, 200,
              {{"status", "success"},
               {"rows_processed", r.records},
               {"duration_seconds", r.durationSeconds}});
    }

    void routes();
};

void SimCloud::Impl::routes()
{
    http.Post("/token", [this](const httplib::Request& q, httplib::Response& r) { token(q, r); });
    http.Post(R"(/bigquery/v2/projects/([^/]+)/queries)",
              [this](const httplib::Request& q, httplib::Response& r) { query(q, r); });
    http.Get(R"(/bigquery/v2/projects/([^/]+)/queries/([^/]+))",
             [this](const httplib::Request& q, httplib::Response& r) { results(q, r); });
    http.Post(R"(/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables/([^/]+)/insertAll)",
              [this](const httplib::Request& q, httplib::Response& r) { insertAll(q, r); });
    http.Get(R"(/run/v2/projects/([^/]+)/locations/([^/]+)/services)",
             [this](const httplib::Request& q, httplib::Response& r) {
                 bump("admin");
                 if (!authorized(q, r) || fault(q.path, r))
                     return;
                 json list = json::array();
                 for (const char* n :
                      {"nba-phase2-raw-processors", "nba-phase3-analytics-processors",
                       "nba-phase4-precompute-processors", "prediction-coordinator"})
                     list.push_back(service(n));
                 reply(r, 200, {{"services", list}});
             });
    http.Get(R"(/run/v2/projects/([^/]+)/locations/([^/]+)/services/([^/]+))",
             [this](const httplib::Request& q, httplib::Response& r) {
                 bump("admin");
                 if (!authorized(q, r) || fault(q.path, r))
                     return;
                 reply(r, 200, service(q.matches[3].str()));
             });
    http.Post(R"(/svc/([^/]+)/process-date)",
              [this](const httplib::Request& q, httplib::Response& r) { processDate(q, r); });
    for (const char* what : {"health", "ready", "status"}) {
        http.Get(std::string("/svc/([^/]+)/") + what,
                 [this, what](const httplib::Request& q, httplib::Response& r) {
                     bump("health");
                     const std::string name = q.matches[1].str();
                     if (!identityFor(q, r, name) || fault(q.path, r))
                         return;
                     const std::string w = what;
                     reply(r, 200,
                           w == "health"  ? json{{"status", "healthy"}, {"service", name}}
                           : w == "ready" ? json{{"status", "ready"},
                                                 {"checks", {{"bigquery", "ok"}, {"pubsub", "ok"}}}}
                                          : json{{"status", "idle"},
                                                 {"service", name},
                                                 {"revision", name + "-00042-sim"}});
                 });
    }
    http.Post(R"(/svc/([^/]+)/start)", [this](const httplib::Request& q, httplib::Response& r) {
        bump("coordinator");
        if (!identityFor(q, r, q.matches[1].str()) || fault(q.path, r))
            return;
        const auto body = json::parse(q.body, nullptr, false);
        reply(r, 200,
              {{"status", "started"},
               {"batch_id", "batch-" + (body.is_object() ? body.value("game_date", "") : "")}});
    });
}

SimCloud::SimCloud(std::string project, std::vector<std::pair<std::string, int>> processors,
                   uint64_t seed)
    : d(std::make_unique<Impl>(std::move(project), std::move(processors), seed))
{
    d->routes();
}

SimCloud::~SimCloud()
{
    stop();
}

int SimCloud::start(int port)
{
    if (d->thread.joinable())
        return d->port;
    d->port = port > 0 ? (d->http.bind_to_port("127.0.0.1", port) ? port : -1)
                       : d->http.bind_to_any_port("127.0.0.1");
    if (d->port <= 0)
        throw OpsError("The simulated cloud could not listen on 127.0.0.1; choose another port.");
    d->thread = std::thread([this] { d->http.listen_after_bind(); });
    for (int i = 0; i < 500 && !d->http.is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    log::info("sim", "simulated cloud listening on " + baseUrl());
    return d->port;
}

void SimCloud::stop()
{
    if (d->thread.joinable()) {
        d->http.stop();
        d->thread.join();
    }
}

std::string SimCloud::baseUrl() const
{
    return d->base();
}
std::string SimCloud::tokenUrl() const
{
    return d->base() + "/token";
}
std::string SimCloud::bigqueryUrl() const
{
    return d->base() + "/bigquery/v2";
}
std::string SimCloud::runAdminUrl() const
{
    return d->base() + "/run/v2";
}
std::string SimCloud::serviceUrl(const std::string& name) const
{
    return d->base() + "/svc/" + name;
}

void SimCloud::trustKey(const std::string& email, const std::string& publicPem)
{
    std::lock_guard lock(d->mutex);
    d->trusted[email] = publicPem;
}

void SimCloud::setTokenLifetime(int seconds)
{
    std::lock_guard lock(d->mutex);
    d->tokenLifetime = seconds;
}

void SimCloud::expireTokens()
{
    std::lock_guard lock(d->mutex);
    for (auto& [t, expiry] : d->access)
        expiry = Steady::now();
}

void SimCloud::setIncompletePolls(int polls)
{
    std::lock_guard lock(d->mutex);
    d->incompletePolls = polls;
}

void SimCloud::setPageRows(int64_t rows)
{
    std::lock_guard lock(d->mutex);
    d->pageRows = std::max<int64_t>(1, rows);
}

void SimCloud::addFault(const CloudFault& fault)
{
    std::lock_guard lock(d->mutex);
    d->faults.push_back(fault);
}

void SimCloud::generateHistory(Date from, Date to, int runsPerDay)
{
    std::lock_guard lock(d->mutex);
    if (d->processors.empty())
        return;
    static const char* kCategories[] = {"error", "timeout", "dependency_missing",
                                        "validation_failed"};
    for (Date day = from; !(to < day); day = day.addDays(1)) {
        const int64_t dayStart = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     easternTime(day.addDays(1), 0, 0).time_since_epoch())
                                     .count();
        for (int i = 0; i < runsPerDay; ++i) {
            const auto& [name, phase] = d->processors[size_t(i) % d->processors.size()];
            CloudRun r;
            r.runId = day.iso() + "-" + std::to_string(i);
            r.processor = name;
            r.phase = phase;
            r.dataDate = day;
            // The nightly window, midnight to 06:00 ET, as the scheduler runs it.
            r.startedMs =
                dayStart + int64_t(i) * (6 * 3600000 / runsPerDay) + int64_t(d->rng.below(1000));
            r.durationSeconds = 2.0 + d->rng.uniform() * (phase >= 4 ? 60.0 : 20.0);
            r.processedMs = r.startedMs + int64_t(r.durationSeconds * 1000);
            const bool failed = d->rng.chance(0.03);
            r.status = failed ? "failed" : "success";
            r.failureCategory = failed ? kCategories[d->rng.below(4)] : "success";
            r.records = failed ? 0 : 20 + d->rng.below(400);
            if (failed)
                r.errors = std::string("simulated ") + r.failureCategory + " in " + name;
            r.triggerSource = i % 7 == 0 ? "pubsub" : "scheduler";
            if (d->rng.chance(0.05))
                r.warnings = {"late upstream payload", "retried once"};
            r.service = serviceOfPhase(phase).empty() ? "nba-scrapers" : serviceOfPhase(phase);
            r.revision = r.service + "-00042-sim";
            d->history.push_back(std::move(r));
        }
    }
}

void SimCloud::appendRun(CloudRun run)
{
    std::lock_guard lock(d->mutex);
    d->history.push_back(std::move(run));
}

std::vector<CloudRun> SimCloud::history() const
{
    std::lock_guard lock(d->mutex);
    return d->history;
}

std::vector<std::string> SimCloud::inserted(const std::string& datasetTable) const
{
    std::lock_guard lock(d->mutex);
    const auto it = d->insertedRows.find(datasetTable);
    return it == d->insertedRows.end() ? std::vector<std::string>{} : it->second;
}

int SimCloud::requests(const std::string& kind) const
{
    std::lock_guard lock(d->mutex);
    const auto it = d->counts.find(kind);
    return it == d->counts.end() ? 0 : it->second;
}

int SimCloud::tokensIssued() const
{
    std::lock_guard lock(d->mutex);
    return d->issued;
}

std::vector<std::string> SimCloud::queriesSeen() const
{
    std::lock_guard lock(d->mutex);
    return d->queries;
}

} // namespace nbaops::sim
