// The simulated Google Cloud: one HTTP server on loopback with four of Google's APIs (the OAuth
// token endpoint, BigQuery v2 in cloudbigquery.cpp, the Cloud Run Admin API v2 and the phase
// services) sharing one token table and one fault queue.
#include "cloudparts.h"

#include "util/base64.h"
#include "util/errors.h"
#include "util/log.h"

#include <algorithm>

namespace nbaops::sim {

using namespace detail;

// The first fault matching the path, consumed; true when it answered.
bool SimCloud::Impl::fault(const std::string& path, httplib::Response& res)
{
    std::lock_guard lock(mutex);
    for (auto& f : faults) {
        if (f.count <= 0 || path.rfind(f.pathPrefix, 0) != 0)
            continue;
        --f.count;
        const std::string status = f.status == 403   ? "PERMISSION_DENIED"
                                   : f.status == 429 ? "RESOURCE_EXHAUSTED"
                                                     : "INTERNAL";
        reply(res, f.status,
              googleError(f.status, f.reason, f.message.empty() ? f.reason : f.message, status));
        return true;
    }
    return false;
}

// An access token this server issued and that has not expired.
bool SimCloud::Impl::authorized(const httplib::Request& req, httplib::Response& res)
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

void SimCloud::Impl::token(const httplib::Request& req, httplib::Response& res)
{
    bump("token");
    if (req.get_param_value("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer")
        return reply(
            res, 400,
            {{"error", "unsupported_grant_type"}, {"error_description", "Invalid grant_type."}});
    const std::string jwt = req.get_param_value("assertion");
    const auto a = jwt.find('.'), b = jwt.rfind('.');
    if (a == std::string::npos || b == a)
        return reply(res, 400, {{"error", "invalid_grant"}, {"error_description", "Invalid JWT."}});
    const auto header = json::parse(base64UrlDecode(jwt.substr(0, a)), nullptr, false);
    const auto claims = json::parse(base64UrlDecode(jwt.substr(a + 1, b - a - 1)), nullptr, false);
    if (!header.is_object() || !claims.is_object() || header.value("alg", "") != "RS256")
        return reply(res, 400, {{"error", "invalid_grant"}, {"error_description", "Invalid JWT."}});
    std::string pem;
    {
        std::lock_guard lock(mutex);
        const auto it = trusted.find(claims.value("iss", ""));
        if (it != trusted.end())
            pem = it->second;
    }
    if (pem.empty() || !verifyRs256(pem, jwt.substr(0, b), base64UrlDecode(jwt.substr(b + 1))))
        return reply(res, 400,
                     {{"error", "invalid_grant"}, {"error_description", "Invalid JWT Signature."}});
    const int64_t now = nowMs() / 1000;
    if (claims.value("aud", "") != base() + "/token")
        return reply(res, 400,
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
    reply(res, 200, {{"access_token", t}, {"expires_in", tokenLifetime}, {"token_type", "Bearer"}});
}

json SimCloud::Impl::service(const std::string& name)
{
    const std::string full = "projects/" + project + "/locations/us-west2/services/" + name;
    const std::string revision = full.substr(0, full.rfind("/services/")) + "/services/" + name +
                                 "/revisions/" + name + "-00042-sim";
    return {{"name", full},
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

bool SimCloud::Impl::identityFor(const httplib::Request& req, httplib::Response& res,
                                 const std::string& name)
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

void SimCloud::Impl::processDate(const httplib::Request& req, httplib::Response& res)
{
    const std::string name = req.matches[1].str();
    bump("process-date");
    if (!identityFor(req, res, name) || fault(req.path, res))
        return;
    const auto body = json::parse(req.body, nullptr, false);
    const auto date = body.is_object() ? Date::parse(body.value("game_date", "")) : std::nullopt;
    const std::string processor = body.is_object() ? body.value("processor", "") : "";
    int phase = 0;
    for (const auto& [p, ph] : processors)
        if (p == processor)
            phase = ph;
    if (!date || phase == 0 || serviceOfPhase(phase) != name)
        return reply(res, 400,
                     {{"status", "error"},
                      {"message", !date ? "game_date must be YYYY-MM-DD"
                                        : "processor " + processor + " is not served by " + name}});
    std::lock_guard lock(mutex);
    CloudRun r = succeededRun(processor, phase, *date, nowMs(), 12.5, 245, name, "manual");
    r.runId = "manual-" + std::to_string(++runSeq);
    history.push_back(r);
    reply(res, 200,
          {{"status", "success"},
           {"rows_processed", r.records},
           {"duration_seconds", r.durationSeconds}});
}

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

CloudRun succeededRun(const std::string& processor, int phase, Date date, int64_t startedMs, double seconds,
                      int64_t records, const std::string& service, const std::string& trigger)
{
    CloudRun r;
    r.runId = "run-" + date.iso() + "-" + processor + "-" + std::to_string(startedMs);
    r.processor = processor;
    r.phase = phase;
    r.dataDate = date;
    r.status = "success";
    r.failureCategory = "success";
    r.startedMs = startedMs;
    r.durationSeconds = seconds;
    r.processedMs = startedMs + int64_t(seconds * 1000);
    r.records = records;
    r.triggerSource = trigger;
    r.service = service;
    r.revision = service + "-00042-sim";
    return r;
}

} // namespace nbaops::sim
