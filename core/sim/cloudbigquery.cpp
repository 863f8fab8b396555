// The simulated cloud's BigQuery v2: the processor_run_history it generates, and jobs.query,
// jobs.getQueryResults and tabledata.insertAll over a query engine that understands the
// queries nbaops sends.
#include "cloudparts.h"

#include <algorithm>
#include <regex>

namespace nbaops::sim {

using namespace detail;

// The query engine: processor_run_history filtered by the parameters nbaops sends.
std::optional<Job> SimCloud::Impl::runQuery(const json& body, httplib::Response& res)
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
    if (!std::regex_search(sql, m, from) || m[1] != project || m[3] != "processor_run_history") {
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
    const Date to =
        p.count("to_date") ? Date::parseOrThrow(p["to_date"], "to_date") : Date::ymd(2999, 1, 1);
    int64_t afterMs = -1;
    if (p.count("after_ts")) {
        const auto t = parseIsoUtc(p["after_ts"]);
        afterMs =
            t ? std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count()
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
            return x->startedMs != y->startedMs ? x->startedMs < y->startedMs : x->runId < y->runId;
        });
        if (int64_t(rows.size()) > limit)
            rows.resize(size_t(limit));
        if (!body.value("dryRun", false)) // a dry run only prices the query
            for (const auto* r : rows)
                job.rows.push_back(historyRow(*r).dump());
        job.pollsLeft = incompletePolls;
    }
    job.bytes = scanned * 180; // about what the columns of a run weigh
    return job;
}

std::string SimCloud::Impl::page(const std::string& jobId, Job& job, int64_t offset,
                                 int64_t maxResults, const char* kind)
{
    json out = {{"kind", kind},
                {"jobReference", {{"projectId", project}, {"jobId", jobId}, {"location", "US"}}},
                {"jobComplete", true},
                {"schema", job.schema},
                {"totalRows", std::to_string(job.rows.size())},
                {"totalBytesProcessed", std::to_string(job.bytes)},
                {"cacheHit", false}};
    const int64_t n = std::min({maxResults, pageRows, int64_t(job.rows.size()) - offset});
    if (offset + n < int64_t(job.rows.size()))
        out["pageToken"] = "BQ" + std::to_string(offset + n) + "=";
    // The object's text with the rows' texts spliced in before its closing brace.
    std::string body = out.dump();
    body.pop_back();
    body += ",\"rows\":[";
    for (int64_t i = 0; i < n; ++i) {
        if (i > 0)
            body += ',';
        body += job.rows[size_t(offset + i)];
    }
    body += "]}";
    return body;
}

void SimCloud::Impl::query(const httplib::Request& req, httplib::Response& res)
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
        return reply(res, 200,
                     {{"kind", "bigquery#queryResponse"},
                      {"jobReference", {{"projectId", project}, {"jobId", id}, {"location", "US"}}},
                      {"jobComplete", false}});
    reply(res, 200,
          page(id, j, 0, body.value("maxResults", int64_t(100000)), "bigquery#queryResponse"));
}

void SimCloud::Impl::results(const httplib::Request& req, httplib::Response& res)
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
        return reply(
            res, 200,
            {{"kind", "bigquery#getQueryResultsResponse"},
             {"jobReference", {{"projectId", project}, {"jobId", it->first}, {"location", "US"}}},
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

void SimCloud::Impl::insertAll(const httplib::Request& req, httplib::Response& res)
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

} // namespace nbaops::sim
