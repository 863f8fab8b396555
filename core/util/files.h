#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace nbaops {

// Writes the file through a temporary in the same folder and renames it into place, so a
// reader sees the old content or the new, never half. Creates parent folders. Throws OpsError.
void writeFileAtomically(const std::filesystem::path& path, std::string_view bytes);
std::string readFile(const std::filesystem::path& path); // throws OpsError
std::string sha256Hex(std::string_view bytes);

// $XDG_DATA_HOME/nbaops, else ~/.local/share/nbaops.
std::filesystem::path defaultDataDir();
std::filesystem::path defaultDatabasePath();

} // namespace nbaops
