#include "backup.h"

#include "jsonlines.h"

#include "onlinecopy.h"
#include "records.h"
#include "store/audit.h"
#include "store/database.h"
#include "util/date.h"
#include "util/errors.h"
#include "util/files.h"
#include "util/process.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

namespace nbaops::dr {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string newId(const fs::path& dest)
{
    const auto now = std::chrono::system_clock::now();
    std::string iso = toIsoUtc(now); // 2026-12-01T22:30:00Z
    std::string id;
    for (const char c : iso.substr(0, 19)) {
        if (c != '-' && c != ':')
            id += c;
    }
    id += 'Z';
    std::string out = id;
    for (int n = 2; fs::exists(dest / out) || fs::exists(dest / (out + ".partial")); ++n)
        out = id + "-" + std::to_string(n);
    return out;
}

// Copies src to dst block by block, hashing what it writes.
FileDigest copyWithDigest(const fs::path& src, const fs::path& dst)
{
    fs::create_directories(dst.parent_path());
    std::ofstream out(dst, std::ios::binary | std::ios::trunc);
    if (!out)
        throw OpsError("Cannot write " + dst.string() +
                       ": check the free space and the permissions of the backup folder.");
    auto d = sha256File(src, [&out](std::string_view piece) {
        out.write(piece.data(), std::streamsize(piece.size()));
    });
    out.flush();
    if (!out)
        throw OpsError("Copying " + src.string() + " to " + dst.string() +
                       " failed: the backup disk may be full.");
    return d;
}

// The data files to copy, relative to the data folder, sorted; temporary files of an atomic
// write in progress are left out.
std::vector<std::string> dataFiles(const fs::path& dataDir)
{
    std::vector<std::string> out;
    for (const auto& top : dataFolders()) {
        std::error_code ec;
        if (!fs::is_directory(dataDir / top, ec))
            continue;
        for (auto it = fs::recursive_directory_iterator(dataDir / top, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (!it->is_regular_file(ec))
                continue;
            const std::string name = it->path().filename().string();
            if (name.starts_with(".") && name.find(".tmp-") != std::string::npos)
                continue;
            out.push_back(fs::relative(it->path(), dataDir).generic_string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

void checkOptions(const BackupOptions& o, store::Database& live)
{
    static const std::set<std::string> kinds{"manual", "scheduled", "pre-restore", "drill"};
    if (!kinds.count(o.kind))
        throw UsageError("Unknown backup kind '" + o.kind +
                         "': manual, scheduled, pre-restore or drill.");
    const auto names = tableNames(live);
    for (const auto& t : o.tables) {
        if (!std::binary_search(names.begin(), names.end(), t))
            throw UsageError("There is no table '" + t + "' in " + o.database.string() +
                             "; 'sqlite3 DB .tables' lists them.");
    }
}

// A tables-only backup keeps the chosen tables and drops the rest from its copy.
void keepOnly(store::Database& copy, const std::vector<std::string>& tables)
{
    std::set<std::string> keep(tables.begin(), tables.end());
    copy.exec("PRAGMA foreign_keys = OFF");
    std::vector<std::string> drop;
    for (const auto& t : tableNames(copy)) {
        if (!keep.count(t) && t != "schema_migrations")
            drop.push_back(t);
    }
    copy.exec("BEGIN");
    for (const auto& t : drop)
        copy.exec("DROP TABLE \"" + t + "\"");
    copy.exec("COMMIT");
    copy.exec("VACUUM");
}

// The newest sealed manifest in dest: what an unchanged file can be linked to.
std::map<std::string, std::pair<fs::path, ManifestFile>> previousFiles(const fs::path& dest)
{
    std::map<std::string, std::pair<fs::path, ManifestFile>> out;
    for (const auto& e : listBackups(dest)) {
        if (e.incomplete || !e.manifest || !e.problem.empty() || !e.manifest->whole())
            continue;
        for (const auto& f : e.manifest->files)
            out.emplace(f.path, std::make_pair(e.folder / f.path, f));
        break;
    }
    return out;
}

} // namespace

fs::path dataDirOf(const fs::path& database)
{
    return fs::absolute(database).parent_path();
}

fs::path defaultBackupDir(const fs::path& database)
{
    return dataDirOf(database) / "backups";
}

const std::vector<std::string>& dataFolders()
{
    static const std::vector<std::string> folders{"raw", "publish", "models"};
    return folders;
}

const std::vector<std::string>& keyTables()
{
    static const std::vector<std::string> tables{"processor_runs",
                                                 "raw_payloads",
                                                 "game_schedule",
                                                 "player_game_summary",
                                                 "team_offense_game_summary",
                                                 "team_defense_game_summary",
                                                 "player_composite_factors",
                                                 "ml_feature_store",
                                                 "player_prop_predictions",
                                                 "prediction_grades",
                                                 "raw_odds_player_points",
                                                 "model_versions",
                                                 "audit_log"};
    return tables;
}

namespace {

// The steps of a backup, in the order createBackup takes them.

// 1. The database through the online backup API; then, on the copy, the tables' counts and
// checksums and the key tables as JSON lines. False when cancelled.
bool backUpDatabase(const BackupOptions& o, const fs::path& partial, BackupResult& r,
                    const DrControl& control)
{
    Manifest& m = r.manifest;
    const auto t0 = Clock::now();
    m.database.path = "database/" + o.database.filename().string();
    const fs::path dbCopy = partial / m.database.path;
    control.report({"copying the database", 0});
    const bool done =
        onlineCopy(o.database, dbCopy,
                   {[&](const CopyProgress& p) {
                        if (p.pagesTotal > 0)
                            control.report({"copying the database",
                                            0.4 * double(p.pagesDone) / double(p.pagesTotal)});
                    },
                    control.cancel});
    if (!done)
        return false;
    r.databaseSeconds = secondsSince(t0);
    {
        auto copy = store::Database::openCopy(dbCopy, false);
        if (!m.whole())
            keepOnly(copy, m.chosenTables);
        m.schemaVersion = copy.schemaVersion();
        const auto tc = Clock::now();
        control.report({"counting and summing the tables", 0.4});
        m.tables = sumTables(copy, m.whole() ? tableNames(copy) : m.chosenTables);
        m.newestRun = newestRun(copy);
        for (const auto& t : keyTables()) {
            if (control.cancelled())
                return false;
            if (m.table(t))
                m.exports.push_back(exportTable(copy, t, partial));
        }
        r.checksumSeconds = secondsSince(tc);
    }
    const auto digest = sha256File(dbCopy);
    m.database.bytes = digest.bytes;
    m.database.sha256 = digest.sha256;
    r.bytesWritten += digest.bytes;
    for (const auto& e : m.exports)
        r.bytesWritten += e.bytes;
    return true;
}

// 2. The files (the raw store, the published documents, the model artifacts): each one copied
// and hashed as it is written, or hard-linked to the previous backup's copy when unchanged.
// False when cancelled.
bool backUpFiles(const BackupOptions& o, const fs::path& dest, const fs::path& partial,
                 BackupResult& r, const DrControl& control)
{
    const auto tf = Clock::now();
    const fs::path dataDir = dataDirOf(o.database);
    const auto files = dataFiles(dataDir);
    const auto previous = o.linkUnchanged ? previousFiles(dest) : decltype(previousFiles(dest)){};
    size_t n = 0;
    for (const auto& rel : files) {
        if (control.cancelled())
            return false;
        if (++n % 200 == 0)
            control.report({"copying files (" + std::to_string(n) + " of " +
                                std::to_string(files.size()) + ")",
                            0.5 + 0.5 * double(n) / double(files.size())});
        ManifestFile f;
        f.path = "files/" + rel;
        const fs::path target = partial / f.path;
        FileDigest d;
        bool linked = false;
        if (auto it = previous.find(f.path); it != previous.end()) {
            d = sha256File(dataDir / rel);
            if (d.sha256 == it->second.second.sha256 && d.bytes == it->second.second.bytes) {
                std::error_code ec;
                fs::create_directories(target.parent_path());
                fs::create_hard_link(it->second.first, target, ec);
                linked = !ec;
            }
        }
        if (!linked) {
            try {
                d = copyWithDigest(dataDir / rel, target);
            } catch (const OpsError&) {
                if (!fs::exists(dataDir / rel))
                    continue; // replaced while the backup ran: not part of this state
                throw;
            }
            r.bytesWritten += d.bytes;
            ++r.filesCopied;
        } else {
            ++r.filesLinked;
        }
        f.bytes = d.bytes;
        f.sha256 = d.sha256;
        r.manifest.files.push_back(std::move(f));
    }
    r.filesSeconds = secondsSince(tf);
    return true;
}

} // namespace

BackupResult createBackup(const BackupOptions& o, const DrControl& control)
{
    const auto t0 = Clock::now();
    BackupResult r;
    const fs::path dest = fs::absolute(o.dest.empty() ? defaultBackupDir(o.database) : o.dest);
    auto live = store::Database::open(o.database);
    checkOptions(o, live);
    std::error_code ec;
    fs::create_directories(dest, ec);
    if (ec)
        throw OpsError("Cannot create the backup folder " + dest.string() + ": " + ec.message() +
                       ".");
    Manifest& m = r.manifest;
    m.id = newId(dest);
    m.createdAt = toIsoUtc(std::chrono::system_clock::now());
    m.createdBy = o.actor.empty() ? store::currentActor() : o.actor;
    m.host = currentProcess().host;
    m.kind = o.kind;
    m.source = fs::absolute(o.database).string();
    m.chosenTables = o.tables;
    std::sort(m.chosenTables.begin(), m.chosenTables.end());
    // Written under <id>.partial and renamed when whole: an interrupted backup is never one.
    const fs::path partial = dest / (m.id + ".partial");
    fs::create_directories(partial / "database");
    try {
        const bool done = backUpDatabase(o, partial, r, control) &&
                          (!m.whole() || backUpFiles(o, dest, partial, r, control));
        if (!done || control.cancelled()) {
            fs::remove_all(partial, ec);
            r.cancelled = true;
            return r;
        }
        syncFilesystem(partial);
        m.seconds = secondsSince(t0);
        writeManifest(partial, m);
        fs::rename(partial, dest / m.id);
        syncFilesystem(dest);
    } catch (...) {
        fs::remove_all(partial, ec);
        throw;
    }
    r.folder = dest / m.id;
    recordBackup(live, m, r.folder);
    store::writeAudit(
        live, store::AuditEntry{m.createdBy, "backup.create",
                                "backup " + m.id + " (" + m.kind + ") in " + dest.string(),
                                m.whole() ? "" : "--tables " + joinNames(m.chosenTables), "ok"});
    control.report({"backup " + m.id + " written", 1});
    return r;
}

} // namespace nbaops::dr
