#include "cloudrun.h"

#include "auth.h"
#include "net/httpclient.h"
#include "util/errors.h"
#include "util/redact.h"

#include <nlohmann/json.hpp>

namespace nbaops::cloud {
namespace {

using nlohmann::json;

std::string shortText(const std::string& body)
{
    std::string s = body.substr(0, 200);
    for (char& c : s)
        if (c == '\n' || c == '\r')
            c = ' ';
    return s;
}

} // namespace

CloudRun::CloudRun(CloudSettings settings, TokenSource& tokens)
    : m_settings(std::move(settings)), m_tokens(tokens)
{
    net::HttpOptions o;
    o.acceptEncoding = "gzip"; // what Google's APIs serve
    o.maxAttempts = 3;
    o.backoffBase = std::chrono::milliseconds(500);
    o.totalTimeout =
        std::chrono::milliseconds(300000); // a phase service may take minutes for a date
    m_http = std::make_unique<net::HttpClient>(o);
}

CloudRun::~CloudRun() = default;

void CloudRun::setCancelFlag(const std::atomic<bool>* cancel)
{
    m_http->setCancelFlag(cancel);
}

std::string CloudRun::serviceForPhase(int phase)
{
    return phase >= 2 && phase <= 4 ? kPhaseServices[phase - 2] : "";
}

std::string CloudRun::urlOf(const std::string& service) const
{
    const auto it = m_settings.services.find(service);
    if (it == m_settings.services.end() || it->second.empty())
        throw UsageError("the URL of the Cloud Run service " + service +
                         " is not set: add it in Settings (cloud.services), as https://" + service +
                         "-<hash>.run.app");
    return it->second;
}

ProcessResult CloudRun::processDate(const std::string& service, const Date& date,
                                    const std::string& processor)
{
    const std::string url = urlOf(service);
    const std::string body = json{{"game_date", date.iso()}, {"processor", processor}}.dump();
    net::HttpResponse r;
    for (int attempt = 0; attempt < 2; ++attempt) {
        r = m_http->post(url + "/process-date", body,
                         {{"Authorization", "Bearer " + m_tokens.identityToken(url, attempt > 0)},
                          {"Content-Type", "application/json"}});
        if (r.status != 401)
            break; // a 401 once: the identity token is fetched again
    }
    const auto j = json::parse(r.body, nullptr, false);
    ProcessResult out;
    if (j.is_object()) {
        out.status = j.value("status", "");
        out.rowsProcessed = j.value("rows_processed", int64_t(0));
        out.durationSeconds = j.value("duration_seconds", 0.0);
        out.message = j.value("message", "");
    }
    if (r.status == 0)
        throw OpsError("the service " + service + " could not be reached (" + r.describe() +
                       "): nothing was run; try again when the network is back");
    if (!r.ok() || out.status != "success")
        throw OpsError(redact::text("the service " + service + " did not process " + processor +
                                    " for " + date.iso() + ": HTTP " + std::to_string(r.status) +
                                    (out.message.empty()
                                         ? (j.is_object() ? std::string() : " " + shortText(r.body))
                                         : " " + out.message)));
    return out;
}

std::string CloudRun::startPredictions(const Date& date)
{
    const std::string url = urlOf(kCoordinator);
    const auto r = m_http->post(url + "/start", json{{"game_date", date.iso()}}.dump(),
                                {{"Authorization", "Bearer " + m_tokens.identityToken(url)},
                                 {"Content-Type", "application/json"}});
    if (!r.ok())
        throw OpsError("the prediction coordinator did not start " + date.iso() + ": " +
                       r.describe() + " " + shortText(r.body));
    return r.body;
}

ServiceState CloudRun::state(const std::string& service)
{
    ServiceState s;
    s.name = service;
    try {
        s.url = urlOf(service);
        const auto auth = std::vector<std::pair<std::string, std::string>>{
            {"Authorization", "Bearer " + m_tokens.identityToken(s.url)}};
        const auto health = m_http->get(s.url + "/health", auth);
        s.healthy = health.ok();
        s.latencyMs = health.elapsedMs;
        const auto ready = m_http->get(s.url + "/ready", auth);
        s.ready = ready.ok();
        const auto rj = json::parse(ready.body, nullptr, false);
        s.readyDetail = ready.ok() && rj.is_object() && rj.contains("checks")
                            ? rj["checks"].dump()
                            : ready.describe() + " " + shortText(ready.body);
        if (!health.ok())
            s.problem = "/health: " + health.describe();
    } catch (const std::exception& e) {
        s.problem = e.what();
    }
    try {
        const std::string admin = m_settings.runAdminUrl + "/projects/" + m_settings.project +
                                  "/locations/" + m_settings.region + "/services/" + service;
        const auto r = m_http->get(admin, {{"Authorization", "Bearer " + m_tokens.accessToken()}});
        const auto j = json::parse(r.body, nullptr, false);
        if (!r.ok() || !j.is_object()) {
            const std::string why = j.is_object() && j.contains("error")
                                        ? j["error"].value("message", "")
                                        : r.describe();
            s.problem += (s.problem.empty() ? "" : "; ") + std::string("Admin API: ") + why;
            return s;
        }
        s.latestReadyRevision = j.value("latestReadyRevision", "");
        s.latestCreatedRevision = j.value("latestCreatedRevision", "");
        s.readyCondition = j.value("terminalCondition", json::object()).value("state", "");
        const std::string latest =
            s.latestReadyRevision.substr(s.latestReadyRevision.rfind('/') + 1);
        for (const auto& t : j.value("trafficStatuses", json::array()))
            if (t.value("revision", "") == latest ||
                t.value("type", "") == "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST")
                s.trafficPercentToLatest += t.value("percent", 0);
    } catch (const std::exception& e) {
        s.problem += (s.problem.empty() ? "" : "; ") + std::string(e.what());
    }
    return s;
}

std::vector<ServiceState> CloudRun::states()
{
    std::vector<ServiceState> out;
    for (const char* name : kPhaseServices)
        out.push_back(state(name));
    out.push_back(state(kCoordinator));
    return out;
}

} // namespace nbaops::cloud
