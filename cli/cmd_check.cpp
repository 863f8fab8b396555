// What proves a recovery, and who changed what: nbaops check, nbaops audit
#include "commands.h"

#include "dr/backup.h"
#include "dr/checks.h"
#include "registry/registry.h"
#include "store/database.h"
#include "util/date.h"
#include "util/errors.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

namespace nbaops::cli {

using nlohmann::json;

namespace {

struct CheckArgs
{
    bool integrity = false;
    bool payloads = false;
    std::string date;
    int phase = 0;
    bool json = false;
};

int check(const GlobalOptions& g, const CheckArgs& a)
{
    auto db = store::Database::open(g.db, store::Database::Mode::ReadOnly);
    const bool all = !a.integrity && !a.payloads && a.date.empty();
    json out = json::object();
    int problems = 0;
    auto report = [&](const std::string& name, const std::vector<std::string>& found,
                      const std::string& passed) {
        problems += int(found.size());
        out[name] = found;
        if (a.json)
            return;
        if (found.empty())
            std::cout << "ok    " << passed << "\n";
        for (const auto& p : found)
            std::cout << "FAIL  " << p << "\n";
    };
    if (all || a.integrity)
        report("integrity", dr::checkIntegrity(db),
               "the database passes SQLite's integrity check and its foreign keys hold");
    std::optional<Date> date;
    if (!a.date.empty())
        date = Date::parseOrThrow(a.date, "--date");
    if (all || a.payloads) {
        const auto p = dr::checkPayloads(db, dr::dataDirOf(g.db), date);
        report("payloads", p.problems,
               std::to_string(p.checked) + " raw payload(s) match their recorded size and SHA-256" +
                   (date ? " for " + date->iso() : ""));
    }
    if (all && !date)
        date = dr::latestRunDate(db);
    // --date alone checks the date; beside --payloads it only narrows the payloads to it.
    if (date && (all || (!a.payloads && !a.integrity))) {
        if (a.phase < 0 || a.phase > 6)
            throw UsageError("--phase takes 1 to 6.");
        report("date", dr::checkDate(db, registry::Registry::builtin(), *date, a.phase),
               date->iso() + (a.phase ? " phase " + std::to_string(a.phase) : std::string()) +
                   ": the latest runs are done and their rows are there");
    }
    if (a.json) {
        out["ok"] = problems == 0;
        std::cout << out.dump() << "\n";
    }
    return problems == 0 ? 0 : 2;
}

struct AuditArgs
{
    std::string since;
    std::string action;
    int limit = 200;
    bool json = false;
};

int audit(const GlobalOptions& g, const AuditArgs& a)
{
    auto db = store::Database::open(g.db, store::Database::Mode::ReadOnly);
    std::string since;
    if (!a.since.empty())
        since = Date::parseOrThrow(a.since, "--since").iso();
    auto st = db.prepare(
        "SELECT id, at, actor, action, detail, args, result FROM audit_log "
        "WHERE (?1 = '' OR at >= ?1) AND (?2 = '' OR action = ?2 OR action LIKE ?2 || '.%') "
        "ORDER BY id DESC LIMIT ?3");
    st.bindAll(since, a.action, int64_t(a.limit));
    json rows = json::array();
    int n = 0;
    while (st.step()) {
        ++n;
        if (a.json) {
            rows.push_back({{"id", st.getInt(0)},
                            {"at", st.getText(1)},
                            {"actor", st.getText(2)},
                            {"action", st.getText(3)},
                            {"detail", st.getText(4)},
                            {"args", st.getText(5)},
                            {"result", st.getText(6)}});
            continue;
        }
        std::cout << st.getText(1).substr(0, 19) << "  " << st.getText(2) << "  " << st.getText(3)
                  << "  " << st.getText(4);
        if (!st.getText(5).empty())
            std::cout << "  [" << st.getText(5) << "]";
        if (!st.getText(6).empty())
            std::cout << "  -> " << st.getText(6);
        std::cout << "\n";
    }
    if (a.json)
        std::cout << json{{"entries", rows}}.dump() << "\n";
    else if (n == 0)
        std::cout << "No audit entries" << (a.action.empty() ? "" : " for " + a.action)
                  << (since.empty() ? "" : " since " + since) << ".\n";
    return 0;
}

} // namespace

void addCheckCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    auto a = std::make_shared<CheckArgs>();
    auto* cmd = app.add_subcommand(
        "check",
        "Prove the state is whole: integrity, raw payloads, a date's rows (exit 0 ok, 2 not)");
    cmd->add_flag("--integrity", a->integrity, "SQLite's integrity check and the foreign keys");
    cmd->add_flag("--payloads", a->payloads, "Every indexed raw payload is there with its SHA-256");
    cmd->add_option("--date", a->date, "A date's runs are done and their rows are there");
    cmd->add_option("--phase", a->phase, "With --date: only this phase");
    cmd->add_flag("--json", a->json, "One JSON object");
    cmd->callback([&g, a, &action] { action = [&g, a] { return check(g, *a); }; });

    auto b = std::make_shared<AuditArgs>();
    auto* au = app.add_subcommand(
        "audit", "Who changed what: runs, backfills, restores, drills, promotions, silences");
    au->add_option("--since", b->since, "From this date (YYYY-MM-DD)");
    au->add_option("--action", b->action,
                   "Only this action or family (backup, backup.restore, backfill, drill...)");
    au->add_option("--limit", b->limit, "At most N entries, newest first (default 200)");
    au->add_flag("--json", b->json, "One JSON object");
    au->callback([&g, b, &action] { action = [&g, b] { return audit(g, *b); }; });
}

} // namespace nbaops::cli
