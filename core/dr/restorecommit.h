#pragma once

#include "manifest.h"
#include "verify.h"

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

// The parts of a restore that change the live state, kept apart from the orchestration
// (restore.cpp): the journal, staging, the commit a restarted process can finish, the
// transaction of a tables-only restore, and the check of the result. Internal to dr.
namespace nbaops::dr::detail {

// <data>/.restore/journal.json: what a restore staged and how it commits.
struct Journal
{
    std::string state; // "staging" | "committing"
    std::string backupFolder;
    std::string backupId;
    std::string databaseFile;       // the database copy in the backup; "" when not restored
    std::string method;             // "copy" (SQLite backup API into the live file) | "rename"
    std::string safetyFolder;       // the pre-restore backup, to merge the kept tables from
    std::vector<std::string> keep;  // tables whose live rows survive the restore
    std::vector<std::string> files; // data-relative paths staged
};

std::filesystem::path restoreDir(const std::filesystem::path& dataDir);
void writeJournal(const std::filesystem::path& dataDir, const Journal& j);
std::optional<Journal> readJournal(const std::filesystem::path& dataDir);

// Copies the backup's version of every chosen file that is missing or different into the
// staging folder (checked against the manifest while copying). Returns the staged paths;
// counts the unchanged and the live files the backup lacks.
struct Staged
{
    std::vector<std::string> files;
    int64_t unchanged = 0;
    int64_t kept = 0;
    bool cancelled = false;
};
Staged stageFiles(const Manifest& m, const std::filesystem::path& backupFolder,
                  const std::filesystem::path& dataDir, const std::vector<std::string>& folders,
                  const std::atomic<bool>* cancel);
// Stages the database copy itself (the "rename" method).
void stageDatabase(const Manifest& m, const std::filesystem::path& backupFolder,
                   const std::filesystem::path& dataDir);

// Copies the live rows of the tables a whole restore keeps (the audit log...) aside, into
// <data>/.restore/kept.db: the commit merges them back into the restored database.
void saveKept(const std::filesystem::path& database, const std::vector<std::string>& tables);

// Applies a journal in "committing" state; safe to run again after a crash at any point.
// Returns the path a damaged live database was moved to ("" when none).
std::string commit(const std::filesystem::path& database, const Journal& j);

// The chosen tables plus every table their triggers write, recursively.
std::vector<std::string> withTriggerTables(store::Database& db,
                                           const std::vector<std::string>& tables);
// Replaces the tables' rows with the backup's, in one transaction, triggers off; refuses
// (rolls back) when it would leave a foreign key dangling.
void restoreTables(store::Database& live, const std::filesystem::path& backupDb,
                   const std::vector<std::string>& tables);

// What differs between the live state and the manifest: tables (count, checksum) and files.
struct CheckScope
{
    std::vector<std::string> tables;  // compare these tables
    std::vector<std::string> folders; // compare the files under these data folders
    bool integrity = false;
    bool newestRun = false;
};
std::vector<Problem> checkAgainst(const std::filesystem::path& database, const Manifest& m,
                                  const CheckScope& scope);

} // namespace nbaops::dr::detail
