#include "facts.h"

#include "registry/registry.h"
#include "store/database.h"

#include <map>
#include <mutex>

namespace nbaops::health::facts {

namespace {

// The last count of each data folder, shared by the checks of every thread.
struct FolderCount
{
    std::chrono::steady_clock::time_point at;
    uintmax_t bytes = 0;
};
std::mutex g_countsMutex;
std::map<std::string, FolderCount> g_counts;

} // namespace

std::vector<StuckRun> stuckRuns(store::Database& db, TimePoint now, double minutes)
{
    std::vector<StuckRun> out;
    auto st = db.prepare(
        "SELECT processor, game_date, coalesce(heartbeat_at, started_at) FROM processor_runs"
        " WHERE status = 'running'");
    while (st.step()) {
        const auto beat = parseIsoUtc(st.getText(2));
        if (!beat)
            continue;
        const double age = std::chrono::duration<double>(now - *beat).count() / 60.0;
        if (age > minutes)
            out.push_back({st.getText(0), st.getText(1), age});
    }
    return out;
}

std::vector<ZeroRun> zeroRecordRuns(store::Database& db, const registry::Registry& registry)
{
    std::vector<ZeroRun> out;
    auto st = db.prepare("SELECT r.processor, r.game_date FROM processor_latest l JOIN "
                         "processor_runs r ON r.id = l.run_pk"
                         " WHERE l.game_date = (SELECT max(game_date) FROM processor_latest) AND "
                         "r.failure_category = 'success'"
                         " AND coalesce(r.records_out, 0) = 0 AND r.skipped = 0");
    while (st.step()) {
        const auto* spec = registry.find(st.getText(0));
        if (spec && spec->minRecords > 0)
            out.push_back({st.getText(0), st.getText(1), spec->minRecords});
    }
    return out;
}

std::vector<Breaker> openBreakers(store::Database& db)
{
    std::vector<Breaker> out;
    auto st = db.prepare("SELECT source, failures, coalesce(opened_at, '') FROM circuit_breakers "
                         "WHERE state = 'OPEN'");
    while (st.step())
        out.push_back({st.getText(0), st.getInt(1), st.getText(2)});
    return out;
}

Storage storage(const std::filesystem::path& dir, bool walk)
{
    Storage s;
    s.dir = dir;
    std::error_code ec;
    const auto space = std::filesystem::space(dir, ec);
    if (ec || space.capacity == 0) {
        s.error = "the free space of " + dir.string() + " could not be read (" + ec.message() + ")";
        return s;
    }
    s.capacity = space.capacity;
    s.available = space.available;
    s.usedFraction = 1.0 - double(space.available) / double(space.capacity);
    if (!walk)
        return s;
    const auto at = std::chrono::steady_clock::now();
    const std::string key = std::filesystem::absolute(dir, ec).lexically_normal().string();
    {
        const std::lock_guard lock(g_countsMutex);
        const auto it = g_counts.find(key);
        if (it != g_counts.end() && at - it->second.at < kFolderCountMaxAge) {
            s.dataBytes = it->second.bytes;
            s.countedMinutesAgo = int(std::chrono::duration_cast<std::chrono::minutes>(at - it->second.at).count());
            return s;
        }
    }
    // What nbaops keeps there: the database files and its folders (bounded: a million entries).
    size_t seen = 0;
    for (auto it = std::filesystem::recursive_directory_iterator(
             dir, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator() && seen < 1000000;
         it.increment(ec), ++seen) {
        std::error_code e2;
        if (it->is_regular_file(e2))
            s.dataBytes += it->file_size(e2);
    }
    const std::lock_guard lock(g_countsMutex);
    g_counts[key] = {at, s.dataBytes};
    return s;
}

std::optional<ModelLive> modelLive(store::Database& db, int days)
{
    auto ch = db.prepare("SELECT version FROM model_aliases WHERE alias = 'champion'");
    if (!ch.step())
        return std::nullopt;
    ModelLive m;
    m.version = ch.getText(0);
    auto live = db.prepare("SELECT count(*), avg(c.abs_error), avg(b.abs_error) FROM "
                           "prediction_grades c JOIN prediction_grades b"
                           " ON b.game_date = c.game_date AND b.player_id = c.player_id AND "
                           "b.model_version = 'baseline-blend-v1'" // model::kBaselineVersion
                           " WHERE c.model_version = ? AND c.played = 1 AND c.game_date > "
                           "date((SELECT max(game_date) FROM"
                           " prediction_grades), ?)");
    live.bindAll(m.version, "-" + std::to_string(days) + " days");
    live.step();
    m.rows = live.getInt(0);
    if (m.rows == 0 || live.isNull(2))
        return m;
    m.mae = live.getDouble(1);
    m.baselineMae = live.getDouble(2);
    return m;
}

std::vector<DateCompleteness> completeness(store::Database& db, Date from, Date until)
{
    std::vector<DateCompleteness> out;
    auto st = db.prepare(
        "SELECT s.game_date, count(DISTINCT s.game_id), count(DISTINCT p.game_id) FROM "
        "game_schedule s"
        " LEFT JOIN player_game_summary p ON p.game_id = s.game_id WHERE s.game_status = 3"
        " AND s.game_date BETWEEN ? AND ? GROUP BY s.game_date ORDER BY s.game_date");
    st.bindAll(from.iso(), until.iso());
    while (st.step())
        out.push_back({st.getText(0), st.getInt(1), st.getInt(2)});
    return out;
}

std::vector<StaleTable> staleTables(store::Database& db, Date today)
{
    std::vector<StaleTable> out;
    auto st = db.prepare(
        "SELECT f.table_name, f.latest_game_date, (SELECT count(DISTINCT s.game_date) FROM "
        "game_schedule s"
        " WHERE s.game_status = 3 AND s.game_date > f.latest_game_date AND s.game_date < ?) FROM "
        "table_freshness f"
        " WHERE f.latest_game_date IS NOT NULL AND f.table_name IN ('player_game_summary',"
        " 'team_offense_game_summary', 'team_defense_game_summary', 'player_composite_factors', "
        "'ml_feature_store')");
    st.bindAll(today.iso());
    while (st.step())
        out.push_back({st.getText(0), st.getText(1), int(st.getInt(2))});
    return out;
}

Backups backups(store::Database& db)
{
    Backups b;
    auto all = db.prepare("SELECT count(*), max(created_at) FROM backups WHERE pruned_at IS NULL");
    if (all.step()) {
        b.count = all.getInt(0);
        b.newestAt = all.getOptText(1).value_or("");
    }
    auto proven = db.prepare("SELECT id, created_at, proven_seconds FROM backups WHERE pruned_at "
                             "IS NULL AND proven_ok = 1 "
                             "ORDER BY created_at DESC LIMIT 1");
    if (proven.step()) {
        b.provenId = proven.getText(0);
        b.provenAt = proven.getText(1);
        b.provenSeconds = proven.getOptDouble(2).value_or(0);
    }
    auto newest = db.prepare(
        "SELECT id, proven_ok, COALESCE(proven_detail, '') FROM backups WHERE pruned_at IS NULL "
        "AND kind IN ('manual', 'scheduled') ORDER BY created_at DESC LIMIT 1");
    if (newest.step()) {
        b.newestId = newest.getText(0);
        if (!newest.isNull(1) && newest.getInt(1) == 0) {
            b.failedId = b.newestId;
            b.failedDetail = newest.getText(2);
        }
    }
    return b;
}

} // namespace nbaops::health::facts
