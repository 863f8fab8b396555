// Backups: nbaops backup create|list|verify|restore|test-restore|prune, and nbaops audit
#include "commands.h"

#include "dr/backup.h"
#include "dr/records.h"
#include "dr/restore.h"
#include "dr/retention.h"
#include "dr/verify.h"
#include "store/database.h"
#include "util/date.h"
#include "util/errors.h"
#include "util/log.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace nbaops::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct BackupArgs
{
    std::string dest;
    std::string id;
    std::string tables;
    std::string files;
    std::string kind = "manual";
    bool json = false;
    bool yes = false;
    bool noLink = false;
    bool dryRun = false;
    dr::RetentionPolicy policy;
};

std::string mib(int64_t bytes)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(bytes) / (1024.0 * 1024.0));
    return buf;
}

std::string secs(double s)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", s);
    return buf;
}

std::vector<std::string> splitList(const std::string& s)
{
    std::vector<std::string> out;
    std::string cur;
    for (const char c : s + ",") {
        if (c == ',') {
            if (!cur.empty())
                out.push_back(cur);
            cur.clear();
        } else if (c != ' ') {
            cur += c;
        }
    }
    return out;
}

fs::path destOf(const GlobalOptions& g, const BackupArgs& a)
{
    return a.dest.empty() ? dr::defaultBackupDir(g.db) : fs::absolute(a.dest);
}

dr::DrControl control(const GlobalOptions& g)
{
    dr::DrControl c;
    c.cancel = &g_cancel;
    if (g.verbose || ::isatty(2))
        c.progress = [last = std::string()](const dr::Progress& p) mutable {
            if (p.text != last)
                std::cerr << "  " << p.text << "\n";
            last = p.text;
        };
    return c;
}

std::optional<store::Database> liveDb(const GlobalOptions& g)
{
    std::error_code ec;
    if (!fs::is_regular_file(g.db, ec))
        return std::nullopt;
    try {
        return store::Database::open(g.db);
    } catch (const std::exception& e) {
        // Damaged: the backups are read from their folders alone.
        log::warning("backup",
                     std::string("the database's backup records are not updated: ") + e.what());
        return std::nullopt;
    }
}

json entryJson(const dr::BackupEntry& e)
{
    json j{{"id", e.id},
           {"folder", e.folder.string()},
           {"incomplete", e.incomplete},
           {"problem", e.problem}};
    if (e.manifest) {
        const auto& m = *e.manifest;
        j.update({{"kind", m.kind},
                  {"created_at", m.createdAt},
                  {"created_by", m.createdBy},
                  {"bytes", m.totalBytes()},
                  {"files", m.files.size()},
                  {"tables", m.tables.size()},
                  {"chosen_tables", m.chosenTables},
                  {"schema_version", m.schemaVersion},
                  {"newest_run_at",
                   m.newestRun ? json(m.newestRun->finishedAt.empty() ? m.newestRun->startedAt
                                                                      : m.newestRun->finishedAt)
                               : json(nullptr)}});
    }
    j["verified_at"] = e.verifiedAt.empty() ? json(nullptr) : json(e.verifiedAt);
    j["verify_ok"] = e.verifyOk ? json(*e.verifyOk) : json(nullptr);
    j["proven_at"] = e.provenAt.empty() ? json(nullptr) : json(e.provenAt);
    j["proven_ok"] = e.provenOk ? json(*e.provenOk) : json(nullptr);
    j["proven_seconds"] = e.provenSeconds;
    return j;
}

json problemsJson(const std::vector<dr::Problem>& problems)
{
    json out = json::array();
    for (const auto& p : problems)
        out.push_back(
            {{"what", p.what}, {"name", p.name}, {"expected", p.expected}, {"found", p.found}});
    return out;
}

int create(const GlobalOptions& g, const BackupArgs& a)
{
    dr::BackupOptions o;
    o.database = g.db;
    o.dest = destOf(g, a);
    o.tables = splitList(a.tables);
    o.kind = a.kind;
    o.linkUnchanged = !a.noLink;
    installInterruptHandler();
    const auto r = dr::createBackup(o, control(g));
    if (r.cancelled) {
        std::cerr << "nbaops: the backup was cancelled; nothing was kept.\n";
        return 130;
    }
    const auto& m = r.manifest;
    if (a.json) {
        std::cout << json{{"id", m.id},
                          {"folder", r.folder.string()},
                          {"bytes", m.totalBytes()},
                          {"bytes_written", r.bytesWritten},
                          {"tables", m.tables.size()},
                          {"files", m.files.size()},
                          {"files_linked", r.filesLinked},
                          {"seconds", m.seconds},
                          {"database_seconds", r.databaseSeconds},
                          {"files_seconds", r.filesSeconds}}
                         .dump()
                  << "\n";
        return 0;
    }
    std::cout << "backup " << m.id << " (" << m.kind << ") in " << r.folder.string() << "\n"
              << "  database " << mib(m.database.bytes) << ", " << m.tables.size()
              << " tables, schema " << m.schemaVersion
              << (m.whole() ? "" : " (only " + dr::joinNames(m.chosenTables) + ")") << "\n";
    if (m.whole())
        std::cout << "  " << m.files.size() << " files (" << r.filesLinked
                  << " unchanged since the last backup, hard-linked)\n";
    std::cout << "  " << m.exports.size() << " key tables as JSON lines in tables/\n"
              << "  " << mib(m.totalBytes()) << " in all, " << mib(r.bytesWritten)
              << " written, in " << secs(m.seconds) << "\nNext: nbaops backup test-restore " << m.id
              << (a.dest.empty() ? "" : " --dest " + a.dest) << "\n";
    return 0;
}

int list(const GlobalOptions& g, const BackupArgs& a)
{
    const fs::path dest = destOf(g, a);
    const auto entries = dr::listBackups(dest);
    if (auto db = liveDb(g))
        dr::syncBackupRecords(*db, entries, dest);
    if (a.json) {
        json arr = json::array();
        for (const auto& e : entries)
            arr.push_back(entryJson(e));
        std::cout << json{{"dest", dest.string()}, {"backups", arr}}.dump(1) << "\n";
        return 0;
    }
    if (entries.empty()) {
        std::cout << "No backups in " << dest.string()
                  << ". Make one with 'nbaops backup create'.\n";
        return 0;
    }
    std::printf("%-20s %-11s %-20s %10s %6s  %-9s %s\n", "ID", "KIND", "CREATED", "SIZE", "FILES",
                "VERIFIED", "PROVEN RESTORABLE");
    for (const auto& e : entries) {
        if (!e.manifest) {
            std::printf("%-20s %s\n", e.id.c_str(), e.problem.c_str());
            continue;
        }
        const auto& m = *e.manifest;
        const std::string verified = e.verifyOk ? (*e.verifyOk ? "ok" : "FAILED") : "-";
        const std::string proven =
            e.provenOk
                ? (*e.provenOk ? e.provenAt.substr(0, 16) + " (" + secs(e.provenSeconds) + ")"
                               : "FAILED " + e.provenAt.substr(0, 16))
                : "not yet";
        std::printf("%-20s %-11s %-20s %10s %6zu  %-9s %s%s\n", e.id.c_str(), m.kind.c_str(),
                    m.createdAt.substr(0, 19).c_str(), mib(m.totalBytes()).c_str(), m.files.size(),
                    verified.c_str(), proven.c_str(),
                    e.problem.empty() ? "" : ("  ! " + e.problem).c_str());
    }
    std::cout << entries.size() << " backup(s) in " << dest.string() << "\n";
    return 0;
}

int verify(const GlobalOptions& g, const BackupArgs& a)
{
    const auto b = dr::findBackup(destOf(g, a), a.id);
    installInterruptHandler();
    const auto r = dr::verifyBackup(b, control(g));
    auto db = liveDb(g);
    dr::recordVerify(db ? &*db : nullptr, b, r);
    if (a.json) {
        std::cout << json{{"id", r.id},
                          {"ok", r.ok},
                          {"seconds", r.seconds},
                          {"tables_checked", r.tablesChecked},
                          {"files_checked", r.filesChecked},
                          {"bytes_checked", r.bytesChecked},
                          {"problems", problemsJson(r.problems)}}
                         .dump()
                  << "\n";
    } else {
        std::cout << r.summary() << " (" << secs(r.seconds) << ")\n";
        for (const auto& p : r.problems)
            std::cout << "  " << p.text() << "\n";
        if (!r.ok && !r.cancelled)
            std::cout << "Do not restore this backup; 'nbaops backup list' shows the others.\n";
    }
    return r.cancelled ? 130 : (r.ok ? 0 : 2);
}

bool confirmed(const BackupArgs& a, const std::string& what)
{
    if (a.yes)
        return true;
    if (!::isatty(0))
        throw UsageError("A restore replaces " + what + "; pass --yes to confirm it.");
    std::cerr << "This replaces " << what
              << ". A backup of what it replaces is taken first.\nType 'restore' to go on: ";
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "restore";
}

int restore(const GlobalOptions& g, const BackupArgs& a)
{
    dr::RestoreOptions o;
    o.database = g.db;
    o.dest = destOf(g, a);
    o.id = a.id;
    o.tables = splitList(a.tables);
    o.folders = splitList(a.files);
    const auto b =
        dr::findBackup(o.dest, a.id); // the refusal for an unknown id comes before the question
    const std::string what =
        !o.tables.empty() ? "the tables " + dr::joinNames(o.tables) + " of " + g.db
        : !o.folders.empty()
            ? "the files under " + dr::joinNames(o.folders) + " of " +
                  dr::dataDirOf(g.db).string() + " that differ from the backup"
            : "the database " + g.db + " and the files that differ from backup " + b.id;
    if (!confirmed(a, what)) {
        std::cerr << "Nothing was changed.\n";
        return 1;
    }
    installInterruptHandler();
    const auto r = dr::restoreBackup(o, control(g));
    if (a.json) {
        std::cout << json{{"backup", r.backupId},
                          {"ok", r.ok},
                          {"cancelled", r.cancelled},
                          {"safety_backup", r.safetyBackupId},
                          {"tables", r.tables},
                          {"added_tables", r.addedTables},
                          {"kept_tables", r.keptTables},
                          {"files_restored", r.filesRestored},
                          {"files_unchanged", r.filesUnchanged},
                          {"files_kept", r.filesKept},
                          {"moved_aside", r.movedAside},
                          {"seconds", r.seconds},
                          {"problems", problemsJson(r.problems)}}
                         .dump()
                  << "\n";
    } else {
        std::cout << r.summary() << " in " << secs(r.seconds) << "\n";
        if (!r.addedTables.empty())
            std::cout << "  also restored (their rows are kept by the chosen tables' triggers): "
                      << dr::joinNames(r.addedTables) << "\n";
        if (!r.keptTables.empty())
            std::cout << "  kept from the live state: the rows of " << dr::joinNames(r.keptTables)
                      << " made after the backup\n";
        if (!r.movedAside.empty())
            std::cout << "  the damaged database was moved to " << r.movedAside
                      << " (delete it when done)\n";
        for (const auto& p : r.problems)
            std::cout << "  " << p.text() << "\n";
        if (!r.safetyBackupId.empty())
            std::cout << "To undo: nbaops backup restore " << r.safetyBackupId << " --yes\n";
    }
    return r.cancelled ? 130 : (r.ok ? 0 : 2);
}

int pruneCmd(const GlobalOptions& g, const BackupArgs& a);

int testRestore(const GlobalOptions& g, const BackupArgs& a)
{
    const fs::path dest = destOf(g, a);
    const auto b = dr::findBackup(dest, a.id);
    installInterruptHandler();
    const auto r = dr::testRestore(b, dest, control(g));
    if (r.cancelled) {
        std::cerr << "nbaops: the test-restore was cancelled.\n";
        return 130;
    }
    auto db = liveDb(g);
    dr::recordProof(db ? &*db : nullptr, b, r.proof);
    if (a.json) {
        std::cout << json{{"id", b.id},
                          {"ok", r.proof.ok},
                          {"at", r.proof.at},
                          {"seconds", r.proof.seconds},
                          {"bytes", r.bytes},
                          {"detail", r.proof.detail},
                          {"problems", problemsJson(r.restore.problems)}}
                         .dump()
                  << "\n";
    } else {
        std::cout << "backup " << b.id
                  << (r.proof.ok ? " is proven restorable: " : " did NOT restore cleanly: ")
                  << r.proof.detail << "\n";
        for (const auto& p : r.restore.problems)
            std::cout << "  " << p.text() << "\n";
    }
    return r.proof.ok ? 0 : 2;
}

// What the schedule runs each night: a backup, its test-restore, the retention policy. Exit 0
// when the new backup is proven restorable, 2 when it is not (the unit fails; the alert fires).
int scheduled(const GlobalOptions& g, const BackupArgs& a)
{
    BackupArgs made = a;
    made.kind = "scheduled";
    made.json = false;
    if (const int rc = create(g, made); rc != 0)
        return rc;
    made.id = "latest";
    const int proven = testRestore(g, made);
    pruneCmd(g, made);
    return proven;
}

int pruneCmd(const GlobalOptions& g, const BackupArgs& a)
{
    auto db = liveDb(g);
    const auto plan = dr::prune(destOf(g, a), a.policy, a.dryRun, db ? &*db : nullptr);
    if (a.json) {
        json arr = json::array();
        for (const auto& d : plan)
            arr.push_back({{"id", d.id}, {"keep", d.keep}, {"reason", d.reason}});
        std::cout << json{{"dry_run", a.dryRun}, {"backups", arr}}.dump() << "\n";
        return 0;
    }
    int deleted = 0;
    for (const auto& d : plan) {
        std::cout << (d.keep ? "keep    " : (a.dryRun ? "would delete " : "deleted ")) << d.id
                  << "  " << d.reason << "\n";
        deleted += d.keep ? 0 : 1;
    }
    std::cout << plan.size() - size_t(deleted) << " kept, " << deleted
              << (a.dryRun ? " to delete (dry run)" : " deleted") << "\n";
    return 0;
}

} // namespace

void addBackupCommand(CLI::App& app, GlobalOptions& g, std::function<int()>& action)
{
    auto a = std::make_shared<BackupArgs>();
    auto* group =
        app.add_subcommand("backup", "Backups: create, list, verify, restore, test-restore, prune");
    group->require_subcommand(1);
    auto destOpt = [&](CLI::App* c) {
        c->add_option("--dest", a->dest, "Folder of the backups (default: <data folder>/backups)");
        c->add_flag("--json", a->json, "One JSON object");
    };

    auto* cr = group->add_subcommand(
        "create",
        "Back up the database (online), the raw store, the published documents and the models");
    destOpt(cr);
    cr->add_option("--tables", a->tables, "Only these tables, comma-separated (no files)");
    cr->add_option("--kind", a->kind, "manual | scheduled (what the schedule passes)");
    cr->add_flag("--no-link", a->noLink,
                 "Copy every file, even those unchanged since the last backup");
    cr->callback([&g, a, &action] { action = [&g, a] { return create(g, *a); }; });

    auto* ls = group->add_subcommand(
        "list", "The backups, newest first, with their last verify and test-restore");
    destOpt(ls);
    ls->callback([&g, a, &action] { action = [&g, a] { return list(g, *a); }; });

    auto* vf = group->add_subcommand("verify",
                                     "Check a backup against its manifest (exit 0 intact, 2 not)");
    destOpt(vf);
    vf->add_option("id", a->id, "The backup (default: the newest)");
    vf->callback([&g, a, &action] { action = [&g, a] { return verify(g, *a); }; });

    auto* rs = group->add_subcommand(
        "restore", "Restore a backup: the whole state, chosen tables or chosen folders");
    destOpt(rs);
    rs->add_option("id", a->id, "The backup ('latest' for the newest)")->required();
    rs->add_option("--tables", a->tables, "Only these tables, comma-separated");
    rs->add_option("--files", a->files, "Only these data folders: raw, publish, models");
    rs->add_flag("-y,--yes", a->yes, "Do not ask for confirmation");
    rs->callback([&g, a, &action] { action = [&g, a] { return restore(g, *a); }; });

    auto* tr = group->add_subcommand(
        "test-restore",
        "Restore a backup into a scratch folder and compare everything (exit 0 proven)");
    destOpt(tr);
    tr->add_option("id", a->id, "The backup (default: the newest)");
    tr->callback([&g, a, &action] { action = [&g, a] { return testRestore(g, *a); }; });

    auto* pr =
        group->add_subcommand("prune", "Delete the backups the retention policy does not keep");
    destOpt(pr);
    pr->add_option("--keep-daily", a->policy.daily,
                   "The newest of each of the last N days (default 7)");
    pr->add_option("--keep-weekly", a->policy.weekly,
                   "The newest of each of the last N weeks (default 4)");
    pr->add_option("--keep-safety-days", a->policy.safetyDays,
                   "Pre-restore backups for N days (default 7)");
    pr->add_flag("--dry-run", a->dryRun, "Only say what would go");
    pr->callback([&g, a, &action] { action = [&g, a] { return pruneCmd(g, *a); }; });

    auto* sc = group->add_subcommand(
        "scheduled", "What the schedule runs: create, test-restore the new backup, prune");
    sc->add_option("--dest", a->dest, "Folder of the backups (default: <data folder>/backups)");
    sc->add_option("--keep-daily", a->policy.daily,
                   "The newest of each of the last N days (default 7)");
    sc->add_option("--keep-weekly", a->policy.weekly,
                   "The newest of each of the last N weeks (default 4)");
    sc->callback([&g, a, &action] { action = [&g, a] { return scheduled(g, *a); }; });
}

} // namespace nbaops::cli
