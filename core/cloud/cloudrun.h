#pragma once

#include "settings.h"
#include "util/date.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace nbaops::net {
class HttpClient;
}

namespace nbaops::cloud {

class TokenSource;

// What a phase service answered to POST /process-date.
struct ProcessResult
{
    std::string status; // "success", or the service's own word
    int64_t rowsProcessed = 0;
    double durationSeconds = 0;
    std::string message; // the service's message when it refused
};

// A service as its own endpoints and the Cloud Run Admin API v2 see it.
struct ServiceState
{
    std::string name;
    std::string url;
    bool healthy = false;    // GET /health answered 2xx
    bool ready = false;      // GET /ready answered 2xx (its dependencies checked)
    std::string readyDetail; // the /ready body's checks, or why it failed
    double latencyMs = 0;    // of /health
    // From the Admin API: the revision serving, whether the service's Ready condition holds.
    std::string latestReadyRevision;
    std::string latestCreatedRevision;
    std::string readyCondition; // CONDITION_SUCCEEDED, CONDITION_FAILED, CONDITION_RECONCILING...
    int trafficPercentToLatest = 0;
    std::string problem; // what could not be asked, and why
};

// The Cloud Run services of the deployment: the phase services' /process-date, /health,
// /ready and the prediction coordinator's /start and /status, each called with an identity
// token whose audience is the service's URL; and each service's state from the Admin API v2
// (projects.locations.services.get) with an access token.
class CloudRun
{
public:
    CloudRun(CloudSettings settings, TokenSource& tokens);
    ~CloudRun();
    CloudRun(const CloudRun&) = delete;
    CloudRun& operator=(const CloudRun&) = delete;

    // The service that runs a processor of `phase` (2, 3, 4); "" for phases no service runs.
    static std::string serviceForPhase(int phase);
    // Throws OpsError saying what happened (unreachable, refused, the service's message).
    ProcessResult processDate(const std::string& service, const Date& date,
                              const std::string& processor);
    // POST /start {game_date} to prediction-coordinator; its answer.
    std::string startPredictions(const Date& date);
    ServiceState state(const std::string& service);
    std::vector<ServiceState> states(); // every configured service
    void setCancelFlag(const std::atomic<bool>* cancel);

private:
    std::string urlOf(const std::string& service) const;
    CloudSettings m_settings;
    TokenSource& m_tokens;
    std::unique_ptr<net::HttpClient> m_http;
};

} // namespace nbaops::cloud
