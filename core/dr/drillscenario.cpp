// The sandbox and the injections of a drill.
#include "backup.h"
#include "checks.h"
#include "drillparts.h"
#include "onlinecopy.h"
#include "registry/registry.h"
#include "store/database.h"
#include "tablesum.h"
#include "util/errors.h"
#include "util/files.h"
#include "util/process.h"

#include <algorithm>
#include <fstream>
#include <set>

namespace nbaops::dr::detail {

namespace fs = std::filesystem;

namespace {

// The drill's and the backups' own bookkeeping: written while a drill runs, not state it proves.
bool bookkeeping(const std::string& table)
{
    static const std::set<std::string> t{"audit_log", "backups", "drills", "drill_steps"};
    return t.count(table) > 0;
}

void copyTree(const fs::path& from, const fs::path& to)
{
    std::error_code ec;
    if (!fs::is_directory(from, ec))
        return;
    fs::create_directories(to);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    if (ec)
        throw OpsError("Copying " + from.string() +
                       " into the drill's sandbox failed: " + ec.message() + ".");
}

void linkTree(const fs::path& from, const fs::path& to)
{
    for (const auto& e : fs::recursive_directory_iterator(from)) {
        const fs::path target = to / fs::relative(e.path(), from);
        if (e.is_directory()) {
            fs::create_directories(target);
            continue;
        }
        fs::create_directories(target.parent_path());
        std::error_code ec;
        fs::create_hard_link(e.path(), target, ec); // nothing writes a backup's files in place
        if (ec)
            fs::copy_file(e.path(), target, fs::copy_options::overwrite_existing);
    }
}

} // namespace

std::string liveChecksum(const fs::path& liveDb)
{
    Sha256 h;
    {
        auto db = store::Database::openCopy(liveDb, false);
        for (const auto& t : tableNames(db)) {
            if (bookkeeping(t))
                continue;
            const auto s = sumTable(db, t);
            h.update(t + ":" + std::to_string(s.rows) + ":" + s.checksum + "\n");
        }
    }
    const fs::path dataDir = dataDirOf(liveDb);
    std::vector<std::string> files;
    for (const auto& top : dataFolders()) {
        std::error_code ec;
        if (!fs::is_directory(dataDir / top, ec))
            continue;
        for (const auto& e : fs::recursive_directory_iterator(dataDir / top)) {
            if (e.is_regular_file())
                files.push_back(fs::relative(e.path(), dataDir).string());
        }
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
        h.update(f + ":" + sha256File(dataDir / f).sha256 + "\n");
    return h.hex() + " (" + std::to_string(files.size()) + " files)";
}

std::vector<std::string> makeSandbox(DrillState& s, const fs::path& liveBackups)
{
    std::vector<std::string> notes;
    const fs::path sandbox = s.result.folder / "sandbox";
    const fs::path data = sandbox / "data";
    fs::create_directories(data);
    s.targetDb = data / s.liveDb.filename();
    s.backupsDir = sandbox / "backups";
    if (!onlineCopy(s.liveDb, s.targetDb, {}))
        throw OpsError("Copying the database into the sandbox was interrupted.");
    for (const auto& top : dataFolders())
        copyTree(dataDirOf(s.liveDb) / top, data / top);
    fs::create_directories(s.backupsDir);
    const auto chosen = latestBackup(liveBackups);
    if (chosen && chosen->manifest && chosen->problem.empty()) {
        linkTree(chosen->folder, s.backupsDir / chosen->id);
        s.result.backupId = chosen->id;
        s.backupCreatedAt = chosen->manifest->createdAt;
    } else {
        BackupOptions o;
        o.database = s.targetDb;
        o.dest = s.backupsDir;
        o.kind = "drill";
        const auto made = createBackup(o, {});
        s.result.backupId = made.manifest.id;
        s.backupCreatedAt = made.manifest.createdAt;
        notes.push_back("no backup of the live state was found in " + liveBackups.string() +
                        ": the drill made one of the sandbox first (the RPO is measured from it)");
    }
    return notes;
}

std::string pickTestDate(const fs::path& dbPath)
{
    auto db = store::Database::open(dbPath);
    auto st = db.prepare(
        "SELECT DISTINCT game_date FROM processor_runs WHERE processor = 'player_game_summary' "
        "AND status = 'success' AND records_out > 0 AND COALESCE(source, '') <> 'import' "
        "ORDER BY game_date DESC LIMIT 10");
    std::vector<std::string> dates;
    while (st.step())
        dates.push_back(st.getText(0));
    for (const auto& d : dates) {
        if (checkDate(db, registry::Registry::builtin(), *Date::parse(d), 0).empty())
            return d;
    }
    if (!dates.empty())
        return dates.front();
    throw OpsError("The database has no date whose phase 3 ran; a drill needs one (run a date "
                   "first: nbaops run --date D).");
}

std::map<std::string, int64_t> rowCounts(const fs::path& dbPath)
{
    std::map<std::string, int64_t> out;
    std::error_code ec;
    if (!fs::exists(dbPath, ec))
        return out;
    auto db = store::Database::openCopy(dbPath, false);
    for (const auto& t : tableNames(db)) {
        if (bookkeeping(t))
            continue;
        auto st = db.prepare("SELECT count(*) FROM \"" + t + "\"");
        st.step();
        out[t] = st.getInt(0);
    }
    return out;
}

std::vector<std::string> verifyTarget(const fs::path& dbPath, const std::string& testDate)
{
    std::error_code ec;
    if (!fs::exists(dbPath, ec))
        return {"the database " + dbPath.string() + " is not there"};
    try {
        auto db = store::Database::open(dbPath);
        auto out = checkIntegrity(db);
        for (auto& p : checkPayloads(db, dataDirOf(dbPath), std::nullopt).problems)
            out.push_back(std::move(p));
        for (auto& p : checkDate(db, registry::Registry::builtin(), *Date::parse(testDate), 0))
            out.push_back(std::move(p));
        return out;
    } catch (const std::exception& e) {
        return {e.what()};
    }
}

std::string inject(DrillState& s, const DrillOptions& o)
{
    const std::string& scenario = s.result.scenario;
    const std::string& date = s.result.testDate;
    const fs::path data = dataDirOf(s.targetDb);
    if (scenario == "database_loss") {
        auto db = store::Database::open(s.targetDb);
        int64_t n = 0;
        for (const char* t :
             {"player_game_summary", "team_offense_game_summary", "team_defense_game_summary"}) {
            db.prepare(std::string("DELETE FROM ") + t + " WHERE game_date = ?")
                .bind(1, date)
                .run();
            n += db.changes();
        }
        return "deleted the phase-3 rows of " + date + " (" + std::to_string(n) +
               " rows of the player and team game summaries)";
    }
    if (scenario == "object_store_corruption") {
        auto db = store::Database::open(s.targetDb);
        auto st = db.prepare("SELECT path FROM raw_payloads WHERE game_date = ? AND status = 'ok' "
                             "ORDER BY path LIMIT 2");
        st.bind(1, date);
        std::vector<std::string> paths;
        while (st.step())
            paths.push_back(st.getText(0));
        if (paths.size() < 2)
            throw OpsError("The test date " + date +
                           " has fewer than two raw payloads to corrupt.");
        {
            std::fstream f(data / paths[0], std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(
                std::max<std::streamoff>(0, std::streamoff(fs::file_size(data / paths[0]) / 2)));
            f.put('#');
        }
        fs::remove(data / paths[1]);
        return "changed a byte of " + paths[0] + " and deleted " + paths[1];
    }
    if (scenario == "run_state_loss") {
        auto db = store::Database::open(s.targetDb);
        db.exec("PRAGMA foreign_keys = OFF");
        int64_t n = 0;
        for (const char* t : {"backfill_items", "backfill_dates", "backfills", "processor_runs",
                              "processor_latest", "processor_last_success", "run_daily_summary"}) {
            db.exec(std::string("DELETE FROM ") + t);
            n += db.changes();
        }
        db.exec("PRAGMA foreign_keys = ON");
        return "deleted the run history and the backfills' state (" + std::to_string(n) + " rows)";
    }
    if (scenario == "complete_outage") {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm"})
            fs::remove(s.targetDb.string() + suffix, ec);
        for (const auto& top : dataFolders())
            fs::remove_all(data / top, ec);
        return "deleted the whole data folder: the database, raw/, publish/ and models/";
    }
    if (scenario == "processor_failure") {
        const auto r = runCommand(o.nbaops.string(),
                                  {"--db", s.targetDb.string(), "run", "--date", date, "--only",
                                   "nbac_schedule_scraper", "--force", "--no-alerts", "--fault",
                                   "scoreboardv2:http500"},
                                  o.commandTimeoutSeconds);
        auto db = store::Database::open(s.targetDb);
        auto st = db.prepare("SELECT status FROM processor_runs WHERE processor = "
                             "'nbac_schedule_scraper' AND game_date = ? "
                             "ORDER BY id DESC LIMIT 1");
        st.bind(1, date);
        if (!st.step() || st.getText(0) != "failed")
            throw OpsError(
                "The injected failure did not take: nbac_schedule_scraper did not fail (exit " +
                std::to_string(r.exitCode) + "): " + r.output.substr(0, 400));
        return "ran nbac_schedule_scraper for " + date +
               " against a source answering HTTP 500: it failed";
    }
    throw UsageError("Unknown scenario '" + scenario + "'.");
}

} // namespace nbaops::dr::detail
