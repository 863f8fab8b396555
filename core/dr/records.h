#pragma once

#include "backup.h"

#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

// What the live database and the backup folders record of backups: the `backups` rows, and in
// each folder verify.json and proof.json (so a backup's history survives the loss of the
// database it came from).
namespace nbaops::dr {

struct VerifyReport;

// The outcome of a test-restore: the backup was restored into a scratch folder and matched.
struct Proof
{
    std::string at; // ISO UTC
    bool ok = false;
    double seconds = 0;
    std::string detail;
};

void recordBackup(store::Database& db, const Manifest& m, const std::filesystem::path& folder);
// Writes verify.json beside the manifest (when the folder is writable) and the database row.
void recordVerify(store::Database* db, const BackupEntry& b, const VerifyReport& r);
void recordProof(store::Database* db, const BackupEntry& b, const Proof& p);
void recordPruned(store::Database& db, const std::string& id);
// Fills an entry's last verify and proof from its folder.
void readSidecars(BackupEntry& e);
// Makes the `backups` rows agree with the folders (a restored database learns of the backups
// made after its copy; a backup deleted by hand is marked pruned).
void syncBackupRecords(store::Database& db, const std::vector<BackupEntry>& entries,
                       const std::filesystem::path& dir);

std::string joinNames(const std::vector<std::string>& names);

} // namespace nbaops::dr
