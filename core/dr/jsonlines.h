#pragma once

#include "manifest.h"

#include <filesystem>
#include <string>

namespace nbaops::store {
class Database;
}

namespace nbaops::dr {

// Writes a table as JSON lines, one object a row in rowid order, into
// <folder>/tables/<table>.jsonl: readable without nbaops (jq, pandas, a text editor). Returns
// its entry for the manifest (size, SHA-256, rows).
ManifestFile exportTable(store::Database& db, const std::string& table,
                         const std::filesystem::path& folder);

} // namespace nbaops::dr
