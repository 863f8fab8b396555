#include "restorecommit.h"

#include "onlinecopy.h"
#include "store/database.h"
#include "util/date.h"
#include "util/errors.h"
#include "util/files.h"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <regex>
#include <set>

namespace nbaops::dr::detail {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path stagingDir(const fs::path& dataDir)
{
    return restoreDir(dataDir) / "staging";
}

bool underFolders(const std::string& rel, const std::vector<std::string>& folders)
{
    for (const auto& f : folders) {
        if (rel.starts_with(f + "/"))
            return true;
    }
    return false;
}

void copyChecked(const fs::path& from, const fs::path& to, const ManifestFile& f)
{
    fs::create_directories(to.parent_path());
    const std::string bytes = readFile(from);
    if (int64_t(bytes.size()) != f.bytes || sha256Hex(bytes) != f.sha256)
        throw OpsError("The backup's " + f.path +
                       " changed while it was being restored; nothing was replaced. "
                       "Run 'nbaops backup verify' and restore another backup.");
    writeFileAtomically(to, bytes, false);
}

void removeDatabaseFiles(const fs::path& db)
{
    std::error_code ec;
    for (const char* suffix : {"-wal", "-shm", "-journal"})
        fs::remove(db.string() + suffix, ec);
}

fs::path keptDb(const fs::path& dataDir)
{
    return restoreDir(dataDir) / "kept.db";
}

void mergeKept(const fs::path& database, const Journal& j)
{
    const fs::path kept = keptDb(database.parent_path());
    std::error_code ec;
    if (j.keep.empty() || !fs::exists(kept, ec))
        return;
    auto live =
        store::Database::open(database); // the restored copy, migrated to this build's schema
    live.prepare("ATTACH DATABASE ? AS kept").bind(1, kept.string()).run();
    live.exec("BEGIN IMMEDIATE");
    for (const auto& t : j.keep) {
        // The columns both have (the backup may be of an older schema).
        std::string cols;
        auto st = live.prepare("SELECT name FROM pragma_table_info(?, 'main') WHERE name IN "
                               "(SELECT name FROM pragma_table_info(?, 'kept'))");
        st.bindAll(t, t);
        while (st.step())
            cols += (cols.empty() ? "\"" : ", \"") + st.getText(0) + "\"";
        if (!cols.empty())
            live.exec("INSERT OR IGNORE INTO main.\"" + t + "\"(" + cols + ") SELECT " + cols +
                      " FROM kept.\"" + t + "\"");
    }
    live.exec("COMMIT");
    live.exec("DETACH DATABASE kept");
}

} // namespace

fs::path restoreDir(const fs::path& dataDir)
{
    return dataDir / ".restore";
}

void saveKept(const fs::path& database, const std::vector<std::string>& tables)
{
    const fs::path kept = keptDb(database.parent_path());
    std::error_code ec;
    fs::remove(kept, ec);
    auto live = store::Database::open(database);
    live.prepare("ATTACH DATABASE ? AS kept").bind(1, kept.string()).run();
    for (const auto& t : tables) {
        auto has =
            live.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?");
        has.bind(1, t);
        if (has.step())
            live.exec("CREATE TABLE kept.\"" + t + "\" AS SELECT * FROM main.\"" + t + "\"");
    }
    live.exec("DETACH DATABASE kept");
    syncFilesystem(kept);
}

void writeJournal(const fs::path& dataDir, const Journal& j)
{
    const json doc{{"state", j.state},
                   {"backup_folder", j.backupFolder},
                   {"backup_id", j.backupId},
                   {"database_file", j.databaseFile},
                   {"method", j.method},
                   {"safety_folder", j.safetyFolder},
                   {"keep", j.keep},
                   {"files", j.files},
                   {"at", toIsoUtc(std::chrono::system_clock::now())}};
    writeFileAtomically(restoreDir(dataDir) / "journal.json", doc.dump(1));
}

std::optional<Journal> readJournal(const fs::path& dataDir)
{
    const fs::path p = restoreDir(dataDir) / "journal.json";
    std::error_code ec;
    if (!fs::is_regular_file(p, ec))
        return std::nullopt;
    try {
        const auto doc = json::parse(readFile(p));
        Journal j;
        j.state = doc.at("state").get<std::string>();
        j.backupFolder = doc.at("backup_folder").get<std::string>();
        j.backupId = doc.at("backup_id").get<std::string>();
        j.databaseFile = doc.at("database_file").get<std::string>();
        j.method = doc.at("method").get<std::string>();
        j.safetyFolder = doc.at("safety_folder").get<std::string>();
        j.keep = doc.at("keep").get<std::vector<std::string>>();
        j.files = doc.at("files").get<std::vector<std::string>>();
        return j;
    } catch (const std::exception& e) {
        throw OpsError("The journal of an interrupted restore, " + p.string() +
                       ", cannot be read (" + e.what() + "). Move the folder " +
                       restoreDir(dataDir).string() + " aside and restore again.");
    }
}

Staged stageFiles(const Manifest& m, const fs::path& backupFolder, const fs::path& dataDir,
                  const std::vector<std::string>& folders, const std::atomic<bool>* cancel)
{
    Staged out;
    fs::create_directories(stagingDir(dataDir));
    std::set<std::string> inBackup;
    for (const auto& f : m.files) {
        if (cancel && cancel->load()) {
            out.cancelled = true;
            return out;
        }
        const std::string rel = f.path.substr(std::string("files/").size());
        if (!underFolders(rel, folders))
            continue;
        inBackup.insert(rel);
        std::error_code ec;
        const fs::path live = dataDir / rel;
        if (fs::is_regular_file(live, ec) && int64_t(fs::file_size(live, ec)) == f.bytes &&
            sha256File(live).sha256 == f.sha256) {
            ++out.unchanged;
            continue;
        }
        copyChecked(backupFolder / f.path, stagingDir(dataDir) / rel, f);
        out.files.push_back(rel);
    }
    for (const auto& top : folders) {
        std::error_code ec;
        if (!fs::is_directory(dataDir / top, ec))
            continue;
        for (auto it = fs::recursive_directory_iterator(dataDir / top, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_regular_file(ec) &&
                !inBackup.count(fs::relative(it->path(), dataDir).generic_string()))
                ++out.kept;
        }
    }
    syncFilesystem(stagingDir(dataDir));
    return out;
}

void stageDatabase(const Manifest& m, const fs::path& backupFolder, const fs::path& dataDir)
{
    const fs::path to = stagingDir(dataDir) / "database" / fs::path(m.database.path).filename();
    fs::create_directories(to.parent_path());
    std::error_code ec;
    fs::remove(to, ec);
    fs::copy_file(backupFolder / m.database.path, to, ec);
    if (ec)
        throw OpsError("Staging the database copy failed: " + ec.message() +
                       ". Nothing was replaced.");
    if (sha256File(to).sha256 != m.database.sha256)
        throw OpsError(
            "The backup's database changed while it was being restored; nothing was replaced.");
    syncFilesystem(to);
}

std::string commit(const fs::path& database, const Journal& j)
{
    const fs::path dataDir = fs::absolute(database).parent_path();
    std::error_code ec;
    for (const auto& rel : j.files) {
        const fs::path staged = stagingDir(dataDir) / rel;
        if (!fs::exists(staged, ec))
            continue; // moved before the crash
        fs::create_directories((dataDir / rel).parent_path());
        fs::rename(staged, dataDir / rel);
    }
    std::string movedAside;
    if (!j.databaseFile.empty() && j.method == "rename") {
        const fs::path staged =
            stagingDir(dataDir) / "database" / fs::path(j.databaseFile).filename();
        if (fs::exists(staged, ec)) {
            if (fs::exists(database, ec)) {
                std::string stamp = toIsoUtc(std::chrono::system_clock::now());
                std::erase_if(stamp, [](char c) { return c == ':' || c == '-'; });
                movedAside = database.string() + ".damaged-" + stamp;
                fs::rename(database, movedAside);
                for (const char* suffix : {"-wal", "-shm"}) {
                    if (fs::exists(database.string() + suffix, ec))
                        fs::rename(database.string() + suffix, movedAside + suffix, ec);
                }
            }
            removeDatabaseFiles(database);
            fs::rename(staged, database);
        }
    } else if (!j.databaseFile.empty()) {
        if (!onlineCopy(fs::path(j.backupFolder) / j.databaseFile, database, {}))
            throw OpsError("The restore of the database was interrupted.");
    }
    mergeKept(database, j);
    syncFilesystem(dataDir);
    fs::remove_all(restoreDir(dataDir), ec);
    return movedAside;
}

std::vector<std::string> withTriggerTables(store::Database& db,
                                           const std::vector<std::string>& tables)
{
    static const std::regex target(
        R"re((?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+"?(\w+)"?)re",
        std::regex::icase);
    std::vector<std::string> out = tables;
    std::set<std::string> seen(tables.begin(), tables.end());
    const auto names = tableNames(db); // "DO UPDATE SET" of an upsert names no table
    const std::set<std::string> existing(names.begin(), names.end());
    for (size_t i = 0; i < out.size(); ++i) {
        auto st =
            db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?");
        st.bind(1, out[i]);
        while (st.step()) {
            const std::string sql = st.getText(0);
            const auto body = sql.substr(std::min(sql.size(), sql.find(" BEGIN")));
            for (auto it = std::sregex_iterator(body.begin(), body.end(), target);
                 it != std::sregex_iterator(); ++it) {
                const std::string t = (*it)[1].str();
                if (existing.count(t) && seen.insert(t).second)
                    out.push_back(t);
            }
        }
    }
    return out;
}

void restoreTables(store::Database& live, const fs::path& backupDb,
                   const std::vector<std::string>& tables)
{
    sqlite3_db_config(live.handle(), SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
    struct TriggersBack
    {
        sqlite3* h;
        ~TriggersBack() { sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, nullptr); }
    } back{live.handle()};
    live.prepare("ATTACH DATABASE ? AS bk").bind(1, backupDb.string()).run();
    try {
        store::Transaction tx(live);
        live.exec("PRAGMA defer_foreign_keys = ON");
        for (const auto& t : tables) {
            std::string cols;
            auto st = live.prepare("SELECT name FROM pragma_table_info(?)");
            st.bind(1, t);
            while (st.step())
                cols += (cols.empty() ? "\"" : ", \"") + st.getText(0) + "\"";
            live.exec("DELETE FROM main.\"" + t + "\"");
            live.exec("INSERT INTO main.\"" + t + "\"(" + cols + ") SELECT " + cols +
                      " FROM bk.\"" + t + "\" ORDER BY " + keyOrder(live, t));
        }
        // Both sides: the restored tables' own references, and rows elsewhere that refer to them.
        std::string dangling;
        const std::set<std::string> restored(tables.begin(), tables.end());
        auto fk = live.prepare("SELECT DISTINCT \"table\", parent FROM pragma_foreign_key_check");
        while (fk.step()) {
            if (restored.count(fk.getText(0)) || restored.count(fk.getText(1)))
                dangling += (dangling.empty() ? "" : "; ") + fk.getText(0) + " refers to rows of " +
                            fk.getText(1) + " the backup does not have";
        }
        if (!dangling.empty())
            throw UsageError("Restoring only these tables would leave references dangling (" +
                             dangling +
                             "). Add the named tables to --tables, or restore the whole state. "
                             "Nothing was changed.");
        tx.commit();
    } catch (...) {
        live.exec("DETACH DATABASE bk");
        throw;
    }
    live.exec("DETACH DATABASE bk");
}

std::vector<Problem> checkAgainst(const fs::path& database, const Manifest& m,
                                  const CheckScope& scope)
{
    std::vector<Problem> out;
    auto live = store::Database::openCopy(database, false);
    if (scope.integrity) {
        if (const auto ic = integrityCheck(live); ic != "ok")
            out.push_back({"database", database.string(), "integrity_check ok", ic});
    }
    for (const auto& name : scope.tables) {
        const TableSum* want = m.table(name);
        if (!want)
            continue;
        const auto got = sumTable(live, name);
        if (got.rows != want->rows)
            out.push_back({"table", name, std::to_string(want->rows) + " rows",
                           std::to_string(got.rows) + " rows"});
        else if (got.checksum != want->checksum)
            out.push_back({"table", name, "checksum " + want->checksum.substr(0, 16) + "…",
                           "checksum " + got.checksum.substr(0, 16) + "…"});
    }
    if (scope.newestRun && m.newestRun) {
        const auto got = newestRun(live);
        if (!got || got->id != m.newestRun->id || got->finishedAt != m.newestRun->finishedAt ||
            got->status != m.newestRun->status)
            out.push_back(
                {"table", "processor_runs (newest run)",
                 "run " + std::to_string(m.newestRun->id) + " " + m.newestRun->processor + " " +
                     m.newestRun->status,
                 got ? "run " + std::to_string(got->id) + " " + got->processor + " " + got->status
                     : "no run"});
    }
    const fs::path dataDir = fs::absolute(database).parent_path();
    for (const auto& f : m.files) {
        const std::string rel = f.path.substr(std::string("files/").size());
        if (!underFolders(rel, scope.folders))
            continue;
        std::error_code ec;
        if (!fs::is_regular_file(dataDir / rel, ec)) {
            out.push_back({"file", rel, "restored", "missing"});
            continue;
        }
        if (const auto d = sha256File(dataDir / rel); d.sha256 != f.sha256)
            out.push_back({"file", rel, "SHA-256 " + f.sha256.substr(0, 16) + "…",
                           "SHA-256 " + d.sha256.substr(0, 16) + "…"});
    }
    return out;
}

} // namespace nbaops::dr::detail
