#include "restore.h"

#include "restorecommit.h"
#include "store/audit.h"
#include "store/database.h"
#include "store/migrations.h"
#include "util/date.h"
#include "util/errors.h"
#include "util/files.h"

#include <chrono>
#include <cstdio>
#include <set>

namespace nbaops::dr {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// The tables whose live rows survive a whole restore: the history of what operators did and
// of the backups and drills themselves.
const std::vector<std::string>& keptTables()
{
    static const std::vector<std::string> t{"audit_log", "backups", "drills", "drill_steps"};
    return t;
}

// What holds the live database: a run or a backfill in progress (what killed processes left
// is closed before any command runs, so a `running` row here is alive).
std::string holder(store::Database& db)
{
    std::string out;
    auto runs = db.prepare("SELECT count(*), min(processor), min(game_date) FROM processor_runs "
                           "WHERE status = 'running'");
    if (runs.step() && runs.getInt(0) > 0)
        out = std::to_string(runs.getInt(0)) + " processor run(s) in progress (" + runs.getText(1) +
              " for " + runs.getText(2) + ")";
    auto bf = db.prepare("SELECT id FROM backfills WHERE state = 'running' LIMIT 1");
    if (bf.step())
        out += (out.empty() ? "" : " and ") + std::string("backfill ") +
               std::to_string(bf.getInt(0)) + " running";
    return out;
}

enum class LiveState { Missing, Healthy, Damaged };

LiveState inspect(const fs::path& database, std::string& why)
{
    std::error_code ec;
    if (!fs::exists(database, ec))
        return LiveState::Missing;
    try {
        auto db = store::Database::openCopy(database, false);
        if (const auto ic = integrityCheck(db); ic != "ok") {
            why = ic;
            return LiveState::Damaged;
        }
        db.schemaVersion();
        return LiveState::Healthy;
    } catch (const std::exception& e) {
        why = e.what();
        return LiveState::Damaged;
    }
}

std::vector<std::string> checkFolders(const std::vector<std::string>& folders)
{
    for (const auto& f : folders) {
        if (std::find(dataFolders().begin(), dataFolders().end(), f) == dataFolders().end())
            throw UsageError("Unknown data folder '" + f + "': raw, publish or models.");
    }
    return folders;
}

// The whole state or chosen folders: stage every file (and the database, when it is replaced
// by a rename), then commit through the journal. The live state is untouched until the
// journal says "committing"; a crash after that is finished by recoverInterruptedRestore.
void stageAndCommit(const fs::path& database, const BackupEntry& backup,
                    const std::vector<std::string>& folders, const std::string& dbMethod,
                    const fs::path& safetyFolder, RestoreResult& r, const DrControl& control)
{
    const Manifest& m = *backup.manifest;
    const fs::path dataDir = database.parent_path();
    const auto ts = Clock::now();
    r.scope = dbMethod.empty() ? "the " + joinNames(folders) + " folder(s)" : "the whole state";
    detail::Journal j;
    j.state = "staging";
    j.backupFolder = backup.folder.string();
    j.backupId = backup.id;
    detail::writeJournal(dataDir, j);
    control.report({"staging the backup's files", 0.4});
    auto staged = detail::stageFiles(m, backup.folder, dataDir, folders, control.cancel);
    if (staged.cancelled) {
        std::error_code ec;
        fs::remove_all(detail::restoreDir(dataDir), ec);
        r.cancelled = true;
        return;
    }
    r.filesUnchanged = staged.unchanged;
    r.filesKept = staged.kept;
    r.filesRestored = int64_t(staged.files.size());
    j.files = std::move(staged.files);
    if (!dbMethod.empty()) {
        j.databaseFile = m.database.path;
        j.method = dbMethod;
        if (j.method == "rename")
            detail::stageDatabase(m, backup.folder, dataDir);
        j.safetyFolder = safetyFolder.string();
        if (dbMethod == "copy") { // a live database to keep the history of
            j.keep = keptTables();
            r.keptTables = j.keep;
            detail::saveKept(database, j.keep);
        }
        for (const auto& t : m.tables)
            r.tables.push_back(t.name);
    }
    r.stageSeconds = since(ts);
    const auto tc = Clock::now();
    control.report({"replacing the live state", 0.7});
    j.state = "committing"; // from here on, a crash is finished by the next command, not undone
    detail::writeJournal(dataDir, j);
    r.movedAside = detail::commit(database, j);
    r.commitSeconds = since(tc);
}

} // namespace

std::string RestoreResult::summary() const
{
    if (cancelled)
        return "restore of " + backupId + " cancelled before anything was replaced";
    std::string s = "restored " + scope + " from backup " + backupId;
    if (!safetyBackupId.empty())
        s += " (what it replaced is backup " + safetyBackupId + ")";
    if (filesRestored + filesUnchanged > 0)
        s += "; files: " + std::to_string(filesRestored) + " restored, " +
             std::to_string(filesUnchanged) + " already right, " + std::to_string(filesKept) +
             " newer kept";
    s += ok ? "; the result matches the backup"
            : "; the result does NOT match the backup: " + std::to_string(problems.size()) +
                  " problem(s)";
    return s;
}

RestoreResult restoreBackup(const RestoreOptions& o, const DrControl& control)
{
    const auto t0 = Clock::now();
    RestoreResult r;
    const fs::path database = fs::absolute(o.database);
    const fs::path dataDir = database.parent_path();
    const fs::path dest = fs::absolute(o.dest.empty() ? defaultBackupDir(database) : o.dest);
    if (!o.tables.empty() && !o.folders.empty())
        throw UsageError("Choose --tables or --files, not both (a whole restore takes neither).");
    const auto folders = o.tables.empty()
                             ? (o.folders.empty() ? dataFolders() : checkFolders(o.folders))
                             : std::vector<std::string>{};
    const bool wholeDb = o.tables.empty() && o.folders.empty();
    if (const auto pending = detail::readJournal(dataDir))
        throw OpsError("An interrupted restore of backup " + pending->backupId + " is pending in " +
                       dataDir.string() +
                       "; any nbaops command finishes it first (run 'nbaops status').");

    // 1. The backup must verify.
    auto backup = findBackup(dest, o.id);
    r.backupId = backup.id;
    control.report({"verifying backup " + backup.id, 0});
    const auto tv = Clock::now();
    const auto report = verifyBackup(backup, control);
    r.verifySeconds = since(tv);
    if (report.cancelled) {
        r.cancelled = true;
        return r;
    }
    if (!report.ok)
        throw OpsError("Backup " + backup.id + " does not verify, so it is not restored (" +
                       report.summary() +
                       "). Nothing was changed. Restore another backup ('nbaops backup list').");
    const Manifest& m = *backup.manifest;
    if (m.schemaVersion > store::latestSchemaVersion())
        throw OpsError("Backup " + backup.id + " is of schema " + std::to_string(m.schemaVersion) +
                       ", newer than this nbaops (" + std::to_string(store::latestSchemaVersion()) +
                       "); restore it with a newer nbaops.");
    if (!o.tables.empty() || !folders.empty()) {
        for (const auto& t : o.tables) {
            if (!m.table(t))
                throw UsageError("Backup " + backup.id + " has no table '" + t + "'.");
        }
        if (!m.whole() && o.tables.empty())
            throw UsageError("Backup " + backup.id + " holds only the tables " +
                             joinNames(m.chosenTables) + "; restore them with --tables.");
    }

    // 2. Nothing may hold the live database; a damaged one is moved aside, never deleted.
    std::string why;
    const LiveState state = inspect(database, why);
    if (state == LiveState::Healthy) {
        auto live = store::Database::open(database);
        if (const auto h = holder(live); !h.empty())
            throw OpsError("The database is in use: " + h +
                           ". Wait for it to finish (or pause the backfill) and restore again.");
    }
    if (!o.tables.empty() && state != LiveState::Healthy)
        throw OpsError(
            "The live database is " +
            std::string(state == LiveState::Missing ? "missing" : "damaged (" + why + ")") +
            "; restoring chosen tables needs it. Restore the whole state instead (without "
            "--tables).");

    // 3. A backup of what will be replaced.
    std::vector<std::string> tables = o.tables;
    if (!tables.empty()) {
        auto live = store::Database::open(database);
        tables = detail::withTriggerTables(live, o.tables);
        for (size_t i = o.tables.size(); i < tables.size(); ++i)
            r.addedTables.push_back(tables[i]);
        for (const auto& t : tables) {
            if (!m.table(t))
                throw UsageError("Restoring " + joinNames(o.tables) + " also restores " + t +
                                 " (its triggers keep it), which backup " + backup.id +
                                 " lacks. Restore the whole state.");
        }
    }
    fs::path safetyFolder;
    if (o.safetyBackup && state == LiveState::Healthy) {
        control.report({"backing up what the restore replaces", 0.2});
        BackupOptions so;
        so.database = database;
        so.dest = dest;
        so.tables = tables;
        so.kind = "pre-restore";
        so.actor = o.actor;
        const auto safety = createBackup(so, {});
        r.safetyBackupId = safety.manifest.id;
        safetyFolder = safety.folder;
    }
    std::optional<store::Database> auditDb;
    int64_t auditId = 0;
    if (state == LiveState::Healthy) {
        auditDb.emplace(store::Database::open(database));
        auditId = store::writeAudit(
            *auditDb,
            {o.actor, "backup.restore",
             "restore of backup " + backup.id + " into " + database.string(),
             o.tables.empty() ? (o.folders.empty() ? "" : "--files " + joinNames(o.folders))
                              : "--tables " + joinNames(o.tables),
             "started"});
        auditDb.reset();
    }

    // A failure from here on is recorded as the audit row's result before it is reported.
    auto failed = [&](const std::string& reason) {
        if (auditId > 0) {
            try {
                auto db = store::Database::open(database);
                store::setAuditResult(db, auditId, "failed: " + reason);
            } catch (const std::exception&) {
            }
        }
    };
    try {
        // 4. Tables: one transaction. Whole or files: stage, then commit through the journal.
        const auto ts = Clock::now();
        if (!tables.empty()) {
            r.scope = std::to_string(tables.size()) + " table(s)";
            auto live = store::Database::open(database);
            detail::restoreTables(live, backup.folder / m.database.path, tables);
            r.tables = tables;
            r.commitSeconds = since(ts);
        } else {
            stageAndCommit(database, backup, folders,
                           wholeDb ? (state == LiveState::Healthy ? "copy" : "rename") : "",
                           safetyFolder, r, control);
        }
    } catch (const std::exception& e) {
        failed(e.what());
        throw;
    }
    if (r.cancelled) {
        failed("cancelled before anything was replaced");
        return r;
    }

    // 5. The result, against the manifest.
    control.report({"checking the result against the manifest", 0.9});
    const auto tk = Clock::now();
    if (!o.scratch) { // a test-restore checks everything itself
        detail::CheckScope scope;
        scope.folders = folders;
        scope.integrity = true;
        scope.newestRun =
            wholeDb || std::find(tables.begin(), tables.end(), "processor_runs") != tables.end();
        for (const auto& t : r.tables) {
            if (std::find(r.keptTables.begin(), r.keptTables.end(), t) == r.keptTables.end())
                scope.tables.push_back(t);
        }
        if (!scope.tables.empty() || wholeDb) {
            auto probe = store::Database::openCopy(database, false);
            if (probe.schemaVersion() != m.schemaVersion)
                scope.tables.clear(); // migrated since: the rows were checked by the copy's verify
        }
        r.problems = detail::checkAgainst(database, m, scope);
    }
    r.checkSeconds = since(tk);
    r.ok = r.problems.empty();
    r.seconds = since(t0);
    if (o.scratch) {
        control.report({r.summary(), 1});
        return r;
    }
    auto live = store::Database::open(database);
    const std::string result = r.ok ? "ok"
                                    : "restored with " + std::to_string(r.problems.size()) +
                                          " problem(s): " + r.problems.front().text();
    if (auditId > 0)
        store::setAuditResult(live, auditId, result);
    else
        store::writeAudit(live, {o.actor, "backup.restore",
                                 "restore of backup " + backup.id + " into " + database.string() +
                                     " (the live database was " +
                                     (state == LiveState::Missing ? "missing)" : "damaged)"),
                                 "", result});
    control.report({r.summary(), 1});
    return r;
}

std::string recoverInterruptedRestore(const fs::path& database)
{
    const fs::path dataDir = fs::absolute(database).parent_path();
    const auto j = detail::readJournal(dataDir);
    if (!j) {
        std::error_code ec;
        if (fs::exists(detail::restoreDir(dataDir), ec))
            fs::remove_all(detail::restoreDir(dataDir),
                           ec); // staging without a journal: nothing was begun
        return "";
    }
    if (j->state != "committing") {
        std::error_code ec;
        fs::remove_all(detail::restoreDir(dataDir), ec);
        return "a restore of backup " + j->backupId +
               " was interrupted before it replaced anything; the live state is as it was";
    }
    detail::commit(fs::absolute(database), *j);
    return "a restore of backup " + j->backupId +
           " was interrupted while it replaced the live state; it is now finished";
}

TestRestoreResult testRestore(const BackupEntry& backup, const fs::path& scratchParent,
                              const DrControl& control)
{
    TestRestoreResult out;
    out.backupId = backup.id;
    if (!backup.manifest)
        throw OpsError("Backup " + backup.id + " has no readable manifest: " + backup.problem +
                       ".");
    fs::create_directories(scratchParent);
    const fs::path scratch = scratchParent / (".test-restore-" + backup.id);
    std::error_code ec;
    fs::remove_all(scratch, ec);
    fs::create_directories(scratch);
    struct Cleanup
    {
        fs::path p;
        ~Cleanup()
        {
            std::error_code e;
            fs::remove_all(p, e);
        }
    } cleanup{scratch};
    const auto t0 = Clock::now();
    RestoreOptions o;
    o.database = scratch / fs::path(backup.manifest->database.path).filename();
    o.dest = backup.folder.parent_path();
    o.id = backup.id;
    o.safetyBackup = false;
    o.scratch = true;
    if (!backup.manifest->whole())
        throw UsageError("Backup " + backup.id +
                         " holds chosen tables only; test-restore proves whole backups.");
    try {
        out.restore = restoreBackup(o, control);
    } catch (const std::exception& e) {
        out.proof = {toIsoUtc(std::chrono::system_clock::now()), false, since(t0),
                     std::string("the restore failed: ") + e.what()};
        return out;
    }
    if (out.restore.cancelled) {
        out.cancelled = true;
        return out;
    }
    // Everything, not only what a restore checks: every table, the integrity check, the newest run.
    detail::CheckScope all;
    all.integrity = true;
    all.newestRun = true;
    all.folders = dataFolders();
    for (const auto& t : backup.manifest->tables) {
        all.tables.push_back(t.name);
    }
    auto problems = detail::checkAgainst(o.database, *backup.manifest, all);
    out.bytes = backup.manifest->totalBytes();
    out.proof.at = toIsoUtc(std::chrono::system_clock::now());
    out.proof.seconds = since(t0);
    out.proof.ok = problems.empty();
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f", out.proof.seconds);
    out.proof.detail =
        problems.empty()
            ? "restored into a scratch folder in " + std::string(secs) + " s: integrity ok, " +
                  std::to_string(all.tables.size()) + " tables, the newest run and " +
                  std::to_string(backup.manifest->files.size()) + " files match the manifest"
            : std::to_string(problems.size()) +
                  " problem(s) after restoring: " + problems.front().text();
    out.restore.problems = std::move(problems);
    return out;
}

} // namespace nbaops::dr
