// The backups of a folder, as their manifests and sidecars say.
#include "backup.h"

#include "records.h"
#include "util/errors.h"

#include <algorithm>

namespace nbaops::dr {

namespace fs = std::filesystem;

std::vector<BackupEntry> listBackups(const fs::path& dir)
{
    std::vector<BackupEntry> out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return out;
    for (const auto& d : fs::directory_iterator(dir, ec)) {
        if (!d.is_directory(ec))
            continue;
        BackupEntry e;
        e.folder = d.path();
        e.id = d.path().filename().string();
        if (e.id.ends_with(".partial")) {
            e.incomplete = true;
            e.id.resize(e.id.size() - 8);
            e.problem = "incomplete: the backup was interrupted before it finished";
            out.push_back(std::move(e));
            continue;
        }
        if (!fs::exists(d.path() / kManifestName, ec) && !fs::exists(d.path() / "database", ec))
            continue; // not a backup
        auto loaded = readManifest(d.path());
        e.manifest = std::move(loaded.manifest);
        e.problem = loaded.problem;
        readSidecars(e);
        out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(),
              [](const BackupEntry& a, const BackupEntry& b) { return a.id > b.id; });
    return out;
}

std::optional<BackupEntry> latestBackup(const fs::path& dir)
{
    const auto all = listBackups(dir);
    for (const bool strict : {true, false}) {
        for (const auto& e : all) {
            if (e.incomplete)
                continue;
            if (!strict || (e.manifest && e.manifest->whole() &&
                            (e.manifest->kind == "manual" || e.manifest->kind == "scheduled")))
                return e;
        }
    }
    return std::nullopt;
}

BackupEntry findBackup(const fs::path& dir, const std::string& id)
{
    if (id.empty() || id == "latest") {
        if (auto e = latestBackup(dir))
            return *e;
        throw UsageError("There is no backup in " + dir.string() +
                         ". Make one with 'nbaops backup create'" +
                         " (or pass --dest DIR where they are kept).");
    }
    for (auto& e : listBackups(dir)) {
        if (!e.incomplete && e.id == id)
            return e;
    }
    throw UsageError("There is no backup '" + id + "' in " + dir.string() +
                     "; 'nbaops backup list' shows them.");
}

} // namespace nbaops::dr
