#pragma once

// The simulated Google Cloud's insides, shared by its files (cloud.cpp: the server, its routes,
// the token endpoint and the Cloud Run services; cloudbigquery.cpp: BigQuery's endpoints and
// query engine; cloudformat.cpp: the wire formats and keys). Internal to sim.
#include "cloud.h"
#include "util/rng.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace nbaops::sim::detail {

using nlohmann::json;
using Steady = std::chrono::steady_clock;

int64_t nowMs();
// BigQuery's TIMESTAMP cell: seconds since the epoch in scientific notation ("1.7328384001E9").
std::string timestampCell(int64_t ms);
// processor_run_history's schema and one run as a row of cells ({"f": [{"v": ...}]}).
json historySchema();
json historyRow(const CloudRun& r);
// Google's error body: {"error": {"code", "message", "errors": [{"reason"}], "status"}}.
json googleError(int code, const std::string& reason, const std::string& message,
                 const std::string& status);
// The Cloud Run service that runs a phase's processors ("" for phases 1, 5 and 6).
std::string serviceOfPhase(int phase);
bool verifyRs256(const std::string& publicPem, const std::string& input,
                 const std::string& signature);

// A query's job: its rows rendered (each row's JSON text, so serving a page only copies text),
// what it scanned, and how many polls it stays incomplete.
struct Job
{
    json schema;
    std::vector<std::string> rows;
    int64_t bytes = 0;
    int pollsLeft = 0;
};

} // namespace nbaops::sim::detail

namespace nbaops::sim {

using detail::Job;
using detail::json;
using detail::Steady;

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
    static void reply(httplib::Response& res, int status, const std::string& body)
    {
        res.status = status;
        res.set_content(body, "application/json");
    }

    // The first fault matching the path, consumed; true when it answered.
    bool fault(const std::string& path, httplib::Response& res);

    // An access token this server issued and that has not expired.
    bool authorized(const httplib::Request& req, httplib::Response& res);

    void token(const httplib::Request& req, httplib::Response& res);

    // The query engine: processor_run_history filtered by the parameters nbaops sends.
    std::optional<Job> runQuery(const json& body, httplib::Response& res);

    std::string page(const std::string& jobId, Job& job, int64_t offset, int64_t maxResults,
              const char* kind);

    void query(const httplib::Request& req, httplib::Response& res);

    void results(const httplib::Request& req, httplib::Response& res);

    void insertAll(const httplib::Request& req, httplib::Response& res);

    json service(const std::string& name);

    bool identityFor(const httplib::Request& req, httplib::Response& res, const std::string& name);

    void processDate(const httplib::Request& req, httplib::Response& res);

    void routes();
};

} // namespace nbaops::sim
