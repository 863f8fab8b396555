#pragma once

#include "backup.h"
#include "records.h"
#include "verify.h"

#include <filesystem>
#include <string>
#include <vector>

namespace nbaops::dr {

struct RestoreOptions
{
    std::filesystem::path database;   // the live database (may be gone: that is a loss)
    std::filesystem::path dest;       // where the backups are; empty: defaultBackupDir
    std::string id;                   // the backup; "" or "latest": the newest
    std::vector<std::string> tables;  // only these tables (and what their triggers keep)
    std::vector<std::string> folders; // only these data folders (raw, publish, models)
    bool safetyBackup = true;         // back up what will be replaced first
    std::string actor;                // "" = the OS user
    bool scratch = false;             // a test-restore: no audit row, the copy left unmigrated
};

struct RestoreResult
{
    bool cancelled = false;
    bool ok = false; // restored and the result matches the manifest
    std::string backupId;
    std::string safetyBackupId;           // the pre-restore backup of what was replaced
    std::string scope;                    // "the whole state", "3 tables", "the raw store"
    std::vector<std::string> tables;      // restored
    std::vector<std::string> addedTables; // restored because a chosen table's triggers keep them
    std::vector<std::string>
        keptTables;            // the live rows kept across a whole restore (the audit log...)
    int64_t filesRestored = 0; // written from the backup (missing or different)
    int64_t filesUnchanged = 0;
    int64_t filesKept = 0;         // live files the backup does not have (newer): left
    std::string movedAside;        // a damaged database moved out of the way, kept
    std::vector<Problem> problems; // what the check after the restore found
    double seconds = 0;
    double verifySeconds = 0; // verifying the backup before touching anything
    double stageSeconds = 0;
    double commitSeconds = 0;
    double checkSeconds = 0; // the check of the result
    std::string summary() const;
};

// Restores a backup: refuses one that does not verify and refuses while a run or a backfill
// holds the database; backs up what it replaces; stages every file first and commits through
// a journal (<data>/.restore/), so a process killed midway leaves the live state as it was or,
// once the commit began, finishes it on the next start (recoverInterruptedRestore); restores
// the database through SQLite's backup API (one transaction) or, for chosen tables, in one
// transaction with their triggers' tables; then checks the result against the manifest.
// Throws UsageError / OpsError, naming what to do.
RestoreResult restoreBackup(const RestoreOptions& options, const DrControl& control);

// Finishes (the commit had begun) or rolls back (it had not) a restore a killed process left in
// the database's folder. Returns what it did, "" when there was nothing. Call before opening
// the database.
std::string recoverInterruptedRestore(const std::filesystem::path& database);

// Restores the backup into a scratch folder with the same code as a real restore, then checks
// everything against the manifest: SQLite's integrity check, every table's count and checksum,
// the newest run row, every file. Records the proof (proof.json; the database's row when `db`
// is given). The scratch folder is removed afterwards.
struct TestRestoreResult
{
    bool cancelled = false;
    std::string backupId;
    Proof proof;
    RestoreResult restore;
    int64_t bytes = 0;
};
TestRestoreResult testRestore(const BackupEntry& backup, const std::filesystem::path& scratchParent,
                              const DrControl& control);

} // namespace nbaops::dr
