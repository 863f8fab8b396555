#pragma once

#include "manifest.h"
#include "util/control.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Backups of the whole state (the database, the raw object store, the published documents, the
// model artifacts) or of chosen tables, each a folder with a sealed manifest (manifest.h).
namespace nbaops::dr {

// What a DR job reports: a line for a person and, where known, how far it is (0..1).
struct Progress
{
    std::string text;
    double fraction = -1;
};
using DrControl = Control<Progress>;

// The data folder is the database's folder: <data>/<name>.db with raw/, publish/, models/.
std::filesystem::path dataDirOf(const std::filesystem::path& database);
// <data>/backups: the default place for backups (pass --dest for another disk).
std::filesystem::path defaultBackupDir(const std::filesystem::path& database);
// The folders of the data folder a whole backup copies.
const std::vector<std::string>& dataFolders();
// The key tables also written as JSON lines (the real platform's 13 exports).
const std::vector<std::string>& keyTables();

struct BackupOptions
{
    std::filesystem::path database;  // the live database
    std::filesystem::path dest;      // empty: defaultBackupDir(database)
    std::vector<std::string> tables; // empty: the whole state; else only these tables (no files)
    std::string kind = "manual";     // manual | scheduled | pre-restore | drill
    bool linkUnchanged = true;       // hard-link files unchanged since the newest backup in dest
    std::string actor;               // empty: the OS user
};

struct BackupResult
{
    bool cancelled = false;
    std::filesystem::path folder;
    Manifest manifest;
    int64_t filesCopied = 0;
    int64_t filesLinked = 0;  // unchanged since the previous backup: a hard link, no new space
    int64_t bytesWritten = 0; // what this backup added to the disk
    double databaseSeconds = 0;
    double filesSeconds = 0;
    double checksumSeconds = 0;
};

// Makes the backup under dest/<id>.partial and renames it to dest/<id> when it is complete (an
// interrupted backup is never listed as one). Records it in the database's `backups` table and
// audits it. Throws UsageError (unknown table, bad kind) or OpsError.
BackupResult createBackup(const BackupOptions& options, const DrControl& control);

// The backups in a folder, newest first. A folder whose manifest cannot be read is listed with
// its problem; an interrupted backup (<id>.partial) as incomplete.
struct BackupEntry
{
    std::string id;
    std::filesystem::path folder;
    std::optional<Manifest> manifest;
    bool incomplete = false;
    std::string problem;
    // The last verify and test-restore, from verify.json and proof.json in the folder.
    std::string verifiedAt;
    std::optional<bool> verifyOk;
    std::string verifyDetail;
    std::string provenAt;
    std::optional<bool> provenOk;
    double provenSeconds = 0;
    std::string provenDetail;
};
std::vector<BackupEntry> listBackups(const std::filesystem::path& dir);
// The newest backup of the whole state an operator or the schedule made (not a restore's
// safety copy, nor a tables-only one), else the newest complete one; none when the folder has none.
std::optional<BackupEntry> latestBackup(const std::filesystem::path& dir);
// The entry with this id, or latestBackup() when id is empty or "latest". Throws UsageError.
BackupEntry findBackup(const std::filesystem::path& dir, const std::string& id);

} // namespace nbaops::dr
