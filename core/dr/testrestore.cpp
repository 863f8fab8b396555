// Proving a backup restores (a real restore into a scratch folder, then every check), and
// finishing a restore a killed process left.
#include "restore.h"

#include "restorecommit.h"
#include "util/date.h"
#include "util/errors.h"

#include <chrono>
#include <cstdio>

namespace nbaops::dr {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

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
        out.proof = {toIsoUtc(std::chrono::system_clock::now()), false, secondsSince(t0),
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
    out.proof.seconds = secondsSince(t0);
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
