#pragma once

#include "util/date.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}
namespace nbaops::registry {
class Registry;
}

// Measured facts about the pipeline, shared by the health checks and the alert rules.
namespace nbaops::health::facts {

// Runs still marked running whose heartbeat (else start) is older than `minutes`.
struct StuckRun
{
    std::string processor, gameDate;
    double minutes = 0;
};
std::vector<StuckRun> stuckRuns(store::Database& db, TimePoint now, double minutes);

// Successful runs of the latest game date that wrote nothing where the registry expects rows.
struct ZeroRun
{
    std::string processor, gameDate;
    int64_t expected = 0;
};
std::vector<ZeroRun> zeroRecordRuns(store::Database& db, const registry::Registry& registry);

struct Breaker
{
    std::string source;
    int64_t failures = 0;
    std::string openedAt;
};
std::vector<Breaker> openBreakers(store::Database& db);

// The disk holding the data folder, and what the folder itself takes.
struct Storage
{
    std::filesystem::path dir;
    double usedFraction = 0; // of the file system
    uintmax_t capacity = 0, available = 0;
    uintmax_t dataBytes = 0; // the database, its WAL, raw payloads, models, published documents
    int countedMinutesAgo = 0; // dataBytes is this old (a count is kept for kFolderCountMaxAge)
    std::string error;       // why it could not be read
};
// Adding up a data folder of a few seasons reads tens of thousands of entries: three quarters of
// a full check's time, and more with every date. One count serves every check of the process
// for this long; the free space is read every time.
inline constexpr std::chrono::minutes kFolderCountMaxAge{10};
// `walk`: also add up what the folder holds (dataBytes); otherwise only the disk is read.
Storage storage(const std::filesystem::path& dir, bool walk = true);

// The champion's live MAE beside the baseline's on the same graded player-games, over the
// `days` before the latest graded date.
struct ModelLive
{
    std::string version;
    int64_t rows = 0;
    double mae = 0, baselineMae = 0;
};
std::optional<ModelLive> modelLive(store::Database& db, int days);

// Per game date with final games between `from` and `until`: how many, and how many have box
// scores in player_game_summary (phase 3 completeness), ascending.
struct DateCompleteness
{
    std::string date;
    int64_t scheduled = 0, collected = 0;
};
std::vector<DateCompleteness> completeness(store::Database& db, Date from, Date until);

// Analytics tables behind the schedule: final game dates (before `today`) after their latest.
struct StaleTable
{
    std::string table, latest;
    int lag = 0; // game dates behind
};
std::vector<StaleTable> staleTables(store::Database& db, Date today);

// The backups the database knows of (nbaops backup; the `backups` table) and the newest one
// proven restorable by a test-restore.
struct Backups
{
    int64_t count = 0; // not pruned
    std::string newestId, newestAt;
    std::string provenId, provenAt; // the newest backup whose last test-restore passed
    double provenSeconds = 0;
    std::string failedId, failedDetail; // the newest backup, when its last test-restore failed
};
Backups backups(store::Database& db);

} // namespace nbaops::health::facts
