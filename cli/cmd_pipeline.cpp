// nbaops run, nbaops demo, nbaops sim serve|cloud
#include "commands.h"

#include "jobs/alertcycle.h"
#include "jobs/demo.h"
#include "jobs/runrange.h"
#include "pipeline/session.h"
#include "registry/registry.h"
#include "sim/cloud.h"
#include "sim/historycsv.h"
#include "sim/league.h"
#include "sim/server.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/files.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>
#include <unistd.h>

namespace nbaops::cli {

std::atomic<bool> g_cancel{false};

namespace {

extern "C" void onInterrupt(int)
{
    g_cancel.store(true);
}

} // namespace

void installInterruptHandler()
{
    struct sigaction sa = {};
    sa.sa_handler = onInterrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

namespace {

nlohmann::json resultJson(const pipeline::ProcessorResult& r)
{
    return {{"processor", r.processor},
            {"phase", r.phase},
            {"game_date", r.date.iso()},
            {"category", pipeline::toString(r.outcome.category)},
            {"records_in", r.outcome.recordsIn},
            {"records_out", r.outcome.recordsOut},
            {"duration_ms", r.durationMs},
            {"attempt", r.attempt},
            {"error", r.outcome.error},
            {"source", r.outcome.source},
            {"skipped", r.skipped},
            {"triggered_by", r.triggeredBy}};
}

// One line (or one JSON object) per processor run, as it finishes.
void printResult(const pipeline::ProcessorResult& r, bool json)
{
    if (json) {
        std::cout << resultJson(r).dump() << std::endl;
        return;
    }
    std::printf("%s  %-27s %-19s %5lld rec %7lld ms  %s\n", r.date.iso().c_str(), r.processor.c_str(),
                r.skipped ? "skipped (unchanged)" : std::string(pipeline::toString(r.outcome.category)).c_str(),
                static_cast<long long>(r.outcome.recordsOut), static_cast<long long>(r.durationMs),
                r.outcome.error.c_str());
    std::fflush(stdout);
}

} // namespace

void addRunCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    struct Opts
    {
        std::string date, to;
        bool json = false;
        std::vector<std::string> faults;
        uint64_t seed = sim::League::kDefaultSeed;
        int workers = 0;
        std::string only;
        bool force = false;
        bool noAlerts = false;
    };
    auto o = std::make_shared<Opts>();
    auto* cmd = app.add_subcommand("run", "Run the pipeline's six phases for a date or a range");
    cmd->add_option("--date", o->date, "Game date YYYY-MM-DD (US Eastern), or 'yesterday' as the nightly run uses")
        ->required();
    cmd->add_option("--to", o->to, "Last date of a range, inclusive");
    cmd->add_flag("--json", o->json, "One JSON object per processor run, one per line");
    cmd->add_option("--fault", o->faults,
                    "Inject a fault into the simulated league, ENDPOINT:KIND[:count=N]...");
    cmd->add_option("--seed", o->seed, "Seed of the simulated league");
    cmd->add_option("--workers", o->workers, "Processors run at once (default: one per core)");
    cmd->add_option("--only", o->only, "Run one processor (and any upstream that never ran for the date)");
    cmd->add_flag("--force", o->force, "Rerun processors whose inputs did not change");
    cmd->add_flag("--no-alerts", o->noAlerts, "Do not evaluate the alert rules afterwards");
    cmd->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            const Date from = o->date == "yesterday" ? Date::todayEastern().addDays(-1)
                                                     : Date::parseOrThrow(o->date, "--date");
            const Date to = o->to.empty() ? from : Date::parseOrThrow(o->to, "--to");
            jobs::checkRange(from, to, "--date", "--to");
            pipeline::SessionOptions so;
            so.dbPath = g.db;
            so.seed = o->seed;
            for (const auto& f : o->faults)
                so.faults.push_back(sim::FaultRule::parse(f));
            so.cancel = &g_cancel;
            so.workers = o->workers;
            so.force = o->force;
            if (o->workers < 0 || o->workers > 64)
                throw UsageError("--workers must be from 1 to 64 (0 or absent: one per core).");
            if (!o->only.empty())
                registry::Registry::builtin().get(o->only); // a clear error before any work
            installInterruptHandler();
            pipeline::Session session(so);
            if (!o->faults.empty() && !session.simulated())
                throw UsageError("--fault only applies to the simulated league; unset "
                                 "NBAOPS_NBA_STATS_URL to use it.");
            if (!o->json)
                std::printf("run %s on %s (%s), %zu worker(s)\n", session.runner().runId().c_str(),
                            session.simulated() ? "the simulated league" : "live NBA.com", g.db.c_str(),
                            session.runner().workerCount());
            jobs::Control<jobs::RunRangeEvent> control;
            control.cancel = &g_cancel;
            control.progress = [&](const jobs::RunRangeEvent& e) {
                if (e.kind == jobs::RunRangeEvent::Kind::ProcessorFinished)
                    printResult(*e.result, o->json);
            };
            const auto res = jobs::runRange(session, {from, to, o->only}, control);
            if (res.cancelled) {
                std::cerr << "nbaops: cancelled at " << res.cancelledAt.iso()
                          << "; finished processors kept their results, nothing is half-written.\n";
                return 130;
            }
            if (res.published > 0 && !o->json)
                std::printf("%d published document(s) written.\n", res.published);
            if (!o->json)
                std::printf("%d real failure(s). 'nbaops status --date %s' shows the health.\n",
                            res.realFailures, to.iso().c_str());
            if (!o->noAlerts) {
                // The alert rules, as cron would run them after the night: what fires is told.
                try {
                    const auto c = jobs::runAlertCycle(session.db(), {g.db, session.context().clock.now()});
                    if (!o->json && (c.evaluation.firing > 0 || c.evaluation.resolved > 0))
                        std::printf("Alerts: %d firing, %d resolved; %d notification(s) sent. 'nbaops alerts list' "
                                    "shows them.\n",
                                    c.evaluation.firing, c.evaluation.resolved, c.delivery.sent);
                } catch (const std::exception& e) {
                    std::cerr << "nbaops: the alert rules were not evaluated: " << e.what() << "\n";
                }
            }
            return res.realFailures > 0 ? 1 : 0;
        };
    });
}

void addDemoCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    struct Opts
    {
        int days = 14;
        std::string end;
        bool force = false;
        bool quiet = false;
        bool noModel = false;
    };
    auto o = std::make_shared<Opts>();
    auto* cmd = app.add_subcommand("demo", "Build a demo database from the simulated league, with injected faults");
    cmd->add_option("--days", o->days, "Number of days to simulate (default 14)");
    cmd->add_option("--end", o->end, "Last date (default: yesterday in season, else the last season day)");
    cmd->add_flag("--force", o->force, "Add to a database that already has runs");
    cmd->add_flag("-q,--quiet", o->quiet, "Print only the summary");
    cmd->add_flag("--no-model", o->noModel, "Do not import history and train a champion first");
    cmd->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            jobs::DemoOptions d;
            d.withModel = !o->noModel;
            d.dbPath = g.db;
            d.days = o->days;
            if (!o->end.empty())
                d.lastDate = Date::parseOrThrow(o->end, "--end");
            if (std::filesystem::exists(d.dbPath) && !o->force) {
                auto db = store::Database::open(d.dbPath);
                auto st = db.prepare("SELECT count(*) FROM processor_runs");
                st.step();
                if (st.getInt(0) > 0)
                    throw UsageError("The database " + g.db + " already has " +
                                     std::to_string(st.getInt(0)) +
                                     " runs. Pass --force to add the demo to it, or --db with a new file.");
            }
            installInterruptHandler();
            jobs::TextControl control;
            control.cancel = &g_cancel;
            control.progress = [&](const std::string& line) {
                if (!o->quiet)
                    std::cout << line << std::endl;
            };
            const auto sum = jobs::buildDemo(d, control);
            if (sum.cancelled) {
                std::cerr << "nbaops: demo cancelled; " << sum.runs << " runs of the finished nights are kept in "
                          << g.db << ".\n";
                return 130;
            }
            std::cout << "Demo database " << g.db << ": " << sum.first.iso() << " to "
                      << sum.last.iso() << ", " << sum.runs << " runs, " << sum.realFailures
                      << " real failures, " << sum.noData << " no-data runs.\n";
            if (!sum.model.empty())
                std::cout << "Model: " << sum.model << "\n";
            std::cout << "Alerts: " << sum.alertsFired << " fired and " << sum.alertsResolved
                      << " resolved over the nights, evaluated after each as the scheduler does ('nbaops alerts "
                         "list --all' shows them).\n";
            std::cout << "Injected on purpose:\n";
            for (const auto& line : sum.injected)
                std::cout << "  - " << line << "\n";
            std::cout << "Next: nbaops status --db " << g.db << "\n";
            return 0;
        };
    });
}

void addSimCommand(CLI::App& app, GlobalOptions&, std::function<int()>& action)
{
    struct Opts
    {
        int port = 0;
        uint64_t seed = sim::League::kDefaultSeed;
        std::vector<std::string> faults;
        int seconds = 0;
    };
    auto o = std::make_shared<Opts>();
    auto* sim = app.add_subcommand("sim", "The simulated league");
    sim->require_subcommand(1);
    auto* serve = sim->add_subcommand("serve", "Serve the simulated league on 127.0.0.1 until Ctrl-C");
    serve->add_option("--port", o->port, "Port (default: any free port)");
    serve->add_option("--seed", o->seed, "Seed");
    serve->add_option("--fault", o->faults, "Inject a fault, ENDPOINT:KIND[:count=N]...");
    serve->add_option("--seconds", o->seconds, "Stop after this many seconds (default: never)");
    serve->callback([&action, o] {
        action = [o]() -> int {
            sim::League league(o->seed);
            SystemClock clock;
            sim::SimServer server(league, clock);
            for (const auto& f : o->faults)
                server.addFault(sim::FaultRule::parse(f));
            installInterruptHandler();
            server.start(o->port);
            const Date y = Date::todayEastern().addDays(-1);
            std::string compact = y.iso();
            compact.erase(std::remove(compact.begin(), compact.end(), '-'), compact.end());
            std::cout << "Simulated league (seed " << o->seed << ") on 127.0.0.1:" << server.port() << "\n"
                      << "  NBA.com      " << server.statsBaseUrl() << "/scoreboardv2?GameDate=" << y.nbaStatsFormat()
                      << "&LeagueID=00&DayOffset=0\n"
                      << "  ESPN         " << server.espnBaseUrl() << "/scoreboard?dates=" << compact << "\n"
                      << "  balldontlie  " << server.bdlBaseUrl() << "/stats?dates[]=" << y.iso()
                      << "&per_page=100   (header Authorization: any key)\n"
                      << "  The Odds API " << server.oddsBaseUrl() << "/sports/basketball_nba/events?apiKey=any&commenceTimeFrom="
                      << y.iso() << "T16:00:00Z\n"
                      << "Fault endpoints: scoreboardv2, boxscoretraditionalv2, espn_scoreboard, bdl_games, bdl_stats, "
                         "odds_events, odds_player_points. Ctrl-C stops it." << std::endl;
            const auto start = std::chrono::steady_clock::now();
            while (!g_cancel.load() &&
                   (o->seconds <= 0 || std::chrono::steady_clock::now() - start < std::chrono::seconds(o->seconds)))
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            server.stop();
            return 0;
        };
    });
    // The simulated league's box scores as a history file, in the format of ../shared/data's.
    struct HistoryOpts
    {
        std::string from, to, out;
        uint64_t seed = sim::League::kDefaultSeed;
    };
    auto h = std::make_shared<HistoryOpts>();
    auto* history = sim->add_subcommand("history", "Write the simulated league's box scores as a CSV that 'nbaops import boxscores' reads");
    history->add_option("--from", h->from, "First game date YYYY-MM-DD")->required();
    history->add_option("--to", h->to, "Last game date, inclusive")->required();
    history->add_option("--out", h->out, "The CSV file to write")->required();
    history->add_option("--seed", h->seed, "Seed");
    history->callback([&action, h] {
        action = [h]() -> int {
            const Date from = Date::parseOrThrow(h->from, "--from");
            const Date to = Date::parseOrThrow(h->to, "--to");
            jobs::checkRange(from, to, "--from", "--to");
            const std::string csv = sim::boxscoreHistoryCsv(sim::League(h->seed), from, to);
            writeFileAtomically(h->out, csv);
            std::printf("Wrote %s: %lld rows of box scores, %s to %s.\n", h->out.c_str(),
                        static_cast<long long>(std::count(csv.begin(), csv.end(), '\n') - 1), from.iso().c_str(),
                        to.iso().c_str());
            return 0;
        };
    });
    // The simulated Google Cloud, for trying cloud mode without one (the settings and the key
    // it prints point nbaops at it).
    struct CloudOpts
    {
        int port = 0, days = 30, perDay = 300, seconds = 0;
        std::string project = "nba-props-sim", keyOut;
    };
    auto c = std::make_shared<CloudOpts>();
    auto* cloudCmd = sim->add_subcommand("cloud", "Serve a simulated Google Cloud (BigQuery, Cloud Run) on 127.0.0.1 until Ctrl-C");
    cloudCmd->add_option("--port", c->port, "Port (default: any free port)");
    cloudCmd->add_option("--project", c->project, "Project id (default nba-props-sim)");
    cloudCmd->add_option("--days", c->days, "Days of run history up to yesterday (default 30)");
    cloudCmd->add_option("--runs-per-day", c->perDay, "Runs a day (default 300)");
    cloudCmd->add_option("--key-out", c->keyOut, "Write a service-account key the simulated cloud trusts here")->required();
    cloudCmd->add_option("--seconds", c->seconds, "Stop after this many seconds (default: never)");
    cloudCmd->callback([&action, c] {
        action = [c]() -> int {
            std::vector<std::pair<std::string, int>> processors;
            for (const auto& p : registry::Registry::builtin().processors())
                processors.emplace_back(p.name, p.phase);
            sim::SimCloud cloud(c->project, processors);
            installInterruptHandler();
            cloud.start(c->port);
            const auto key = sim::makeServiceAccountKey(cloud.tokenUrl(), "nbaops-demo@" + c->project + ".iam.gserviceaccount.com");
            cloud.trustKey(key.email, key.publicPem);
            writeFileAtomically(c->keyOut, key.json);
            std::filesystem::permissions(c->keyOut, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
            const Date y = Date::todayEastern().addDays(-1);
            cloud.generateHistory(y.addDays(-(c->days - 1)), y, c->perDay);
            std::cout << "Simulated cloud (project " << c->project << ") on " << cloud.baseUrl() << "\n"
                      << "Point nbaops at it:\n"
                      << "  export NBAOPS_BIGQUERY_URL=" << cloud.bigqueryUrl() << " NBAOPS_RUN_ADMIN_URL=" << cloud.runAdminUrl()
                      << "\n  nbaops cloud configure --project " << c->project;
            for (const char* svc : {"nba-phase2-raw-processors", "nba-phase3-analytics-processors",
                                    "nba-phase4-precompute-processors", "prediction-coordinator"})
                std::cout << " --service " << svc << "=" << cloud.serviceUrl(svc);
            std::cout << "\n  nbaops secrets set gcp_service_account_key --file " << c->keyOut
                      << "   (or GOOGLE_APPLICATION_CREDENTIALS=" << c->keyOut << ")\n  nbaops cloud sync\nCtrl-C stops it."
                      << std::endl;
            const auto start = std::chrono::steady_clock::now();
            while (!g_cancel.load() &&
                   (c->seconds <= 0 || std::chrono::steady_clock::now() - start < std::chrono::seconds(c->seconds)))
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            cloud.stop();
            return 0;
        };
    });
}

} // namespace nbaops::cli
