#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace nbaops {

// Writes the file through a temporary in the same folder and renames it into place, so a
// reader sees the old content or the new, never half. Creates parent folders. Throws OpsError.
// `durable` flushes the file to disk before the rename; a batch of many files may pass false
// and call syncFilesystem() once at the end instead.
void writeFileAtomically(const std::filesystem::path& path, std::string_view bytes,
                         bool durable = true);
void syncFilesystem(const std::filesystem::path& anyPathOnIt);
std::string readFile(const std::filesystem::path& path); // throws OpsError
std::string sha256Hex(std::string_view bytes);

// SHA-256 fed in pieces (a table row by row, a file block by block).
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(std::string_view bytes);
    std::string hex(); // the digest; the object is spent after it
private:
    void* m_ctx;
};

// A file's SHA-256 and size, read in blocks (a backup's files are large). Throws OpsError.
struct FileDigest
{
    int64_t bytes = 0;
    std::string sha256;
};
// `sink`, when given, receives each block as it is read (a copy hashed as it is written).
FileDigest sha256File(const std::filesystem::path& path,
                      const std::function<void(std::string_view)>& sink = {});

// $XDG_DATA_HOME/nbaops, else ~/.local/share/nbaops.
std::filesystem::path defaultDataDir();
std::filesystem::path defaultDatabasePath();
// $XDG_CONFIG_HOME/nbaops, else ~/.config/nbaops: the settings (never a secret).
std::filesystem::path defaultConfigDir();

// Who runs this process, for audit trails: $USER, else $LOGNAME, else the account's name;
// "" when none is known.
std::string currentUserName();

} // namespace nbaops
