// nbaops import boxscores FILE [--teams FILE] [--json]
#include "commands.h"

#include "jobs/import.h"
#include "pipeline/session.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

namespace nbaops::cli {

namespace {

nlohmann::json importJson(const jobs::ImportReport& rep)
{
    nlohmann::json issues = nlohmann::json::array();
    for (const auto& i : rep.issues)
        issues.push_back({{"line", i.line}, {"column", i.column}, {"reason", i.reason}});
    return {{"file", rep.file},
            {"sha256", rep.sha256},
            {"already_imported", rep.alreadyImported},
            {"rows", rep.rows},
            {"loaded", rep.loaded},
            {"quarantined", rep.quarantined},
            {"games", rep.games},
            {"dates", rep.dates},
            {"players", rep.players},
            {"first_date", rep.firstDate},
            {"last_date", rep.lastDate},
            {"issues", issues},
            {"team_point_mismatches", rep.warnings},
            {"text_repaired", {{"rows", rep.repaired}, {"lines", rep.repairedLines}}},
            {"analytics_failures", rep.analyticsFailures},
            {"seconds", {{"read", rep.readSeconds}, {"load", rep.loadSeconds}, {"analytics", rep.analyticsSeconds}}}};
}

void printImport(const jobs::ImportReport& rep, const std::string& teams)
{
    std::printf("Imported %s: %lld of %lld rows, %lld games on %lld dates (%s to %s), %lld players.\n",
                rep.file.c_str(), static_cast<long long>(rep.loaded), static_cast<long long>(rep.rows),
                static_cast<long long>(rep.games), static_cast<long long>(rep.dates), rep.firstDate.c_str(),
                rep.lastDate.c_str(), static_cast<long long>(rep.players));
    std::printf("Times: read %.2f s, load %.2f s, phase-3 tables %.2f s.\n", rep.readSeconds, rep.loadSeconds,
                rep.analyticsSeconds);
    if (rep.quarantined > 0) {
        std::printf("%lld row(s) quarantined (kept in import_quarantine; fix them and import again):\n",
                    static_cast<long long>(rep.quarantined));
        for (size_t i = 0; i < rep.issues.size() && i < 20; ++i)
            std::printf("  %s:%zu%s: %s\n", rep.file.c_str(), rep.issues[i].line,
                        rep.issues[i].column.empty() ? "" : (" column " + rep.issues[i].column).c_str(),
                        rep.issues[i].reason.c_str());
    }
    if (rep.repaired > 0) {
        std::string lines;
        for (size_t i = 0; i < rep.repairedLines.size() && i < 10; ++i)
            lines += (i ? ", " : "") + std::to_string(rep.repairedLines[i]);
        std::printf("%lld row(s) held text that is not valid UTF-8 (line%s %s%s): each bad byte was stored as U+FFFD. "
                    "Re-save the file as UTF-8 and import it again to keep the original names.\n",
                    static_cast<long long>(rep.repaired), rep.repaired > 1 ? "s" : "", lines.c_str(),
                    rep.repaired > 10 ? ", ..." : "");
    }
    if (!teams.empty())
        std::printf("Team points checked against %s: %zu disagreement(s).\n", teams.c_str(), rep.warnings.size());
    for (size_t i = 0; i < rep.warnings.size() && i < 10; ++i)
        std::printf("  %s\n", rep.warnings[i].c_str());
    if (rep.analyticsFailures > 0)
        std::printf("%d phase-3 run(s) failed: 'nbaops status --mode errors' lists them.\n", rep.analyticsFailures);
}

} // namespace

void addImportCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    struct Opts
    {
        std::string file, teams;
        bool json = false;
    };
    auto o = std::make_shared<Opts>();
    auto* imp = app.add_subcommand("import", "Import history files into the pipeline's tables");
    imp->require_subcommand(1);
    auto* box = imp->add_subcommand("boxscores", "Player box scores (CSV, gzip or plain, as in ../shared/data)");
    box->add_option("file", o->file, "nba_player_boxscores_*.csv[.gz]")->required();
    box->add_option("--teams", o->teams, "nba_team_game_logs_*.csv[.gz]: check each team's points against its players'");
    box->add_flag("--json", o->json, "One JSON object");
    box->callback([&g, &action, o] {
        action = [&g, o]() -> int {
            pipeline::SessionOptions so;
            so.dbPath = g.db;
            so.workers = 1;
            so.force = true; // an import replaces the dates it holds: their analytics are rebuilt
            pipeline::Session session(so);
            installInterruptHandler();
            jobs::TextControl control;
            control.cancel = &g_cancel;
            control.progress = [&](const std::string& line) {
                if (!o->json)
                    std::cerr << "nbaops: " << line << "\n";
            };
            const auto rep = jobs::importHistory(
                session, {o->file, o->teams.empty() ? std::nullopt : std::optional<std::filesystem::path>(o->teams)},
                control);
            if (rep.cancelled) {
                std::cerr << "nbaops: import cancelled; importing the same file again completes it.\n";
                return 130;
            }
            const int code = rep.quarantined > 0 || rep.analyticsFailures > 0 ? 1 : 0;
            if (o->json) {
                std::cout << importJson(rep).dump(2) << "\n";
                return code;
            }
            if (rep.alreadyImported) {
                std::printf("%s was imported before (same content, %lld rows, %s to %s); nothing changed.\n",
                            rep.file.c_str(), static_cast<long long>(rep.rows), rep.firstDate.c_str(), rep.lastDate.c_str());
                return 0;
            }
            printImport(rep, o->teams);
            return code;
        };
    });
}

} // namespace nbaops::cli
