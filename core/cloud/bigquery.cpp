#include "bigquery.h"

#include "auth.h"
#include "net/httpclient.h"
#include "util/errors.h"
#include "util/text.h"
#include "util/log.h"
#include "util/redact.h"
#include "util/rng.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>
#include <thread>

namespace nbaops::cloud {
namespace {

using nlohmann::json;

// An answer of BigQuery's that does not have the documented shape: nothing is decoded from it.
[[noreturn]] void malformed(const std::string& what)
{
    throw BigQueryError("BigQuery's answer is malformed: " + what +
                            ". Nothing was read from it; retry, and report it if it stays.",
                        200, "invalidResponse");
}

// The whole text as a number of type T (int64_t or double), else malformed naming `what`.
template <typename T> T numberText(const std::string& s, const std::string& what, const char* kind)
{
    T v{};
    const auto* end = s.data() + s.size();
    const auto [p, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc() || p != end)
        malformed(what + " is not " + kind + " ('" + s.substr(0, 40) + "')");
    return v;
}

int64_t int64Text(const std::string& s, const std::string& what)
{
    return numberText<int64_t>(s, what, "a 64-bit integer");
}

double doubleText(const std::string& s, const std::string& what)
{
    return numberText<double>(s, what, "a number");
}

int64_t int64Of(const json& j, const char* key)
{
    if (!j.contains(key))
        return 0;
    const auto& v = j[key];
    if (v.is_string())
        return int64Text(v.get<std::string>(), key);
    if (v.is_number_integer())
        return v.get<int64_t>();
    if (v.is_null())
        return 0;
    malformed(std::string(key) + " is not an integer");
}

// TIMESTAMP values arrive as seconds since the epoch in text ("1.7328384E9", "1732838400.123456").
std::string timestampText(const std::string& seconds, const std::string& what)
{
    const double s = doubleText(seconds, what);
    // years 1 to 9999, what BigQuery's TIMESTAMP holds
    if (!(s >= -62135596800.0 && s <= 253402300799.999))
        malformed(what + " is a TIMESTAMP outside years 1 to 9999 ('" + seconds.substr(0, 40) + "')");
    const auto ms = std::chrono::milliseconds(int64_t(std::llround(s * 1000.0)));
    return toIsoUtc(std::chrono::sys_time<std::chrono::milliseconds>(ms));
}

// A cell is {"v": value}; a row, and a RECORD's value, is {"f": [cells]}.
const json& cellValue(const json& cell, const std::string& column)
{
    if (!cell.is_object() || !cell.contains("v"))
        malformed("a cell of column '" + column + "' has no \"v\"");
    return cell["v"];
}

const json& cellsOf(const json& row, const std::string& what)
{
    if (!row.is_object() || !row.contains("f") || !row["f"].is_array())
        malformed(what + " has no \"f\" list of cells");
    return row["f"];
}

json decodeValue(const Field& f, const json& v);

json decodeScalar(const Field& f, const json& v)
{
    if (v.is_null())
        return nullptr;
    if (f.type == "RECORD" || f.type == "STRUCT") {
        json obj = json::object();
        const auto& cells = cellsOf(v, "the RECORD of column '" + f.name + "'");
        for (size_t i = 0; i < f.fields.size() && i < cells.size(); ++i)
            obj[f.fields[i].name] = decodeValue(f.fields[i], cellValue(cells[i], f.fields[i].name));
        return obj;
    }
    if (!v.is_string() && !v.is_number() && !v.is_boolean())
        malformed("column '" + f.name + "' holds a " + v.type_name() + " where a " + f.type + " belongs");
    const std::string s = v.is_string() ? v.get<std::string>() : v.dump();
    if (f.type == "INTEGER" || f.type == "INT64")
        return int64Text(s, "column '" + f.name + "'");
    if (f.type == "FLOAT" || f.type == "FLOAT64") {
        if (s == "NaN" || s == "Infinity" || s == "-Infinity")
            return s;
        return doubleText(s, "column '" + f.name + "'");
    }
    if (f.type == "BOOLEAN" || f.type == "BOOL")
        return s == "true";
    if (f.type == "TIMESTAMP")
        return timestampText(s, "column '" + f.name + "'");
    if (f.type == "JSON") {
        auto parsed = json::parse(s, nullptr, false);
        return parsed.is_discarded() ? json(s) : parsed;
    }
    return s;
}

json decodeValue(const Field& f, const json& v)
{
    if (f.mode == "REPEATED") {
        json arr = json::array();
        if (v.is_array())
            for (const auto& item : v)
                arr.push_back(decodeScalar(f, cellValue(item, f.name)));
        return arr;
    }
    return decodeScalar(f, v);
}

json paramJson(const Param& p)
{
    json type = {{"type", p.type}};
    json value = json::object();
    if (p.array) {
        type = {{"type", "ARRAY"}, {"arrayType", {{"type", p.type}}}};
        json values = json::array();
        for (const auto& v : p.values)
            values.push_back({{"value", v}});
        value["arrayValues"] = values;
    } else if (p.value) {
        value["value"] = *p.value;
    }
    return {{"name", p.name}, {"parameterType", type}, {"parameterValue", value}};
}

// The first of BigQuery's errors: {"error": {"code", "message", "errors": [{"reason",
// "message"}]}}.
std::pair<std::string, std::string> errorOf(const json& body)
try {
    if (!body.is_object() || !body.contains("error") || !body["error"].is_object())
        return {"", ""};
    const auto& e = body["error"];
    std::string reason, message = e.value("message", "");
    if (e.contains("errors") && e["errors"].is_array() && !e["errors"].empty()) {
        reason = e["errors"][0].value("reason", "");
        if (message.empty())
            message = e["errors"][0].value("message", "");
    }
    if (reason.empty())
        reason = e.value("status", "");
    return {reason, message};
} catch (const json::exception&) {
    return {"", ""}; // an error body of another shape: the HTTP status alone describes it
}

bool retryableReason(const std::string& reason)
{
    return reason == "rateLimitExceeded" || reason == "backendError" || reason == "internalError" ||
           reason == "jobRateLimitExceeded";
}

std::string advice(const std::string& reason)
{
    if (reason == "accessDenied")
        return " The service account needs roles/bigquery.jobUser on the project and "
               "roles/bigquery.dataViewer on the "
               "datasets (Settings names the account).";
    if (reason == "notFound")
        return " Check the project and the dataset names in Settings.";
    if (reason == "quotaExceeded")
        return " A quota is used up: wait, or raise it in the Cloud console.";
    if (reason == "bytesBilledLimitExceeded")
        return " The query would scan more than the cap in Settings (max bytes per query).";
    return "";
}

} // namespace

std::vector<Field> parseSchema(const json& schema)
{
    std::vector<Field> out;
    if (!schema.is_object() || !schema.contains("fields"))
        return out;
    if (!schema["fields"].is_array())
        malformed("the schema's \"fields\" is not a list");
    const auto text = [](const json& f, const char* key, const char* fallback) {
        if (!f.contains(key))
            return std::string(fallback);
        if (!f[key].is_string())
            malformed(std::string("a schema field's \"") + key + "\" is not text");
        return f[key].get<std::string>();
    };
    for (const auto& f : schema["fields"]) {
        if (!f.is_object())
            malformed("a schema field is not an object");
        Field field{text(f, "name", ""), text(f, "type", "STRING"), text(f, "mode", "NULLABLE"), {}};
        if (f.contains("fields"))
            field.fields = parseSchema(f);
        out.push_back(std::move(field));
    }
    return out;
}

Rows decodeRows(const std::vector<Field>& schema, const json& rows)
{
    Rows out;
    if (!rows.is_array())
        return out;
    out.reserve(rows.size());
    for (size_t r = 0; r < rows.size(); ++r) {
        const auto& cells = cellsOf(rows[r], "row " + std::to_string(r + 1));
        json obj = json::object();
        for (size_t i = 0; i < schema.size() && i < cells.size(); ++i)
            obj[schema[i].name] = decodeValue(schema[i], cellValue(cells[i], schema[i].name));
        out.push_back(std::move(obj));
    }
    return out;
}

std::string bytesText(int64_t bytes)
{
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = double(bytes);
    int u = 0;
    while (v >= 1024 && u < 5) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

BigQuery::BigQuery(CloudSettings settings, TokenSource& tokens, BigQueryOptions options)
    : m_settings(std::move(settings)), m_tokens(tokens), m_options(options)
{
    if (m_settings.project.empty())
        throw UsageError(
            "cloud mode needs the Google Cloud project: set it in Settings (cloud.project)");
    net::HttpOptions o;
    o.acceptEncoding = "gzip"; // what Google's APIs serve
    o.maxAttempts = 1; // retried here, where a 403 rateLimitExceeded and a 401 are understood
    o.totalTimeout = m_options.requestTimeout + m_options.jobWait;
    o.maxBytes = size_t(256) << 20;
    m_http = std::make_unique<net::HttpClient>(o);
}

BigQuery::~BigQuery() = default;

void BigQuery::setCancelFlag(const std::atomic<bool>* cancel)
{
    m_cancel = cancel;
    m_http->setCancelFlag(cancel);
}

std::string BigQuery::table(const std::string& dataset, const std::string& t) const
{
    return "`" + m_settings.project + "." + dataset + "." + t + "`";
}

json BigQuery::call(const std::string& method, const std::string& url, const json* body,
                    int& retries)
{
    bool refreshed = false;
    net::HttpOptions backoff;
    backoff.backoffBase = m_options.backoffBase;
    for (int attempt = 1;; ++attempt) {
        if (m_cancel && m_cancel->load())
            throw OpsError("cancelled by the operator");
        const std::vector<std::pair<std::string, std::string>> headers = {
            {"Authorization", "Bearer " + m_tokens.accessToken()},
            {"Content-Type", "application/json"}};
        const auto r =
            method == "POST" ? m_http->post(url, body->dump(), headers) : m_http->get(url, headers);
        auto j = json::parse(r.body, nullptr, false);
        if (r.ok() && j.is_object())
            return j;
        const auto [reason, message] = errorOf(j);
        if (r.status == 401 && !refreshed) {
            // The token expired or was revoked: fetch a new one, once.
            refreshed = true;
            m_tokens.accessToken(true);
            ++retries;
            --attempt;
            continue;
        }
        const bool retryable = !r.error.empty() || r.status == 429 || r.status >= 500 ||
                               ((r.status == 403 || r.status == 400) && retryableReason(reason));
        if (retryable && attempt <= m_options.maxRetries) {
            Rng jitter(uint64_t(std::chrono::steady_clock::now().time_since_epoch().count()) +
                       m_requestSeq);
            const auto wait = net::HttpClient::backoff(backoff, attempt, jitter.uniform());
            log::info("bigquery", redact::text(url) + ": " +
                                      (reason.empty() ? r.describe() : reason) + ", retrying in " +
                                      std::to_string(wait.count()) + " ms");
            for (auto left = wait; left.count() > 0; left -= std::chrono::milliseconds(50)) {
                if (m_cancel && m_cancel->load())
                    throw OpsError("cancelled by the operator");
                std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(50)));
            }
            ++retries;
            continue;
        }
        if (r.status == 0)
            throw BigQueryError(
                "BigQuery could not be reached (" + r.describe() +
                    "): check the network; the console keeps working from its cache",
                0, "unreachable");
        std::string what = "BigQuery answered HTTP " + std::to_string(r.status);
        if (!reason.empty())
            what += " " + reason;
        if (!message.empty())
            what += ": " + message;
        if (attempt > 1)
            what += " (after " + std::to_string(attempt) + " attempts)";
        throw BigQueryError(redact::text(what + "." + advice(reason)), r.status, reason);
    }
}

json BigQuery::requestBody(const Query& q, bool dry) const
{
    json params = json::array();
    for (const auto& p : q.params)
        params.push_back(paramJson(p));
    json body = {{"query", q.sql},
                 {"useLegacySql", false},
                 {"parameterMode", "NAMED"},
                 {"queryParameters", params},
                 {"location", m_settings.bigqueryLocation},
                 {"timeoutMs", m_options.jobWait.count()},
                 {"maxResults", q.pageRows},
                 {"maximumBytesBilled", std::to_string(m_settings.maxBytesPerQuery)}};
    if (dry)
        body["dryRun"] = true;
    return body;
}

DryRun BigQuery::dryRun(const Query& q)
try {
    int retries = 0;
    const json body = requestBody(q, true);
    const auto j =
        call("POST", m_settings.bigqueryUrl + "/projects/" + m_settings.project + "/queries", &body,
             retries);
    DryRun d;
    d.bytes = int64Of(j, "totalBytesProcessed");
    d.usd = double(d.bytes) / double(int64_t(1) << 40) * m_settings.usdPerTiB;
    d.schema = parseSchema(j.value("schema", json::object()));
    return d;
} catch (const json::exception& e) {
    malformed(e.what());
}

QueryResult BigQuery::query(const Query& q, const std::function<bool(const Rows&)>& onPage,
                            bool capChecked)
try {
    if (capChecked) {
        const auto d = dryRun(q);
        if (d.bytes > m_settings.maxBytesPerQuery) {
            char usd[32];
            std::snprintf(usd, sizeof usd, "$%.2f", d.usd);
            throw BigQueryError(
                "the query would scan " + bytesText(d.bytes) + " (about " + usd +
                    "), above the cap of " + bytesText(m_settings.maxBytesPerQuery) +
                    " per query: narrow its dates, or raise max bytes per query in Settings",
                0, "overCap");
        }
    }
    QueryResult out;
    json body = requestBody(q, false);
    // The same requestId on a retried jobs.query makes BigQuery run the query once.
    body["requestId"] =
        "nbaops-" +
        std::to_string(uint64_t(std::chrono::system_clock::now().time_since_epoch().count())) +
        "-" + std::to_string(++m_requestSeq);
    const std::string base =
        m_settings.bigqueryUrl + "/projects/" + m_settings.project + "/queries";
    json page = call("POST", base, &body, out.retries);
    const auto jobId = [&] {
        return page.value("jobReference", json::object()).value("jobId", "");
    };
    out.jobId = jobId();
    const std::string location =
        page.value("jobReference", json::object()).value("location", m_settings.bigqueryLocation);
    const auto deadline = std::chrono::steady_clock::now() + m_options.maxJobWait;
    while (!page.value("jobComplete", false)) {
        if (out.jobId.empty())
            throw BigQueryError("BigQuery answered a query without a job reference", 200,
                                "invalidResponse");
        if (std::chrono::steady_clock::now() > deadline)
            throw BigQueryError("the BigQuery job " + out.jobId + " did not complete within " +
                                    std::to_string(m_options.maxJobWait.count()) +
                                    " s; it may still be running",
                                0, "jobTimeout");
        ++out.polls;
        page = call("GET",
                    base + "/" + percentEncode(out.jobId) + "?location=" + percentEncode(location) +
                        "&timeoutMs=" + std::to_string(m_options.jobWait.count()) +
                        "&maxResults=" + std::to_string(q.pageRows),
                    nullptr, out.retries);
    }
    out.schema = parseSchema(page.value("schema", json::object()));
    out.totalRows = int64Of(page, "totalRows");
    out.bytesProcessed = int64Of(page, "totalBytesProcessed");
    out.cacheHit = page.value("cacheHit", false);
    for (;;) {
        ++out.pages;
        Rows rows = decodeRows(out.schema, page.value("rows", json::array()));
        if (onPage) {
            if (!onPage(rows))
                break;
        } else {
            out.rows.insert(out.rows.end(), std::make_move_iterator(rows.begin()),
                            std::make_move_iterator(rows.end()));
        }
        const std::string token = page.value("pageToken", "");
        if (token.empty())
            break;
        if (m_cancel && m_cancel->load())
            throw OpsError("cancelled by the operator");
        page =
            call("GET",
                 base + "/" + percentEncode(out.jobId) + "?location=" + percentEncode(location) +
                     "&pageToken=" + percentEncode(token) + "&maxResults=" + std::to_string(q.pageRows),
                 nullptr, out.retries);
    }
    return out;
} catch (const json::exception& e) {
    malformed(e.what());
}

InsertResult BigQuery::insertAll(const std::string& dataset, const std::string& t, const Rows& rows,
                                 const std::vector<std::string>& insertIds)
try {
    if (rows.size() != insertIds.size())
        throw std::invalid_argument("insertAll: one insertId per row");
    json list = json::array();
    for (size_t i = 0; i < rows.size(); ++i)
        list.push_back({{"insertId", insertIds[i]}, {"json", rows[i]}});
    const json body = {
        {"kind", "bigquery#tableDataInsertAllRequest"}, {"skipInvalidRows", false}, {"rows", list}};
    int retries = 0;
    const auto j = call("POST",
                        m_settings.bigqueryUrl + "/projects/" + m_settings.project + "/datasets/" +
                            dataset + "/tables/" + t + "/insertAll",
                        &body, retries);
    InsertResult out;
    std::set<int64_t> failed;
    for (const auto& e : j.value("insertErrors", json::array())) {
        const int64_t index = e.value("index", int64_t(-1));
        failed.insert(index);
        for (const auto& err : e.value("errors", json::array()))
            out.errors.push_back("row " + std::to_string(index) + ": " + err.value("reason", "") +
                                 ": " + err.value("message", ""));
    }
    out.inserted = int64_t(rows.size()) - int64_t(failed.size());
    return out;
} catch (const json::exception& e) {
    malformed(e.what());
}

} // namespace nbaops::cloud
