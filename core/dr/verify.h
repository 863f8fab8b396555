#pragma once

#include "backup.h"

#include <string>
#include <vector>

namespace nbaops::dr {

// One thing wrong with a backup, named: what (manifest, database, table, file, export), which
// one, what the manifest expects and what is there.
struct Problem
{
    std::string what;
    std::string name;
    std::string expected;
    std::string found;
    std::string text() const;
};

struct VerifyReport
{
    std::string id;
    bool ok = false;
    bool cancelled = false;
    std::vector<Problem> problems;
    int tablesChecked = 0;
    int filesChecked = 0;
    int64_t bytesChecked = 0;
    double seconds = 0;
    std::string summary() const; // one line
};

// Checks a backup against its manifest: the manifest's seal, the database copy's size,
// SHA-256 and SQLite integrity check, every table's count and checksum, every file's and
// export's size and SHA-256. Reads only; nothing in the backup changes (verify.json, the
// record of the result, is written by recordVerify).
VerifyReport verifyBackup(const BackupEntry& backup, const DrControl& control);

} // namespace nbaops::dr
