#pragma once

#include "settings.h"
#include "util/date.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nbaops::net {
class HttpClient;
struct HttpOptions;
struct HttpResponse;
} // namespace nbaops::net

namespace nbaops::cloud {

class TokenSource;

// A named query parameter (GoogleSQL @name). Every value a query uses travels this way, never
// formatted into its text.
struct Param
{
    std::string name;
    std::string type;                 // STRING, INT64, FLOAT64, BOOL, DATE, TIMESTAMP
    std::optional<std::string> value; // nullopt: NULL
    bool array = false;               // ARRAY<type> of `values`
    std::vector<std::string> values;

    static Param string(std::string name, std::string v)
    {
        return {std::move(name), "STRING", std::move(v), false, {}};
    }
    static Param int64(std::string name, int64_t v)
    {
        return {std::move(name), "INT64", std::to_string(v), false, {}};
    }
    static Param date(std::string name, const Date& d)
    {
        return {std::move(name), "DATE", d.iso(), false, {}};
    }
    static Param timestamp(std::string name, std::string iso)
    {
        return {std::move(name), "TIMESTAMP", std::move(iso), false, {}};
    }
    static Param strings(std::string name, std::vector<std::string> v)
    {
        return {std::move(name), "STRING", std::nullopt, true, std::move(v)};
    }
};

struct Query
{
    std::string sql;
    std::vector<Param> params;
    int64_t pageRows = 10000; // maxResults per page
};

// A column of the result's schema (TableFieldSchema): RECORD fields nest, mode REPEATED makes
// an array.
struct Field
{
    std::string name;
    std::string type;
    std::string mode; // NULLABLE, REQUIRED, REPEATED
    std::vector<Field> fields;
};

// One page of decoded rows: each row a JSON object by column name. INTEGER/INT64 arrive as
// strings and become numbers; FLOAT64 numbers (NaN and infinities as strings); BOOL booleans;
// TIMESTAMP (seconds since the epoch, as a string) becomes ISO UTC text with milliseconds;
// DATE, DATETIME, TIME, STRING, NUMERIC stay text; NULL is null; REPEATED an array; RECORD an
// object.
using Rows = std::vector<nlohmann::json>;
Rows decodeRows(const std::vector<Field>& schema, const nlohmann::json& rows);
std::vector<Field> parseSchema(const nlohmann::json& schema);

struct QueryResult
{
    std::vector<Field> schema;
    Rows rows; // empty when pages went to the callback
    int64_t totalRows = 0;
    int64_t bytesProcessed = 0;
    bool cacheHit = false;
    std::string jobId;
    int pages = 0;   // pages read (jobs.query's first + getQueryResults')
    int polls = 0;   // getQueryResults calls made while the job was not complete
    int retries = 0; // requests repeated after a 5xx, a rate limit or an expired token
};

struct DryRun
{
    int64_t bytes = 0;
    double usd = 0;
    std::vector<Field> schema;
};

struct InsertResult
{
    int64_t inserted = 0;
    std::vector<std::string> errors; // "row 3: invalid: no such field: x"
};

// An answer BigQuery gave that is not a success: HTTP status, the first error's reason
// (accessDenied, notFound, invalidQuery, rateLimitExceeded, quotaExceeded...) and message.
class BigQueryError : public std::runtime_error
{
public:
    BigQueryError(const std::string& what, int status, std::string reason)
        : std::runtime_error(what), m_status(status), m_reason(std::move(reason))
    {
    }
    int status() const { return m_status; }
    const std::string& reason() const { return m_reason; }

private:
    int m_status;
    std::string m_reason;
};

struct BigQueryOptions
{
    std::chrono::milliseconds requestTimeout{30000};
    std::chrono::milliseconds jobWait{10000}; // timeoutMs asked of each call
    std::chrono::seconds maxJobWait{300};     // polling for a job stops after this
    int maxRetries = 4;                       // per request, after 5xx/429/rateLimitExceeded
    std::chrono::milliseconds backoffBase{1000};
};

// BigQuery's REST API v2 through libcurl: jobs.query, jobs.getQueryResults paging and
// polling, dry runs with the cost cap, tabledata.insertAll. Not thread-safe (one per thread).
class BigQuery
{
public:
    BigQuery(CloudSettings settings, TokenSource& tokens, BigQueryOptions options = {});
    ~BigQuery();
    BigQuery(const BigQuery&) = delete;
    BigQuery& operator=(const BigQuery&) = delete;

    // The bytes the query would scan and what that costs, without running it.
    DryRun dryRun(const Query& q);
    // Runs the query to its last row. With `onPage`, each page is handed over as it arrives
    // (false stops reading) and the result keeps no rows. `capChecked`: the operator started
    // it, so it is dry-run first and refused above the settings' cap.
    QueryResult query(const Query& q, const std::function<bool(const Rows&)>& onPage = {},
                      bool capChecked = false);
    // Streams rows; each carries its insertId so a retried request adds nothing twice.
    InsertResult insertAll(const std::string& dataset, const std::string& table, const Rows& rows,
                           const std::vector<std::string>& insertIds);

    void setCancelFlag(const std::atomic<bool>* cancel);
    const CloudSettings& settings() const { return m_settings; }
    // `project.dataset.table`, quoted for GoogleSQL.
    std::string table(const std::string& dataset, const std::string& table) const;

private:
    nlohmann::json call(const std::string& method, const std::string& url,
                        const nlohmann::json* body, int& retries);
    nlohmann::json requestBody(const Query& q, bool dry) const;
    CloudSettings m_settings;
    TokenSource& m_tokens;
    BigQueryOptions m_options;
    std::unique_ptr<net::HttpClient> m_http;
    const std::atomic<bool>* m_cancel = nullptr;
    uint64_t m_requestSeq = 0;
};

// "1.2 GiB" for a byte count.
std::string bytesText(int64_t bytes);

} // namespace nbaops::cloud
