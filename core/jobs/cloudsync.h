#pragma once

#include "cloud/settings.h"
#include "job.h"
#include "util/date.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace nbaops::store {
class Database;
}
namespace nbaops::cloud {
class BigQuery;
struct Query;
}

namespace nbaops::jobs {

// The local cache of a cloud project: the same schema as a local database, so every page and
// command reads it as it reads a local one. <data dir>/cloud/<project>.db
std::filesystem::path cloudCachePath(const std::string& project);

struct CloudSyncOptions
{
    TimePoint now;
    int firstDays = 30;                 // how far back an empty cache starts
    std::chrono::minutes lookback{120}; // re-read behind the mark: runs written late
    int64_t pageRows = 10000;
    bool capChecked = false; // the operator started it: dry-run first, refused above the cap
};

struct CloudSyncEvent
{
    int64_t rows = 0; // read so far
    int pages = 0;
    std::string highWater;
};

struct CloudSyncResult
{
    int64_t fetched = 0;  // rows read from BigQuery
    int64_t inserted = 0; // new runs in the cache
    int64_t updated = 0;  // runs that were running and have finished
    int pages = 0;
    int64_t bytes = 0; // scanned, as BigQuery billed it
    double seconds = 0;
    std::string highWater; // started_at of the newest run synced
    bool cancelled = false;
};

// The state of a cache's sync, for the status bar, `nbaops cloud status` and the freshness.
struct CloudSyncState
{
    std::string project;
    std::string highWater;
    std::string lastSuccessAt;
    std::string lastAttemptAt;
    std::string lastError;
    int64_t rowsTotal = 0;
    std::optional<double> ageSeconds; // since the last success
};
CloudSyncState cloudSyncState(store::Database& cache, TimePoint now);

// The query a sync of this cache runs now (for its dry run).
cloud::Query cloudSyncQuery(store::Database& cache, const cloud::BigQuery& bigquery, const CloudSyncOptions& options);

// Brings the cache's run history up to BigQuery's: the runs started after the high-water mark
// (less the lookback), page by page in (started_at, run_id) order. Each page is written with
// the new mark in one transaction, and a run already in the cache is left as it is (or
// completed if it was running), so a sync stopped anywhere and started again leaves no
// duplicate and no gap. The query filters on started_at, the table's partitioning column.
// Throws (BigQueryError, OpsError) after recording the failure in cloud_sync.
CloudSyncResult syncCloud(store::Database& cache, cloud::BigQuery& bigquery,
                          const CloudSyncOptions& options, const Control<CloudSyncEvent>& control);

} // namespace nbaops::jobs
