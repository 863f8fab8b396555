#include "digest.h"

#include "alerts/notify.h"
#include "backfill.h"
#include "health/format.h"
#include "health/health.h"
#include "health/retries.h"
#include "pipeline/runner.h"
#include "registry/registry.h"
#include "store/audit.h"
#include "store/database.h"

#include <sstream>

namespace nbaops::jobs {

Digest morningDigest(store::Database& db, const DigestOptions& options)
{
    Digest d;
    const auto report = health::check(db, registry::Registry::builtin(), pipeline::Runner::implementedProcessors(),
                                      health::Query{}, options.now);
    d.exitCode = report.exitCode;
    d.subject = "nbaops morning digest " + (report.date.empty() ? std::string("(no runs yet)") : report.date) + ": " +
                std::string(health::toString(report.overall));
    std::ostringstream body;
    body << health::toText(report, false);
    const auto cfg = alerts::loadConfig(options.dbPath);
    const auto open = alerts::listAlerts(db, cfg, options.now);
    int firing = 0;
    for (const auto& a : open)
        firing += a.state == "firing" ? 1 : 0;
    body << "\nAlerts: " << firing << " firing";
    for (const auto& a : open) {
        if (a.state == "firing")
            body << "\n  " << a.severity << " " << a.summary << (a.ackedBy.empty() ? "" : " (acknowledged)");
    }
    const auto retries = health::retryStates(db, options.now);
    int waiting = 0, exhausted = 0;
    for (const auto& r : retries)
        (r.exhausted() ? exhausted : waiting) += 1;
    body << "\nRetries: " << waiting << " waiting, " << exhausted << " left failed after "
         << health::kRetryDelays.size() << " retries";
    for (const auto& r : retries) {
        if (r.exhausted())
            body << "\n  " << r.processor << " " << r.gameDate << ": " << r.lastError;
    }
    if (const auto id = activeBackfill(db)) {
        if (const auto b = backfillInfo(db, *id))
            body << "\nBackfill " << b->id << " (" << b->source << ") is " << b->state << ": "
                 << b->done + b->failed + b->skipped << " of " << b->items << " runs ended";
    }
    body << "\n";
    d.body = body.str();
    if (!options.send)
        return d;
    alerts::CurlSender curl;
    alerts::Sender& sender = options.sender ? *options.sender : curl;
    const std::string day = report.date.empty() ? toIsoUtc(options.now).substr(0, 10) : report.date;
    for (const auto& [name, receiver] : cfg.receivers) {
        if (receiver.type == "desktop" || !receiver.configured())
            continue;
        alerts::Message m{0, name, "digest", report.exitCode == 0 ? "P4" : report.exitCode == 1 ? "P3" : "P2",
                          d.subject, d.body, "nbaops-digest-" + day};
        std::string error;
        try {
            error = sender.send(receiver, m);
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (error.empty())
            d.sentTo.push_back(name);
        else
            d.errors.push_back(name + ": " + error);
    }
    std::string detail = d.subject + "; sent to " + std::to_string(d.sentTo.size()) + " receiver(s)";
    for (const auto& e : d.errors)
        detail += "; " + e;
    store::writeAudit(db, store::currentActor(), "digest.send", detail);
    return d;
}

} // namespace nbaops::jobs
