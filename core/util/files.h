#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace nbaops {

// Writes the file through a temporary in the same folder and renames it into place, so a
// reader sees the old content or the new, never half. Creates parent folders. Throws OpsError.
// `durable` flushes the file to disk before the rename; a batch of many files may pass false
// and call syncFilesystem() once at the end instead.
void writeFileAtomically(const std::filesystem::path& path, std::string_view bytes, bool durable = true);
void syncFilesystem(const std::filesystem::path& anyPathOnIt);
std::string readFile(const std::filesystem::path& path); // throws OpsError
std::string sha256Hex(std::string_view bytes);

// $XDG_DATA_HOME/nbaops, else ~/.local/share/nbaops.
std::filesystem::path defaultDataDir();
std::filesystem::path defaultDatabasePath();

// Who runs this process, for audit trails: $USER, else $LOGNAME, else the account's name;
// "" when none is known.
std::string currentUserName();

} // namespace nbaops
