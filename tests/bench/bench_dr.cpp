// Disaster recovery's figures, the parts of an RTO: a backup, its verify, a test-restore and a
// whole restore of a database holding three imported seasons of box scores (the real ones from
// ../shared/data when present, else three simulated seasons) plus a simulated season run end to
// end (its raw payloads, published documents and run history). Sizes, seconds and MB/s, and a
// second backup beside the first (the unchanged files hard-linked).
#include "bench.h"

#include "dr/backup.h"
#include "dr/restore.h"
#include "dr/verify.h"
#include "jobs/import.h"
#include "jobs/runrange.h"
#include "pipeline/session.h"
#include "sim/historycsv.h"
#include "sim/league.h"
#include "store/database.h"
#include "util/files.h"

#include <iostream>
#include <unistd.h>

namespace nbaops::bench {

namespace {

double msSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double mbPerS(int64_t bytes, double ms)
{
    return ms > 0 ? double(bytes) / (1024.0 * 1024.0) / (ms / 1000.0) : 0;
}

} // namespace

void runDrBench(Reporter& r, int seasonDays)
{
    namespace fs = std::filesystem;
    const auto base = fs::temp_directory_path() / ("nbaops-bench-dr-" + std::to_string(::getpid()));
    fs::remove_all(base);
    fs::create_directories(base);
    const auto db = base / "data" / "nbaops.db";
    std::string source;
    {
        pipeline::SessionOptions so;
        so.dbPath = db;
        so.workers = 2;
        pipeline::Session session(so);
        // Three seasons of history.
        fs::path data = NBAOPS_BENCH_SHARED_DATA;
        if (const char* env = std::getenv("NBAOPS_SHARED_DATA"); env && *env)
            data = env;
        fs::path box = data / "nba_player_boxscores_2022-23_to_2024-25.csv.gz";
        source = "real box scores 2022-25";
        if (!fs::exists(box)) {
            sim::League league;
            box = base / "history.csv";
            writeFileAtomically(box, sim::boxscoreHistoryCsv(league, sim::League::openingDay(2020),
                                                             sim::League::lastDay(2022)));
            source = "simulated box scores 2020-23 (no ../shared/data)";
        }
        const auto t0 = std::chrono::steady_clock::now();
        jobs::importHistory(session, {box, std::nullopt}, {});
        std::cerr << "  imported " << source << " in " << msSince(t0) / 1000 << " s\n";
        // A simulated season run end to end: raw payloads, published documents, run history.
        const Date from = sim::League::openingDay(2024);
        Date to = sim::League::lastDay(2024);
        if (seasonDays > 0)
            to = from.addDays(seasonDays - 1);
        const auto t1 = std::chrono::steady_clock::now();
        const auto run = jobs::runRange(session, {from, to, {}}, {});
        std::cerr << "  ran " << run.dates << " simulated dates in " << msSince(t1) / 1000
                  << " s\n";
    }
    const auto dest = base / "backups";
    dr::BackupOptions bo;
    bo.database = db;
    bo.dest = dest;

    auto t = std::chrono::steady_clock::now();
    const auto first = dr::createBackup(bo, {});
    const double backupMs = msSince(t);
    const auto& m = first.manifest;
    const int64_t bytes = m.totalBytes();
    int64_t rows = 0;
    for (const auto& tb : m.tables)
        rows += tb.rows;
    const std::string size = std::to_string(bytes / (int64_t(1024) * 1024)) + " MiB: database " +
                             std::to_string(m.database.bytes / (int64_t(1024) * 1024)) + " MiB, " +
                             std::to_string(m.files.size()) + " files, " + std::to_string(rows) +
                             " rows; " + source;
    r.report({"dr", "backup_bytes", double(bytes) / (1024.0 * 1024.0), "MiB", "single",
              int64_t(m.files.size()), size});
    r.report({"dr", "backup", backupMs / 1000, "s", "single", rows,
              "online copy " + std::to_string(int(first.databaseSeconds * 1000)) +
                  " ms, checksums and JSON lines " +
                  std::to_string(int(first.checksumSeconds * 1000)) + " ms, files " +
                  std::to_string(int(first.filesSeconds * 1000)) + " ms"});
    r.report({"dr", "backup_rate", mbPerS(bytes, backupMs), "MB/s", "single", bytes,
              "MiB of the backup per second"});

    t = std::chrono::steady_clock::now();
    const auto second = dr::createBackup(bo, {});
    const double secondMs = msSince(t);
    r.report({"dr", "backup_again", secondMs / 1000, "s", "single", second.filesLinked,
              std::to_string(second.filesLinked) + " unchanged files hard-linked; " +
                  std::to_string(second.bytesWritten / (int64_t(1024) * 1024)) + " MiB written"});

    const auto entry = dr::findBackup(dest, m.id);
    t = std::chrono::steady_clock::now();
    const auto v = dr::verifyBackup(entry, {});
    const double verifyMs = msSince(t);
    if (!v.ok)
        throw std::runtime_error("the backup does not verify: " + v.summary());
    r.report({"dr", "verify", verifyMs / 1000, "s", "single", rows,
              std::to_string(v.tablesChecked) + " tables, " + std::to_string(v.filesChecked) +
                  " files"});
    r.report({"dr", "verify_rate", mbPerS(bytes, verifyMs), "MB/s", "single", bytes, ""});

    t = std::chrono::steady_clock::now();
    const auto proof = dr::testRestore(entry, dest, {});
    const double proofMs = msSince(t);
    if (!proof.proof.ok)
        throw std::runtime_error("the test-restore failed: " + proof.proof.detail);
    r.report({"dr", "test_restore", proofMs / 1000, "s", "single", rows,
              "verify, restore into a scratch folder, compare everything"});

    // A whole restore over the live state after a loss of phase-3 rows: verify, the safety
    // backup, staging, the commit and the check of the result.
    {
        auto live = store::Database::open(db);
        live.exec("DELETE FROM player_game_summary");
    }
    dr::RestoreOptions ro;
    ro.database = db;
    ro.dest = dest;
    ro.id = m.id;
    t = std::chrono::steady_clock::now();
    const auto res = dr::restoreBackup(ro, {});
    const double restoreMs = msSince(t);
    if (!res.ok)
        throw std::runtime_error("the restore does not match the backup: " + res.summary());
    char parts[200];
    std::snprintf(parts, sizeof parts,
                  "verify %.1f s, safety backup + stage %.1f s, commit %.1f s, check %.1f s",
                  res.verifySeconds,
                  res.seconds - res.verifySeconds - res.commitSeconds - res.checkSeconds,
                  res.commitSeconds, res.checkSeconds);
    r.report({"dr", "restore", restoreMs / 1000, "s", "single", rows, parts});
    r.report({"dr", "restore_rate", mbPerS(bytes, restoreMs), "MB/s", "single", bytes, ""});
    fs::remove_all(base);
}

} // namespace nbaops::bench
