#pragma once

#include "util/date.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nbaops::sim {

// One row of the simulated nba_reference.processor_run_history.
struct CloudRun
{
    std::string runId;
    std::string processor;
    int phase = 0;
    Date dataDate;
    std::string status;          // success | failed | running | skipped
    std::string failureCategory; // the local categories: success, no_data_available, error...
    int64_t startedMs = 0;       // epoch milliseconds
    int64_t processedMs = 0;     // 0 while running
    double durationSeconds = 0;
    int64_t records = 0;
    std::string errors;
    std::string triggerSource;         // scheduler | pubsub | manual | backfill
    std::vector<std::string> warnings; // REPEATED STRING
    std::string service, revision;     // RECORD context {service, revision}
};

// A run that succeeded: started at `startedMs`, `seconds` long, by `service`'s revision 00042.
CloudRun succeededRun(const std::string& processor, int phase, Date date, int64_t startedMs, double seconds,
                      int64_t records, const std::string& service, const std::string& trigger);

// A Google service-account JSON key with a fresh 2048-bit RSA key (OpenSSL), as the Cloud
// console downloads one, for the simulated cloud to trust (tests, the demo, the benchmark).
struct ServiceAccountKey
{
    std::string json;
    std::string publicPem;
    std::string privateKeyId;
    std::string email;
};
ServiceAccountKey makeServiceAccountKey(const std::string& tokenUri,
                                        const std::string& email = "nbaops-ci@nba-props.iam.gserviceaccount.com");

// The failures the simulated cloud can be told to answer with, each for the next `count`
// matching requests (path prefix "" matches all).
struct CloudFault
{
    std::string pathPrefix; // e.g. "/bigquery/v2/projects/p/queries"
    int status = 500;
    std::string reason; // BigQuery's error reason: backendError, rateLimitExceeded, accessDenied...
    std::string message;
    int count = 1;
};

// The Google Cloud a cloud-mode console talks to, simulated over real HTTP on 127.0.0.1 in
// Google's documented shapes, deterministic for a seed:
//   POST /token                                        OAuth token endpoint: a service account's
//   RS256
//                                                      JWT (verified with its public key) for an
//                                                      access token or, with target_audience, an
//                                                      identity token
//   POST /bigquery/v2/projects/{p}/queries             jobs.query (named parameters only)
//   GET  /bigquery/v2/projects/{p}/queries/{job}       jobs.getQueryResults (pageToken,
//   jobComplete) POST /bigquery/v2/projects/{p}/datasets/{d}/tables/{t}/insertAll
//   tabledata.insertAll GET  /run/v2/projects/{p}/locations/{r}/services[/{name}]          Cloud
//   Run Admin API v2 POST /svc/{name}/process-date, GET /svc/{name}/health|ready|status  the phase
//   services POST /svc/prediction-coordinator/start, GET .../status             the coordinator
// The query engine understands the queries nbaops sends (it dispatches on the table named in
// FROM) and refuses SQL that carries a literal value ('...' or a date): values come as
// parameters. Every call must carry a bearer token it issued and that has not expired.
class SimCloud
{
public:
    // `processors`: name and phase of each processor the history is made of.
    SimCloud(std::string project, std::vector<std::pair<std::string, int>> processors,
             uint64_t seed = 7);
    ~SimCloud();
    SimCloud(const SimCloud&) = delete;
    SimCloud& operator=(const SimCloud&) = delete;

    int start(int port = 0);
    void stop();
    std::string baseUrl() const;                           // http://127.0.0.1:PORT
    std::string tokenUrl() const;                          // .../token
    std::string bigqueryUrl() const;                       // .../bigquery/v2
    std::string runAdminUrl() const;                       // .../run/v2
    std::string serviceUrl(const std::string& name) const; // .../svc/NAME

    // The service account allowed to sign in: its e-mail and public key (PEM).
    void trustKey(const std::string& email, const std::string& publicPem);
    // Access tokens live this long (3600 s by default); expireTokens() ends every one now.
    void setTokenLifetime(int seconds);
    void expireTokens();
    // A query's job is not complete for this many getQueryResults calls.
    void setIncompletePolls(int polls);
    void setPageRows(int64_t rows); // the most rows one page holds, whatever maxResults asks
    void addFault(const CloudFault& fault);

    // Fills the history: `runsPerDay` runs for each date of [from, to], spread over the day.
    void generateHistory(Date from, Date to, int runsPerDay);
    // A run added later (a late write, a triggered processor), as the services write them.
    void appendRun(CloudRun run);
    std::vector<CloudRun> history() const;
    // Rows streamed by insertAll into `dataset.table`.
    std::vector<std::string> inserted(const std::string& datasetTable) const;

    // Counters for tests: requests by kind (token, query, getQueryResults, insertAll,
    // process-date, admin, health), and tokens issued.
    int requests(const std::string& kind) const;
    int tokensIssued() const;
    std::vector<std::string> queriesSeen() const; // SQL texts of jobs.query, in order

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace nbaops::sim
