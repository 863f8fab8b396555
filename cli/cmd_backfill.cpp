// nbaops backfill plan|start|status|list|pause|resume|cancel|reorder
#include "commands.h"

#include "jobs/alertcycle.h"
#include "jobs/backend.h"
#include "jobs/backfill.h"
#include "pipeline/session.h"
#include "sim/league.h"
#include "store/audit.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/files.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>

namespace nbaops::cli {

namespace {

struct PlanOpts
{
    std::string from, to, datesFile;
    bool gaps = false;
    int workers = 1;
    bool force = false;
    bool json = false;
    bool all = false;
    int errorWindow = 20;
    double errorThreshold = 0.3;
    std::vector<std::string> faults;
    uint64_t seed = sim::League::kDefaultSeed;
    bool detach = false;
};

void addPlanOptions(CLI::App* cmd, PlanOpts& o)
{
    cmd->add_option("--from", o.from, "First date of a range (with --gaps: where to look from)");
    cmd->add_option("--to", o.to, "Last date of a range, inclusive (with --gaps: where to look until)");
    cmd->add_option("--dates", o.datesFile, "A file of dates, one YYYY-MM-DD a line, '#' comments");
    cmd->add_flag("--gaps", o.gaps, "The dates the health check finds gaps on");
    cmd->add_option("--workers", o.workers, "Processors run at once, across dates (1-64, default 1)");
    cmd->add_flag("--force", o.force, "Rerun every processor of every date, not only what is missing");
    cmd->add_flag("--json", o.json, "JSON output");
}

jobs::PlanRequest requestOf(const GlobalOptions& g, const PlanOpts& o)
{
    jobs::PlanRequest r;
    std::tie(r.firstPhase, r.lastPhase) = backendOf(g)->phasesOnRequest();
    if (!o.from.empty())
        r.from = Date::parseOrThrow(o.from, "--from");
    if (!o.to.empty())
        r.to = Date::parseOrThrow(o.to, "--to");
    r.datesFile = o.datesFile;
    r.gaps = o.gaps;
    r.workers = o.workers;
    r.force = o.force;
    return r;
}

std::optional<int64_t> idOrActive(store::Database& db, int64_t id)
{
    if (id > 0)
        return id;
    return jobs::activeBackfill(db);
}

nlohmann::json eventJson(const jobs::BackfillEvent& e)
{
    static const char* kinds[] = {"started", "item_started", "item_finished", "date_checked", "waiting", "stopped"};
    nlohmann::json j{{"event", kinds[int(e.kind)]}, {"done", e.done}, {"total", e.total}};
    if (e.date != Date())
        j["game_date"] = e.date.iso();
    if (!e.processor.empty())
        j["processor"] = e.processor;
    if (!e.text.empty())
        j["text"] = e.text;
    if (e.result) {
        j["category"] = pipeline::toString(e.result->outcome.category);
        j["records_out"] = e.result->outcome.recordsOut;
        j["duration_ms"] = e.result->durationMs;
        j["attempt"] = e.result->attempt;
        j["error"] = e.result->outcome.error;
    }
    return j;
}

void printEvent(const jobs::BackfillEvent& e, bool json)
{
    if (json) {
        std::cout << eventJson(e).dump() << std::endl;
        return;
    }
    using K = jobs::BackfillEvent::Kind;
    if (e.kind == K::ItemStarted)
        return;
    if (e.kind == K::ItemFinished && e.result) {
        const auto& r = *e.result;
        std::printf("[%d/%d] %s  %-27s %-19s %5lld rec %7lld ms  %s\n", e.done, e.total, r.date.iso().c_str(),
                    r.processor.c_str(),
                    r.skipped ? "skipped (unchanged)" : std::string(pipeline::toString(r.outcome.category)).c_str(),
                    static_cast<long long>(r.outcome.recordsOut), static_cast<long long>(r.durationMs),
                    r.outcome.error.c_str());
    } else {
        std::printf("%s\n", e.text.c_str());
    }
    std::fflush(stdout);
}

// A backfill's state, with its dates and their checks when given.
void printStatus(const jobs::BackfillInfo& b, const std::vector<jobs::BackfillDateRow>& dates, bool json)
{
    if (json) {
        auto j = b.toJson();
        if (!dates.empty()) {
            j["date_rows"] = nlohmann::json::array();
            for (const auto& d : dates)
                j["date_rows"].push_back({{"date", d.date}, {"state", d.state}, {"pre_check", d.preCheck},
                                          {"post_check", d.postCheck}, {"done", d.done}, {"failed", d.failed},
                                          {"total", d.total}});
        }
        std::cout << j.dump(2) << "\n";
        return;
    }
    std::cout << b.text();
    for (const auto& d : dates)
        std::printf("  %s  %-8s %2d/%-2d  before: %s  after: %s\n", d.date.c_str(), d.state.c_str(), d.done + d.failed,
                    d.total, d.preCheck.empty() ? "-" : d.preCheck.c_str(), d.postCheck.empty() ? "-" : d.postCheck.c_str());
}

// Starts `nbaops backfill resume ID` in its own session, its output in a log beside the database.
int detach(const GlobalOptions& g, int64_t id)
{
    const auto log = std::filesystem::path(g.db).parent_path() / ("backfill-" + std::to_string(id) + ".log");
    const pid_t pid = ::fork();
    if (pid < 0)
        throw OpsError("Could not start the backfill in the background (fork failed); run 'nbaops backfill resume " +
                       std::to_string(id) + "' yourself.");
    if (pid == 0) {
        ::setsid();
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        const int devnull = ::open("/dev/null", O_RDONLY);
        if (fd >= 0) {
            ::dup2(fd, STDOUT_FILENO);
            ::dup2(fd, STDERR_FILENO);
        }
        if (devnull >= 0)
            ::dup2(devnull, STDIN_FILENO);
        const std::string idText = std::to_string(id);
        const char* argv[] = {"nbaops", "--db",   g.db.c_str(),  "--backend", g.backend.c_str(),
                              "backfill", "resume", idText.c_str(), nullptr};
        ::execv("/proc/self/exe", const_cast<char* const*>(argv));
        std::fprintf(stderr, "nbaops: could not start the background backfill: %s\n", std::strerror(errno));
        ::_exit(3);
    }
    std::cout << "Backfill " << id << " runs in the background (pid " << pid << "); its log: " << log.string()
              << "\nFollow it with 'nbaops backfill status " << id << "'; pause, resume or cancel it by id.\n";
    return 0;
}

// Runs (or resumes) the backfill in this process until it ends or pauses.
int execute(const GlobalOptions& g, int64_t id, const PlanOpts& o)
{
    int workers = 1;
    {
        auto db = store::Database::open(g.db);
        const auto b = jobs::backfillInfo(db, id);
        if (!b)
            throw UsageError("There is no backfill " + std::to_string(id) + "; 'nbaops backfill list' shows them.");
        workers = b->workers;
    }
    installInterruptHandler(); // Ctrl-C pauses: the runs in flight finish, the backfill can be resumed
    jobs::Control<jobs::BackfillEvent> control;
    control.cancel = &g_cancel;
    control.progress = [&](const jobs::BackfillEvent& e) { printEvent(e, o.json); };
    const jobs::RunBackfillOptions run{id, std::chrono::milliseconds(200), store::currentActor()};
    jobs::BackfillResult res;
    if (g.backend == "cloud") { // each run on its Cloud Run service (the console's Backfill page does the same)
        if (!o.faults.empty())
            throw UsageError("--fault injects faults into the simulated league of a local run; the cloud's services "
                             "run for real (use --backend local)");
        res = backendOf(g)->runBackfill(run, workers, control);
    } else {
        pipeline::SessionOptions so;
        so.dbPath = g.db;
        so.seed = o.seed;
        so.workers = workers;
        for (const auto& f : o.faults)
            so.faults.push_back(sim::FaultRule::parse(f));
        pipeline::Session session(so);
        res = jobs::runBackfill(session, run, control);
    }
    if (!o.json) {
        std::printf("Backfill %lld %s in %s (estimated %s): %d done, %d failed, %d skipped of %d.\n",
                    static_cast<long long>(res.id), res.state.c_str(), jobs::durationText(res.seconds).c_str(),
                    jobs::durationText(res.estimateS).c_str(), res.done, res.failed, res.skipped, res.total);
        if (res.state == "paused")
            std::printf("Resume it with 'nbaops backfill resume %lld'.\n", static_cast<long long>(res.id));
    }
    if (res.state == "done" && g.backend != "cloud") {
        try {
            auto db = store::Database::open(g.db);
            jobs::runAlertCycle(db, {g.db, std::chrono::system_clock::now()}); // the alerts held back come back
        } catch (const std::exception& e) {
            std::cerr << "nbaops: the alert rules were not evaluated: " << e.what() << "\n";
        }
        return res.failed > 0 ? 1 : 0;
    }
    return g_cancel.load() ? 130 : 2;
}

struct IdOpts
{
    int64_t id = 0;
    bool json = false;
    bool dates = false;
    std::vector<std::string> front;
    PlanOpts run;
};

// backfill plan, backfill start
void addPlanAndStart(CLI::App* bf, GlobalOptions& g, std::function<int()>& action)
{
    auto o = std::make_shared<PlanOpts>();
    auto* plan = bf->add_subcommand("plan", "Print what a backfill would run, its estimate and its conflicts");
    addPlanOptions(plan, *o);
    plan->add_flag("--all", o->all, "List every date (default: the first 20)");
    plan->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            auto db = store::Database::open(g.db);
            const auto p = jobs::planBackfill(db, requestOf(g, *o));
            if (o->json)
                std::cout << p.toJson().dump(2) << "\n";
            else
                std::cout << p.text(o->all);
            return p.holders.empty() ? 0 : 1;
        };
    });

    auto s = std::make_shared<PlanOpts>();
    auto* start = bf->add_subcommand("start", "Plan and run a backfill (see 'plan' for the options)");
    addPlanOptions(start, *s);
    start->add_flag("--detach", s->detach, "Run in the background and return at once");
    start->add_option("--error-window", s->errorWindow, "Runs the error rate is measured over (default 20)");
    start->add_option("--error-threshold", s->errorThreshold, "Pause by itself above this share of failures (0.3)");
    start->add_option("--fault", s->faults, "Inject a fault into the simulated league, ENDPOINT:KIND[:count=N]...");
    start->add_option("--seed", s->seed, "Seed of the simulated league");
    start->callback([&g, &action, s] {
        action = [&g, s]() -> int {
            int64_t id = 0;
            {
                auto db = store::Database::open(g.db);
                const auto p = jobs::planBackfill(db, requestOf(g, *s));
                id = jobs::createBackfill(db, p, {s->errorWindow, s->errorThreshold}, store::currentActor());
                if (!s->json)
                    std::cout << p.text() << "Backfill " << id << " created.\n" << std::flush;
            }
            return s->detach ? detach(g, id) : execute(g, id, *s);
        };
    });
}

// backfill status, backfill list
void addFollow(CLI::App* bf, GlobalOptions& g, std::function<int()>& action)
{
    auto i = std::make_shared<IdOpts>();
    auto* status = bf->add_subcommand("status", "A backfill's progress (default: the active one)");
    status->add_option("id", i->id, "Backfill id");
    status->add_flag("--json", i->json, "JSON output");
    status->add_flag("--dates", i->dates, "Also each date with its checks");
    status->callback([&g, &action, i] {
        action = [&g, i]() -> int {
            auto db = store::Database::open(g.db);
            const auto id = idOrActive(db, i->id);
            if (!id) {
                const auto all = jobs::listBackfills(db, 1);
                if (all.empty())
                    throw UsageError("There is no backfill yet; 'nbaops backfill plan --gaps' shows what one would do.");
                return i->json ? (std::cout << all.front().toJson().dump(2) << "\n", 0)
                               : (std::cout << all.front().text(), 0);
            }
            const auto b = jobs::backfillInfo(db, *id);
            if (!b)
                throw UsageError("There is no backfill " + std::to_string(*id) + "; 'nbaops backfill list' shows them.");
            printStatus(*b, i->dates ? jobs::backfillDates(db, *id) : std::vector<jobs::BackfillDateRow>{}, i->json);
            return 0;
        };
    });

    auto* list = bf->add_subcommand("list", "Every backfill, newest first");
    list->add_flag("--json", i->json, "JSON output");
    list->callback([&g, &action, i] {
        action = [&g, i]() -> int {
            auto db = store::Database::open(g.db);
            const auto all = jobs::listBackfills(db);
            if (i->json) {
                nlohmann::json j = nlohmann::json::array();
                for (const auto& b : all)
                    j.push_back(b.toJson());
                std::cout << j.dump(2) << "\n";
                return 0;
            }
            if (all.empty())
                std::cout << "No backfill yet.\n";
            for (const auto& b : all)
                std::printf("%4lld  %-9s %s to %s  %4d dates  %5d/%-5d runs  %-22s by %s at %s\n",
                            static_cast<long long>(b.id), b.state.c_str(), b.firstDate.c_str(), b.lastDate.c_str(),
                            b.dates, b.done + b.failed + b.skipped, b.items, b.source.c_str(), b.createdBy.c_str(),
                            b.createdAt.c_str());
            return 0;
        };
    });
}

// backfill pause, cancel, resume, reorder
void addControl(CLI::App* bf, GlobalOptions& g, std::function<int()>& action)
{
    auto i = std::make_shared<IdOpts>();
    const auto simple = [&](const char* name, const char* help, std::string (*op)(store::Database&, int64_t,
                                                                                  const std::string&)) {
        auto* cmd = bf->add_subcommand(name, help);
        cmd->add_option("id", i->id, "Backfill id (default: the active one)");
        cmd->callback([&g, &action, i, op] {
            action = [&g, i, op]() -> int {
                auto db = store::Database::open(g.db);
                const auto id = idOrActive(db, i->id);
                if (!id)
                    throw UsageError("There is no active backfill; 'nbaops backfill list' shows them all.");
                std::cout << op(db, *id, store::currentActor()) << "\n";
                return 0;
            };
        });
    };
    simple("pause", "Pause a running backfill (the runs in flight finish first)", jobs::pauseBackfill);
    simple("cancel", "Cancel a backfill (the runs in flight stop; nothing else starts)", jobs::cancelBackfill);

    auto* resume = bf->add_subcommand("resume", "Run a paused or interrupted backfill to its end");
    resume->add_option("id", i->id, "Backfill id (default: the active one)");
    resume->add_flag("--json", i->run.json, "One JSON object per event, one per line");
    resume->add_flag("--detach", i->run.detach, "Run in the background and return at once");
    resume->add_option("--fault", i->run.faults, "Inject a fault into the simulated league");
    resume->callback([&g, &action, i] {
        action = [&g, i]() -> int {
            std::optional<int64_t> id;
            {
                auto db = store::Database::open(g.db);
                id = idOrActive(db, i->id);
            }
            if (!id)
                throw UsageError("There is no paused backfill to resume; 'nbaops backfill list' shows them all.");
            return i->run.detach ? detach(g, *id) : execute(g, *id, i->run);
        };
    });

    auto* reorder = bf->add_subcommand("reorder", "Move dates to the front of a backfill's work order");
    reorder->add_option("id", i->id, "Backfill id")->required();
    reorder->add_option("--front", i->front, "Dates to work next, in this order")->required();
    reorder->callback([&g, &action, i] {
        action = [&g, i]() -> int {
            std::vector<Date> dates;
            for (const auto& d : i->front)
                dates.push_back(Date::parseOrThrow(d, "--front"));
            auto db = store::Database::open(g.db);
            std::cout << jobs::reorderBackfill(db, i->id, dates, store::currentActor()) << "\n";
            return 0;
        };
    });
}

} // namespace

void addBackfillCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    auto* bf = app.add_subcommand("backfill", "Backfill many dates: plan, run with workers, pause, resume, cancel");
    bf->require_subcommand(1);
    addPlanAndStart(bf, g, action);
    addFollow(bf, g, action);
    addControl(bf, g, action);
}

} // namespace nbaops::cli
