// Cloud mode: nbaops cloud configure|status|sync|services|trigger. With --backend cloud (or
// "backend": "cloud" in the settings) every reading command reads the project's local cache,
// which `cloud sync` brings up to BigQuery's run history.
#include "commands.h"

#include "cloud/auth.h"
#include "cloud/bigquery.h"
#include "cloud/cloudrun.h"
#include "cloud/settings.h"
#include "jobs/backend.h"
#include "jobs/cloudsync.h"
#include "registry/registry.h"
#include "store/audit.h"
#include "store/database.h"
#include "util/date.h"
#include "util/errors.h"
#include "util/log.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>

namespace nbaops::cli {

using nlohmann::json;

namespace {

struct CloudArgs
{
    std::string project, region, location, backend;
    std::vector<std::string> datasets, services;
    int64_t maxBytes = 0;
    int days = 30;
    bool json = false;
    std::string date, processor;
};

cloud::CloudSettings requireCloud()
{
    auto s = cloud::loadSettings().cloud;
    if (s.project.empty())
        throw UsageError(
            "cloud mode has no project yet: nbaops cloud configure --project PROJECT_ID");
    return s;
}

std::pair<std::string, std::string> keyValue(const std::string& kv, const char* flag)
{
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
        throw UsageError(std::string(flag) + " takes NAME=VALUE, not '" + kv + "'");
    return {kv.substr(0, eq), kv.substr(eq + 1)};
}

int configure(const GlobalOptions& g, const CloudArgs& a)
{
    auto s = cloud::loadSettings();
    auto& c = s.cloud;
    if (!a.project.empty())
        c.project = a.project;
    if (!a.region.empty())
        c.region = a.region;
    if (!a.location.empty())
        c.bigqueryLocation = a.location;
    if (!a.backend.empty())
        s.backend = a.backend;
    if (a.maxBytes > 0)
        c.maxBytesPerQuery = a.maxBytes;
    for (const auto& kv : a.datasets) {
        const auto [kind, name] = keyValue(kv, "--dataset");
        std::string* field = kind == "raw"           ? &c.datasets.raw
                             : kind == "analytics"   ? &c.datasets.analytics
                             : kind == "precompute"  ? &c.datasets.precompute
                             : kind == "predictions" ? &c.datasets.predictions
                             : kind == "reference"   ? &c.datasets.reference
                                                     : nullptr;
        if (!field)
            throw UsageError(
                "--dataset takes raw, analytics, precompute, predictions or reference, not '" +
                kind + "'");
        *field = name;
    }
    for (const auto& kv : a.services) {
        const auto [name, url] = keyValue(kv, "--service");
        c.services[name] = url;
    }
    // Hidden for tests and the demo: where the Google APIs are (the simulated cloud).
    if (const char* bq = std::getenv("NBAOPS_BIGQUERY_URL"); bq && *bq)
        c.bigqueryUrl = bq;
    if (const char* run = std::getenv("NBAOPS_RUN_ADMIN_URL"); run && *run)
        c.runAdminUrl = run;
    cloud::saveSettings(s);
    auditIfDatabase(g, "settings.cloud", "backend " + s.backend + ", project " + c.project);
    std::cout << "Wrote " << cloud::settingsPath().string() << " (backend " << s.backend
              << ", project " << (c.project.empty() ? "not set" : c.project) << ").\n";
    return 0;
}

int status(const CloudArgs& a)
{
    const auto settings = cloud::loadSettings();
    const auto& c = settings.cloud;
    const auto now = std::chrono::system_clock::now();
    json out = {{"backend", settings.backend},
                {"project", c.project},
                {"settings", cloud::settingsPath().string()}};
    std::error_code ec;
    const auto cache =
        c.project.empty() ? std::filesystem::path() : jobs::cloudCachePath(c.project);
    std::optional<jobs::CloudSyncState> state;
    if (!cache.empty() && std::filesystem::exists(cache, ec)) {
        auto db = store::Database::open(cache, store::Database::Mode::ReadOnly);
        state = jobs::cloudSyncState(db, now);
    }
    SystemClock clock;
    const auto tokens = cloud::defaultTokenSource(clock);
    out["credentials"] = tokens->describe();
    out["cache"] = cache.string();
    if (state) {
        out["synced_at"] = state->lastSuccessAt;
        out["age_seconds"] = state->ageSeconds ? json(*state->ageSeconds) : json(nullptr);
        out["high_water"] = state->highWater;
        out["runs"] = state->rowsTotal;
        out["last_error"] = state->lastError;
    }
    if (a.json) {
        std::cout << out.dump() << "\n";
        return 0;
    }
    std::cout << "Backend      " << settings.backend << "\nProject      "
              << (c.project.empty() ? "(not set)" : c.project) << "\nCredentials  "
              << tokens->describe() << "\nCache        " << (cache.empty() ? "-" : cache.string())
              << "\n";
    if (!state) {
        std::cout << "Synced       never: nbaops cloud sync\n";
        return 0;
    }
    std::cout << "Synced       "
              << (state->ageSeconds
                      ? ageText(*state->ageSeconds) + " ago (" + state->lastSuccessAt + ")"
                      : "never")
              << "\n"
              << "Runs         " << state->rowsTotal << " (newest started " << state->highWater
              << ")\n";
    if (!state->lastError.empty())
        std::cout << "Last attempt " << state->lastAttemptAt << " failed: " << state->lastError
                  << "\n";
    return 0;
}

int sync(const CloudArgs& a)
{
    const auto settings = requireCloud();
    SystemClock clock;
    const auto tokens = cloud::defaultTokenSource(clock);
    cloud::BigQuery bq(settings, *tokens);
    const auto path = jobs::cloudCachePath(settings.project);
    std::filesystem::create_directories(path.parent_path());
    auto db = store::Database::open(path);
    jobs::CloudSyncOptions o;
    o.now = clock.now();
    o.firstDays = a.days;
    o.capChecked = true;
    if (!a.json) {
        const auto d = bq.dryRun(jobs::cloudSyncQuery(db, bq, o));
        char usd[32];
        std::snprintf(usd, sizeof usd, "$%.4f", d.usd);
        std::cout << "The sync will scan " << cloud::bytesText(d.bytes) << " (about " << usd
                  << "; cap " << cloud::bytesText(settings.maxBytesPerQuery) << ").\n";
    }
    jobs::Control<jobs::CloudSyncEvent> control;
    control.cancel = &g_cancel;
    if (!a.json)
        control.progress = [](const jobs::CloudSyncEvent& e) {
            std::cerr << "\r" << e.rows << " runs read, page " << e.pages << std::flush;
        };
    installInterruptHandler();
    jobs::CloudSyncResult r;
    try {
        r = jobs::syncCloud(db, bq, o, control);
    } catch (const cloud::BigQueryError& e) {
        const auto state = jobs::cloudSyncState(db, o.now);
        std::cerr << (a.json ? "" : "\n") << "nbaops: the sync failed: " << e.what() << "\n"
                  << "The cache stays usable"
                  << (state.ageSeconds ? " (" + ageText(*state.ageSeconds) + " old)"
                                       : std::string(" (empty)"))
                  << ".\n";
        return 3;
    }
    if (!a.json && r.fetched > 0)
        std::cerr << "\n";
    if (a.json) {
        std::cout << json{{"fetched", r.fetched},      {"inserted", r.inserted},
                          {"updated", r.updated},      {"pages", r.pages},
                          {"bytes", r.bytes},          {"seconds", r.seconds},
                          {"high_water", r.highWater}, {"cancelled", r.cancelled},
                          {"cache", path.string()}}
                         .dump()
                  << "\n";
    } else {
        std::cout << (r.cancelled ? "Stopped: " : "Synced: ") << r.fetched << " runs read ("
                  << r.inserted << " new, " << r.updated << " finished since) in " << std::fixed
                  << std::setprecision(1) << r.seconds << " s, " << cloud::bytesText(r.bytes)
                  << " scanned.\nCache: " << path.string() << "\n";
    }
    return r.cancelled ? 130 : 0;
}

int services(const CloudArgs& a)
{
    const auto settings = requireCloud();
    SystemClock clock;
    const auto tokens = cloud::defaultTokenSource(clock);
    cloud::CloudRun run(settings, *tokens);
    const auto all = run.states();
    int bad = 0;
    json rows = json::array();
    for (const auto& s : all) {
        const bool ok = s.healthy && s.ready && s.readyCondition == "CONDITION_SUCCEEDED";
        bad += ok ? 0 : 1;
        rows.push_back({{"name", s.name},
                        {"url", s.url},
                        {"healthy", s.healthy},
                        {"ready", s.ready},
                        {"latency_ms", s.latencyMs},
                        {"revision", s.latestReadyRevision},
                        {"condition", s.readyCondition},
                        {"traffic_to_latest", s.trafficPercentToLatest},
                        {"problem", s.problem}});
        if (a.json)
            continue;
        const std::string rev = s.latestReadyRevision.substr(s.latestReadyRevision.rfind('/') + 1);
        std::cout << (ok ? "ok    " : "FAIL  ") << std::left << std::setw(34) << s.name
                  << std::setw(10) << (s.healthy ? "healthy" : "down") << std::setw(10)
                  << (s.ready ? "ready" : "not ready") << std::setw(28) << (rev.empty() ? "-" : rev)
                  << s.trafficPercentToLatest << "%\n";
        if (!s.problem.empty())
            std::cout << "      " << s.problem << "\n";
    }
    if (a.json)
        std::cout << json{{"services", rows}, {"ok", bad == 0}}.dump() << "\n";
    return bad == 0 ? 0 : 2;
}

int trigger(const GlobalOptions& g, const CloudArgs& a)
{
    const auto settings = requireCloud();
    const Date date = Date::parseOrThrow(a.date, "--date");
    if (!registry::Registry::builtin().find(a.processor))
        throw UsageError("there is no processor named '" + a.processor +
                         "' (nbaops registry list names them)");
    // The console's Pipeline page runs the same job: jobs::Backend::runDates.
    const auto backend = jobs::cloudBackend(
        settings, g.db.empty() ? jobs::cloudCachePath(settings.project) : std::filesystem::path(g.db));
    jobs::Control<jobs::RunRangeEvent> control;
    control.cancel = &g_cancel;
    int failed = 0;
    control.progress = [&failed](const jobs::RunRangeEvent& e) {
        if (e.kind != jobs::RunRangeEvent::Kind::ProcessorFinished)
            return;
        const auto& r = *e.result;
        if (pipeline::isRealFailure(r.outcome.category)) {
            ++failed;
            std::cout << r.processor << " " << r.date.iso() << " failed on its service: " << r.outcome.error
                      << "\n";
        } else if (r.phase == 5) {
            std::cout << r.processor << " " << r.date.iso() << " started through " << r.outcome.source << ".\n";
        } else {
            std::cout << "The service " << r.outcome.source << " processed "
                      << r.processor << " for " << r.date.iso() << ": " << r.outcome.recordsOut << " rows in "
                      << r.durationMs / 1000.0 << " s.\n";
        }
    };
    backend->runDates({date, date, a.processor}, 0, control);
    std::cout << "nbaops cloud sync brings the run into the cache.\n";
    return failed > 0 ? 1 : 0;
}

} // namespace

void addCloudCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    auto a = std::make_shared<CloudArgs>();
    auto* cmd = app.add_subcommand("cloud",
                                   "Cloud mode: the BigQuery warehouse and the Cloud Run services");
    cmd->require_subcommand(1);
    auto* cf = cmd->add_subcommand("configure", "Write the cloud settings (no secret goes there)");
    cf->add_option("--project", a->project, "Google Cloud project id");
    cf->add_option("--region", a->region, "Region of the Cloud Run services");
    cf->add_option("--location", a->location, "BigQuery location of the datasets");
    cf->add_option("--dataset", a->datasets,
                   "KIND=NAME (raw, analytics, precompute, predictions, reference)");
    cf->add_option("--service", a->services, "NAME=URL of a Cloud Run service");
    cf->add_option("--max-bytes", a->maxBytes, "The most bytes one query may scan");
    cf->add_option("--backend", a->backend, "The default backend: local or cloud");
    cf->callback([&g, a, &action] { action = [&g, a] { return configure(g, *a); }; });
    auto* st = cmd->add_subcommand(
        "status", "The settings, the credentials in use and the cache's freshness");
    st->add_flag("--json", a->json, "One JSON object");
    st->callback([a, &action] { action = [a] { return status(*a); }; });
    auto* sy = cmd->add_subcommand(
        "sync", "Bring the cache up to BigQuery's run history (exit 3 when unreachable)");
    sy->add_option("--days", a->days, "How far back an empty cache starts (default 30)");
    sy->add_flag("--json", a->json, "One JSON object");
    sy->callback([a, &action] { action = [a] { return sync(*a); }; });
    auto* sv = cmd->add_subcommand(
        "services",
        "Each Cloud Run service: /health, /ready, revision, traffic (exit 2 when one is not well)");
    sv->add_flag("--json", a->json, "One JSON object");
    sv->callback([a, &action] { action = [a] { return services(*a); }; });
    auto* tr = cmd->add_subcommand(
        "trigger", "Run one processor for a date on its Cloud Run service (audited)");
    tr->add_option("--date", a->date, "The game date")->required();
    tr->add_option("--processor", a->processor, "The processor")->required();
    tr->callback([&g, a, &action] { action = [&g, a] { return trigger(g, *a); }; });
}

} // namespace nbaops::cli
