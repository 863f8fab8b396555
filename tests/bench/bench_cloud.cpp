// Cloud mode's figures: the sync of 30 days of cloud run history (270,000 runs by default, the
// registry's processors, 9,000 a day) from the simulated Google Cloud on loopback into an empty
// cache, page by page, then the incremental sync that finds nothing new; seconds and rows/s,
// beside reading the same rows from BigQuery alone (no cache writes) in the same process.
#include "bench.h"

#include "cloud/auth.h"
#include "cloud/bigquery.h"
#include "jobs/cloudsync.h"
#include "sim/cloud.h"
#include "store/database.h"
#include "util/files.h"

#include <unistd.h>

namespace nbaops::bench {

BenchCloud startBenchCloud(const std::filesystem::path& base, long long runs)
{
    namespace fs = std::filesystem;
    std::vector<std::pair<std::string, int>> processors;
    for (const auto& p : registry::Registry::builtin().processors())
        processors.emplace_back(p.name, p.phase);
    BenchCloud c;
    c.sim = std::make_unique<sim::SimCloud>("nba-props-bench", processors);
    c.sim->start();
    const auto key = sim::makeServiceAccountKey(c.sim->tokenUrl());
    c.sim->trustKey(key.email, key.publicPem);
    c.keyPath = base / "sa.json";
    writeFileAtomically(c.keyPath, key.json);
    fs::permissions(c.keyPath, fs::perms::owner_read | fs::perms::owner_write);
    const int days = 30;
    const int perDay = int(std::max<long long>(1, runs / days));
    const Date last = Date::ymd(2025, 1, 31);
    c.sim->generateHistory(last.addDays(-(days - 1)), last, perDay);
    c.total = (long long)perDay * days;
    c.settings.project = "nba-props-bench";
    c.settings.bigqueryUrl = c.sim->bigqueryUrl();
    c.settings.maxBytesPerQuery = int64_t(1) << 40;
    c.sync.now = easternTime(last.addDays(2), 9, 0);
    c.sync.firstDays = days + 3;
    return c;
}

void runCloudBench(Reporter& r, long long runs)
{
    namespace fs = std::filesystem;
    const auto base =
        fs::temp_directory_path() / ("nbaops-bench-cloud-" + std::to_string(::getpid()));
    fs::remove_all(base);
    fs::create_directories(base);
    auto c = startBenchCloud(base, runs);
    auto& sim = *c.sim;
    const long long total = c.total;
    const auto& o = c.sync;
    SystemClock clock;
    cloud::ServiceAccountTokens tokens(c.keyPath, clock);
    cloud::BigQuery bq(c.settings, tokens);
    tokens.accessToken();

    // Baseline: the same query read and decoded, nothing written.
    {
        auto scratch = store::Database::open(base / "scratch.db");
        const auto q = jobs::cloudSyncQuery(scratch, bq, o);
        long long rows = 0;
        const auto t0 = std::chrono::steady_clock::now();
        bq.query(q, [&](const cloud::Rows& page) {
            rows += (long long)page.size();
            return true;
        });
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        r.report({"cloud", "read_only_s", s, "s", "once", rows,
                  "BigQuery pages read and decoded, no cache"});
    }
    auto db = store::Database::open(base / "cache.db");
    const auto first = jobs::syncCloud(db, bq, o, {});
    r.report({"cloud", "first_sync_s", first.seconds, "s", "once", first.fetched,
              std::to_string(first.pages) + " pages, " + cloud::bytesText(first.bytes) +
                  " scanned into an empty cache"});
    r.report({"cloud", "first_sync_rows_per_s",
              double(first.fetched) / std::max(first.seconds, 1e-9), "rows/s", "once", total, ""});
    const auto again = jobs::syncCloud(db, bq, o, {});
    r.report({"cloud", "incremental_sync_ms", again.seconds * 1000.0, "ms", "once", again.fetched,
              "nothing new: the lookback's rows re-read, " + std::to_string(again.inserted) +
                  " inserted"});
    std::error_code ec;
    uintmax_t bytes = 0;
    for (const char* file : {"cache.db", "cache.db-wal"}) {
        const auto size = fs::file_size(base / file, ec);
        bytes += ec ? 0 : size;
    }
    r.report({"cloud", "cache_size_mb", double(bytes) / (1024.0 * 1024.0), "MiB", "once", total,
              "the cache after the sync (with its WAL)"});
    sim.stop();
    fs::remove_all(base, ec);
}

} // namespace nbaops::bench
