#include "restore.h"

#include "restorecommit.h"
#include "store/audit.h"
#include "store/database.h"
#include "store/migrations.h"
#include "util/date.h"
#include "util/errors.h"
#include "util/files.h"
#include "util/log.h"

#include <chrono>
#include <cstdio>
#include <set>

namespace nbaops::dr {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

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
    r.stageSeconds = secondsSince(ts);
    const auto tc = Clock::now();
    control.report({"replacing the live state", 0.7});
    j.state = "committing"; // from here on, a crash is finished by the next command, not undone
    detail::writeJournal(dataDir, j);
    r.movedAside = detail::commit(database, j);
    r.commitSeconds = secondsSince(tc);
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

namespace {

// A restore in its steps: the backup must verify; nothing may hold the live state; what will
// be replaced is backed up and the attempt audited; then the tables' transaction or the staged
// commit; then the result against the manifest, recorded as the audit row's result.
class Restore
{
public:
    Restore(const RestoreOptions& o, const DrControl& c)
        : m_o(o), m_c(c), m_database(fs::absolute(o.database)),
          m_dest(fs::absolute(o.dest.empty() ? defaultBackupDir(m_database) : o.dest))
    {
        if (!o.tables.empty() && !o.folders.empty())
            throw UsageError(
                "Choose --tables or --files, not both (a whole restore takes neither).");
        m_folders = o.tables.empty() ? (o.folders.empty() ? dataFolders() : checkFolders(o.folders))
                                     : std::vector<std::string>{};
        m_wholeDb = o.tables.empty() && o.folders.empty();
        if (const auto pending = detail::readJournal(m_database.parent_path()))
            throw OpsError("An interrupted restore of backup " + pending->backupId +
                           " is pending in " + m_database.parent_path().string() +
                           "; any nbaops command finishes it first (run 'nbaops status').");
    }

    RestoreResult run()
    {
        const auto t0 = Clock::now();
        if (!verify())
            return m_r;
        checkLive();
        protect();
        try {
            apply();
        } catch (const std::exception& e) {
            audit("failed: " + std::string(e.what()));
            throw;
        }
        if (m_r.cancelled) {
            audit("failed: cancelled before anything was replaced");
            return m_r;
        }
        check();
        m_r.seconds = secondsSince(t0);
        if (!m_o.scratch)
            audit(m_r.ok ? "ok"
                         : "restored with " + std::to_string(m_r.problems.size()) +
                               " problem(s): " + m_r.problems.front().text());
        m_c.report({m_r.summary(), 1});
        return m_r;
    }

private:
    // 1. The backup must verify, be of a schema this build knows, and hold what is asked for.
    bool verify()
    {
        m_backup = findBackup(m_dest, m_o.id);
        m_r.backupId = m_backup.id;
        m_c.report({"verifying backup " + m_backup.id, 0});
        const auto tv = Clock::now();
        const auto report = verifyBackup(m_backup, m_c);
        m_r.verifySeconds = secondsSince(tv);
        if (report.cancelled) {
            m_r.cancelled = true;
            return false;
        }
        if (!report.ok)
            throw OpsError(
                "Backup " + m_backup.id + " does not verify, so it is not restored (" +
                report.summary() +
                "). Nothing was changed. Restore another backup ('nbaops backup list').");
        const Manifest& m = *m_backup.manifest;
        if (m.schemaVersion > store::latestSchemaVersion())
            throw OpsError("Backup " + m_backup.id + " is of schema " +
                           std::to_string(m.schemaVersion) + ", newer than this nbaops (" +
                           std::to_string(store::latestSchemaVersion()) +
                           "); restore it with a newer nbaops.");
        for (const auto& t : m_o.tables) {
            if (!m.table(t))
                throw UsageError("Backup " + m_backup.id + " has no table '" + t + "'.");
        }
        if (!m.whole() && m_o.tables.empty())
            throw UsageError("Backup " + m_backup.id + " holds only the tables " +
                             joinNames(m.chosenTables) + "; restore them with --tables.");
        return true;
    }

    // 2. Nothing may hold the live database; a damaged one is moved aside later, never deleted.
    void checkLive()
    {
        std::string why;
        m_state = inspect(m_database, why);
        if (m_state == LiveState::Healthy) {
            auto live = store::Database::open(m_database);
            if (const auto h = holder(live); !h.empty())
                throw OpsError(
                    "The database is in use: " + h +
                    ". Wait for it to finish (or pause the backfill) and restore again.");
        }
        if (!m_o.tables.empty() && m_state != LiveState::Healthy)
            throw OpsError(
                "The live database is " +
                std::string(m_state == LiveState::Missing ? "missing" : "damaged (" + why + ")") +
                "; restoring chosen tables needs it. Restore the whole state instead (without "
                "--tables).");
        m_tables = m_o.tables;
        if (m_tables.empty())
            return;
        auto live = store::Database::open(m_database);
        m_tables = detail::withTriggerTables(live, m_o.tables);
        for (size_t i = m_o.tables.size(); i < m_tables.size(); ++i)
            m_r.addedTables.push_back(m_tables[i]);
        for (const auto& t : m_tables) {
            if (!m_backup.manifest->table(t))
                throw UsageError("Restoring " + joinNames(m_o.tables) + " also restores " + t +
                                 " (its triggers keep it), which backup " + m_backup.id +
                                 " lacks. Restore the whole state.");
        }
    }

    // 3. A backup of what will be replaced, and the audit row of the attempt.
    void protect()
    {
        if (m_state != LiveState::Healthy)
            return;
        if (m_o.safetyBackup) {
            m_c.report({"backing up what the restore replaces", 0.2});
            BackupOptions so;
            so.database = m_database;
            so.dest = m_dest;
            so.tables = m_tables;
            so.kind = "pre-restore";
            so.actor = m_o.actor;
            const auto safety = createBackup(so, {});
            m_r.safetyBackupId = safety.manifest.id;
            m_safetyFolder = safety.folder;
        }
        if (m_o.scratch)
            return;
        auto db = store::Database::open(m_database);
        m_auditId = store::writeAudit(
            db,
            {m_o.actor, "backup.restore",
             "restore of backup " + m_backup.id + " into " + m_database.string(),
             m_o.tables.empty() ? (m_o.folders.empty() ? "" : "--files " + joinNames(m_o.folders))
                                : "--tables " + joinNames(m_o.tables),
             "started"});
    }

    // 4. Tables: one transaction. The whole state or folders: stage, then commit.
    void apply()
    {
        const auto ts = Clock::now();
        if (!m_tables.empty()) {
            m_r.scope = std::to_string(m_tables.size()) + " table(s)";
            auto live = store::Database::open(m_database);
            detail::restoreTables(live, m_backup.folder / m_backup.manifest->database.path,
                                  m_tables);
            m_r.tables = m_tables;
            m_r.commitSeconds = secondsSince(ts);
            return;
        }
        stageAndCommit(m_database, m_backup, m_folders,
                       m_wholeDb ? (m_state == LiveState::Healthy ? "copy" : "rename") : "",
                       m_safetyFolder, m_r, m_c);
    }

    // 5. The result, against the manifest (a test-restore checks everything itself).
    void check()
    {
        m_c.report({"checking the result against the manifest", 0.9});
        const auto tk = Clock::now();
        if (!m_o.scratch) {
            const Manifest& m = *m_backup.manifest;
            detail::CheckScope scope;
            scope.folders = m_folders;
            scope.integrity = true;
            scope.newestRun = m_wholeDb || std::find(m_tables.begin(), m_tables.end(),
                                                     "processor_runs") != m_tables.end();
            for (const auto& t : m_r.tables) {
                if (std::find(m_r.keptTables.begin(), m_r.keptTables.end(), t) ==
                    m_r.keptTables.end())
                    scope.tables.push_back(t);
            }
            auto probe = store::Database::openCopy(m_database, false);
            if (probe.schemaVersion() != m.schemaVersion)
                scope.tables.clear(); // migrated since: the rows were checked by the copy's verify
            m_r.problems = detail::checkAgainst(m_database, m, scope);
        }
        m_r.checkSeconds = secondsSince(tk);
        m_r.ok = m_r.problems.empty();
    }

    void audit(const std::string& result)
    {
        if (m_o.scratch)
            return;
        try {
            auto db = store::Database::open(m_database);
            if (m_auditId > 0)
                store::setAuditResult(db, m_auditId, result);
            else // the live database was missing or damaged: the row is written now
                store::writeAudit(db,
                                  {m_o.actor, "backup.restore",
                                   "restore of backup " + m_backup.id + " into " +
                                       m_database.string() + " (the live database was " +
                                       (m_state == LiveState::Missing ? "missing)" : "damaged)"),
                                   "", result});
        } catch (const std::exception& e) {
            // The restore's outcome is reported to the caller either way.
            log::warning("restore",
                         "the restore of " + m_backup.id + " is not in the audit log: " + e.what());
        }
    }

    const RestoreOptions& m_o;
    const DrControl& m_c;
    fs::path m_database;
    fs::path m_dest;
    std::vector<std::string> m_folders;
    bool m_wholeDb = true;
    BackupEntry m_backup;
    LiveState m_state = LiveState::Missing;
    std::vector<std::string> m_tables;
    fs::path m_safetyFolder;
    int64_t m_auditId = 0;
    RestoreResult m_r;
};

} // namespace

RestoreResult restoreBackup(const RestoreOptions& options, const DrControl& control)
{
    return Restore(options, control).run();
}

} // namespace nbaops::dr
