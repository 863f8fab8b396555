#include "backup.h"

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

double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

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
    std::ifstream in(src, std::ios::binary);
    if (!in)
        throw OpsError("Cannot read " + src.string() + " for the backup.");
    fs::create_directories(dst.parent_path());
    std::ofstream out(dst, std::ios::binary | std::ios::trunc);
    if (!out)
        throw OpsError("Cannot write " + dst.string() +
                       ": check the free space and the permissions of the backup folder.");
    Sha256 h;
    FileDigest d;
    std::string block(1 << 20, '\0');
    while (in) {
        in.read(block.data(), std::streamsize(block.size()));
        const auto n = in.gcount();
        if (n <= 0)
            break;
        out.write(block.data(), n);
        h.update(std::string_view(block.data(), size_t(n)));
        d.bytes += n;
    }
    out.flush();
    if (in.bad() || !out)
        throw OpsError("Copying " + src.string() + " to " + dst.string() +
                       " failed: the backup disk may be full.");
    d.sha256 = h.hex();
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

// One row as a JSON object. Written by hand (a backup writes every row of the key tables):
// numbers as they are, text escaped, text that is not plain ASCII through nlohmann (which
// replaces invalid UTF-8 rather than writing a line no reader accepts).
void appendJsonString(std::string& out, std::string_view s)
{
    for (const unsigned char c : s) {
        if (c >= 0x80) {
            out += nlohmann::json(std::string(s))
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            return;
        }
    }
    out += '"';
    for (const char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

void appendJsonLine(std::string& out, const store::Statement& st,
                    const std::vector<std::string>& keys)
{
    out += '{';
    for (int c = 0; c < int(keys.size()); ++c) {
        if (c > 0)
            out += ',';
        out += keys[size_t(c)];
        const auto v = st.getValue(c);
        if (const auto* i = std::get_if<int64_t>(&v)) {
            out += std::to_string(*i);
        } else if (const auto* d = std::get_if<double>(&v)) {
            if (std::isfinite(*d)) {
                char buf[32];
                std::snprintf(buf, sizeof buf, "%.17g", *d);
                out += buf;
            } else {
                out += "null";
            }
        } else if (const auto* s = std::get_if<std::string>(&v)) {
            appendJsonString(out, *s);
        } else {
            out += "null";
        }
    }
    out += "}\n";
}

ManifestFile exportTable(store::Database& copy, const std::string& table, const fs::path& folder)
{
    ManifestFile f;
    f.path = "tables/" + table + ".jsonl";
    const fs::path path = folder / f.path;
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        throw OpsError("Cannot write " + path.string() + ".");
    auto st = copy.prepare("SELECT * FROM \"" + table + "\" ORDER BY rowid");
    std::vector<std::string> keys; // "name":
    for (int c = 0; c < st.columnCount(); ++c) {
        std::string k;
        appendJsonString(k, st.columnName(c));
        keys.push_back(k + ":");
    }
    Sha256 h;
    f.rows = 0;
    std::string buf;
    auto flush = [&] {
        out.write(buf.data(), std::streamsize(buf.size()));
        h.update(buf);
        f.bytes += int64_t(buf.size());
        buf.clear();
    };
    while (st.step()) {
        appendJsonLine(buf, st, keys);
        ++f.rows;
        if (buf.size() >= (1u << 18))
            flush();
    }
    flush();
    out.flush();
    if (!out)
        throw OpsError("Writing " + path.string() + " failed: the backup disk may be full.");
    f.sha256 = h.hex();
    return f;
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
    const fs::path partial = dest / (m.id + ".partial");
    fs::create_directories(partial / "database");
    auto cleanup = [&] { fs::remove_all(partial, ec); };

    // 1. The database, through the online backup API.
    m.database.path = "database/" + o.database.filename().string();
    const fs::path dbCopy = partial / m.database.path;
    control.report({"copying the database", 0});
    try {
        const bool done =
            onlineCopy(o.database, dbCopy,
                       {[&](const CopyProgress& p) {
                            if (p.pagesTotal > 0)
                                control.report({"copying the database",
                                                0.4 * double(p.pagesDone) / double(p.pagesTotal)});
                        },
                        control.cancel});
        if (!done) {
            cleanup();
            r.cancelled = true;
            return r;
        }
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
            // 2. The key tables as JSON lines.
            for (const auto& t : keyTables()) {
                if (control.cancelled())
                    break;
                if (m.table(t))
                    m.exports.push_back(exportTable(copy, t, partial));
            }
            r.checksumSeconds = secondsSince(tc);
        }
        const auto dbDigest = sha256File(dbCopy);
        m.database.bytes = dbDigest.bytes;
        m.database.sha256 = dbDigest.sha256;
        r.bytesWritten += dbDigest.bytes;
        for (const auto& e : m.exports)
            r.bytesWritten += e.bytes;

        // 3. The files: the raw store, the published documents, the model artifacts.
        if (m.whole() && !control.cancelled()) {
            const auto tf = Clock::now();
            const fs::path dataDir = dataDirOf(o.database);
            const auto files = dataFiles(dataDir);
            const auto previous =
                o.linkUnchanged ? previousFiles(dest) : decltype(previousFiles(dest)){};
            size_t n = 0;
            for (const auto& rel : files) {
                if (control.cancelled())
                    break;
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
                    if (d.sha256 == it->second.second.sha256 &&
                        d.bytes == it->second.second.bytes) {
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
                            continue; // removed while the backup ran (a payload replaced): not part
                                      // of this state
                        throw;
                    }
                    r.bytesWritten += d.bytes;
                    ++r.filesCopied;
                } else {
                    ++r.filesLinked;
                }
                f.bytes = d.bytes;
                f.sha256 = d.sha256;
                m.files.push_back(std::move(f));
            }
            r.filesSeconds = secondsSince(tf);
        }
        if (control.cancelled()) {
            cleanup();
            r.cancelled = true;
            return r;
        }
        syncFilesystem(partial);
        m.seconds = secondsSince(t0);
        writeManifest(partial, m);
        fs::rename(partial, dest / m.id);
        syncFilesystem(dest);
    } catch (...) {
        cleanup();
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

BackupEntry findBackup(const fs::path& dir, const std::string& id)
{
    auto all = listBackups(dir);
    const bool latest = id.empty() || id == "latest";
    // "latest" is the newest backup of the whole state an operator or the schedule made (not a
    // restore's safety copy, nor a tables-only one), else the newest of any kind.
    for (int pass = latest ? 0 : 1; pass < 2; ++pass) {
        for (auto& e : all) {
            if (e.incomplete)
                continue;
            if (!latest && e.id == id)
                return e;
            if (latest &&
                (pass == 1 || (e.manifest && e.manifest->whole() &&
                               (e.manifest->kind == "manual" || e.manifest->kind == "scheduled"))))
                return e;
        }
    }
    if (id.empty() || id == "latest")
        throw UsageError("There is no backup in " + dir.string() +
                         ". Make one with 'nbaops backup create'" +
                         " (or pass --dest DIR where they are kept).");
    throw UsageError("There is no backup '" + id + "' in " + dir.string() +
                     "; 'nbaops backup list' shows them.");
}

} // namespace nbaops::dr
