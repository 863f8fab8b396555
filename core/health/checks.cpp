#include "checks.h"
#include "util/text.h"

#include "facts.h"
#include "registry/registry.h"
#include "store/database.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace nbaops::health {

namespace {

std::string gib(uintmax_t bytes)
{
    char buf[32];
    if (bytes >= (uintmax_t(1) << 30))
        std::snprintf(buf, sizeof buf, "%.1f GiB", double(bytes) / double(uintmax_t(1) << 30));
    else
        std::snprintf(buf, sizeof buf, "%.1f MiB", double(bytes) / double(uintmax_t(1) << 20));
    return buf;
}

// Freshness: analytics tables behind the schedule's final games.
Check freshnessCheck(store::Database& db, TimePoint now)
{
    Check c{"freshness", "ok", "", {}};
    int behind = 0;
    for (const auto& t : facts::staleTables(db, easternDateOf(now))) {
        if (t.lag > 0) {
            ++behind;
            c.items.push_back(t.table + ": " + std::to_string(t.lag) +
                              " game date(s) behind (latest " + t.latest + ")");
        }
    }
    c.state = behind ? "warning" : "ok";
    c.summary = behind ? std::to_string(behind) + " analytics table(s) behind the schedule"
                       : "every analytics table is up to the latest final games";
    return c;
}

// Completeness: scheduled final games against the games with box scores, per date.
Check completenessCheck(store::Database& db, Date from, Date date)
{
    Check c{"completeness", "ok", "", {}};
    int64_t scheduled = 0, collected = 0;
    for (const auto& d : facts::completeness(db, from, date)) {
        scheduled += d.scheduled;
        collected += d.collected;
        if (d.collected < d.scheduled)
            c.items.push_back(d.date + ": " + std::to_string(d.collected) + " of " +
                              std::to_string(d.scheduled) + " final games have box scores");
    }
    if (scheduled == 0) {
        c.summary = "no final games in the window";
        return c;
    }
    const double rate = double(collected) / double(scheduled);
    c.state = rate >= 0.995 ? "ok" : "failed"; // DOMAIN: phase 3 >= 99.5% daily completeness
    c.summary = percentText(rate) + " of " + std::to_string(scheduled) +
                " final games have box scores (SLA 99.5%)";
    return c;
}

// Error rate by category over the window's runs (expected no-data runs not counted).
Check errorRateCheck(store::Database& db, Date from, Date date)
{
    Check c{"error_rate", "ok", "", {}};
    auto st = db.prepare(
        "SELECT failure_category, sum(runs) FROM run_daily_summary WHERE game_date BETWEEN ? AND ?"
        " GROUP BY failure_category");
    st.bindAll(from.iso(), date.iso());
    std::map<std::string, int64_t> n;
    int64_t counted = 0, failed = 0;
    while (st.step()) {
        n[st.getText(0)] = st.getInt(1);
        if (st.getText(0) != "no_data_available")
            counted += st.getInt(1);
        if (isRealFailureCategory(st.getText(0)))
            failed += st.getInt(1);
    }
    for (const auto& [cat, k] : n) {
        if (isRealFailureCategory(cat) && k > 0)
            c.items.push_back(cat + ": " + std::to_string(k) + " run(s), " +
                              percentText(double(k) / std::max<int64_t>(counted, 1)));
    }
    const double rate = counted ? double(failed) / double(counted) : 0;
    c.state = rate > 0.10 ? "warning" : "ok";
    c.summary = percentText(rate) + " of " + std::to_string(counted) + " runs failed for real (" +
                std::to_string(n["no_data_available"]) + " expected no-data runs not counted)";
    return c;
}

// A check that lists items: `bad` (failed or warning) when there are any, with its summaries.
Check listCheck(const char* name, std::vector<std::string> items, const char* bad,
                const std::string& fine, const std::string& what)
{
    Check c{name, "ok", "", std::move(items)};
    c.state = c.items.empty() ? "ok" : bad;
    c.summary = c.items.empty() ? fine : std::to_string(c.items.size()) + " " + what;
    return c;
}

// Stuck runs: no heartbeat for 30 minutes (the runner beats every 15).
Check stuckRunsCheck(store::Database& db, TimePoint now)
{
    std::vector<std::string> items;
    for (const auto& r : facts::stuckRuns(db, now, 30))
        items.push_back(r.processor + " " + r.gameDate + ": no heartbeat for " +
                        std::to_string(int(r.minutes)) + " min");
    return listCheck("stuck_runs", std::move(items), "failed", "no run without a heartbeat",
                     "run(s) stuck");
}

// Zero-record runs where the registry expects rows (silent failures).
Check zeroRecordsCheck(store::Database& db, const registry::Registry& registry)
{
    std::vector<std::string> items;
    for (const auto& z : facts::zeroRecordRuns(db, registry))
        items.push_back(z.processor + " " + z.gameDate + ": 0 records, at least " +
                        std::to_string(z.expected) + " expected");
    return listCheck("zero_records", std::move(items), "warning",
                     "every success wrote the records its registry entry expects",
                     "success(es) with no records");
}

Check breakersCheck(store::Database& db)
{
    std::vector<std::string> items;
    for (const auto& b : facts::openBreakers(db))
        items.push_back(b.source + ": open since " + b.openedAt + " after " +
                        std::to_string(b.failures) + " failures");
    return listCheck("circuit_breakers", std::move(items), "warning",
                     "every source's breaker is closed", "breaker(s) open");
}

// The disk that holds the database: how full, and what the data folder (or the database
// alone, unless asked to walk the folder) takes.
Check storageCheck(store::Database& db, bool walkStorage)
{
    const auto dir =
        db.path().has_parent_path() ? db.path().parent_path() : std::filesystem::path(".");
    auto s = facts::storage(dir, walkStorage);
    Check c{"storage", "ok", "", {}};
    if (!s.error.empty()) {
        c.state = "unknown";
        c.summary = s.error;
        return c;
    }
    if (!walkStorage) {
        std::error_code ec;
        s.dataBytes = 0;
        for (const char* suffix : {"", "-wal"}) {
            const auto f = std::filesystem::path(db.path().string() + suffix);
            if (std::filesystem::exists(f, ec))
                s.dataBytes += std::filesystem::file_size(f, ec);
        }
    }
    c.state = s.usedFraction > 0.95 ? "failed" : s.usedFraction > 0.80 ? "warning" : "ok";
    c.summary = "the disk of " + dir.string() + " is " + percentText(s.usedFraction) + " full (" +
                gib(s.available) + " free); " +
                (walkStorage ? "the data folder takes " : "the database takes ") + gib(s.dataBytes) +
                (s.countedMinutesAgo > 0 ? " (counted " + std::to_string(s.countedMinutesAgo) + " min ago)" : "");
    return c;
}

// The champion against the baseline on the last 7 days' graded predictions.
Check modelCheck(store::Database& db)
{
    Check c{"model", "ok", "", {}};
    const auto m = facts::modelLive(db, 7);
    if (!m) {
        c.state = "unknown";
        c.summary = "no champion model yet (nbaops train, then nbaops model promote)";
    } else if (m->rows == 0) {
        c.state = "unknown";
        c.summary = "champion " + m->version + " has no graded predictions in the last 7 days";
    } else {
        const double ratio = m->mae / m->baselineMae;
        char buf[200];
        std::snprintf(buf, sizeof buf,
                      "champion %s: live MAE %.3f vs baseline %.3f (%.2fx) over %lld player-games",
                      m->version.c_str(), m->mae, m->baselineMae, ratio,
                      static_cast<long long>(m->rows));
        c.summary = buf;
        c.state = ratio > 1.10 ? "warning" : "ok";
    }
    return c;
}

// The newest backup proven restorable by a test-restore, against the RPO target of a database
// loss (24 h: one scheduled backup a day).
Check backupCheck(store::Database& db, TimePoint now)
{
    Check c{"backups", "ok", "", {}};
    const auto b = facts::backups(db);
    const auto proven = parseIsoUtc(b.provenAt);
    if (b.count == 0) {
        c.state = "unknown";
        c.summary = "no backup yet: nbaops backup create, then nbaops backup test-restore (or "
                    "nbaops schedule install)";
    } else if (!b.failedId.empty()) {
        c.state = "failed";
        c.summary = "the newest backup " + b.failedId +
                    " did not restore cleanly in its test-restore: " + b.failedDetail;
    } else if (!proven) {
        c.state = "warning";
        c.summary = std::to_string(b.count) +
                    " backup(s), none proven restorable yet: nbaops backup test-restore";
    } else {
        const double hours = std::chrono::duration<double>(now - *proven).count() / 3600.0;
        char buf[240];
        std::snprintf(buf, sizeof buf,
                      "newest backup proven restorable: %s, %.0f h old (restored in %.1f s)",
                      b.provenId.c_str(), std::max(0.0, hours), b.provenSeconds);
        c.summary = buf;
        c.state = hours > 26 ? "warning" : "ok";
        if (hours > 26)
            c.summary +=
                "; older than the 24 h RPO: nbaops backup create && nbaops backup test-restore";
    }
    return c;
}

} // namespace

std::vector<Check> runChecks(store::Database& db, const registry::Registry& registry, Date date,
                             int windowDays, TimePoint now, bool walkStorage, bool runHistoryOnly)
{
    const Date from = date.addDays(1 - std::max(windowDays, 1));
    if (runHistoryOnly) {
        const auto notHere = [](const char* name, const char* what) {
            return Check{name, "unknown", std::string("not in the cloud cache, which holds the run history: ") + what,
                         {}};
        };
        return {notHere("freshness", "the analytics tables are in BigQuery"),
                notHere("completeness", "the schedule and the box scores are in BigQuery"),
                errorRateCheck(db, from, date),
                stuckRunsCheck(db, now),
                zeroRecordsCheck(db, registry),
                notHere("circuit_breakers", "the sources' breakers are the services' own"),
                storageCheck(db, walkStorage),
                notHere("model", "the champion model and its graded predictions are in BigQuery"),
                notHere("backups", "the warehouse's backups are BigQuery's (time travel, snapshots)")};
    }
    return {freshnessCheck(db, now),
            completenessCheck(db, from, date),
            errorRateCheck(db, from, date),
            stuckRunsCheck(db, now),
            zeroRecordsCheck(db, registry),
            breakersCheck(db),
            storageCheck(db, walkStorage),
            modelCheck(db),
            backupCheck(db, now)};
}

std::vector<Gap> findGaps(store::Database& db, const registry::Registry& registry,
                          const std::set<std::string>& implemented, Date from, Date until)
{
    std::vector<Gap> out;
    std::vector<std::string> dates;
    {
        auto st = db.prepare("SELECT DISTINCT game_date FROM game_schedule WHERE game_status = 3 "
                             "AND game_date BETWEEN ? AND ?"
                             " ORDER BY game_date");
        st.bindAll(from.iso(), until.iso());
        while (st.step())
            dates.push_back(st.getText(0));
    }
    auto latest = db.prepare(
        "SELECT l.processor, r.failure_category FROM processor_latest l JOIN processor_runs r"
        " ON r.id = l.run_pk WHERE l.game_date = ?");
    for (const auto& date : dates) {
        std::map<std::string, std::string> status; // processor -> category of its latest run
        latest.reset();
        latest.bindAll(date);
        while (latest.step())
            status[latest.getText(0)] = latest.getText(1);
        latest.reset();
        std::map<std::string, std::string> gaps; // processor -> why
        for (const auto& p : registry.processors()) {
            if (!implemented.count(p.name) || p.phase > 5)
                continue;
            const auto it = status.find(p.name);
            if (it == status.end())
                gaps[p.name] = "not run";
            else if (it->second != "success" && it->second != "no_data_available")
                gaps[p.name] = it->second;
        }
        // What the date's gaps block together (a source and its fallback both missing block
        // what either alone would not); each root gap is shown with its share of that.
        // Only the root gaps: a gap with a gap upstream is part of that cascade (and, counted
        // as a cause itself, would hide from the cascade what it blocks).
        std::vector<std::string> roots;
        for (const auto& [name, why] : gaps) {
            const auto up = registry.upstream(name);
            if (std::none_of(up.begin(), up.end(),
                             [&](const std::string& u) { return gaps.count(u) > 0; }))
                roots.push_back(name);
        }
        const auto blockedTogether = registry.blockedBy(roots);
        for (const auto& name : roots) {
            const std::string& why = gaps.at(name);
            Gap g;
            g.processor = name;
            g.phase = registry.get(name).phase;
            g.date = date;
            g.status = why;
            const auto down = registry.downstream(name);
            for (const auto& b : blockedTogether) {
                if (!implemented.count(b) || std::find(down.begin(), down.end(), b) == down.end())
                    continue;
                const auto& spec = registry.get(b);
                g.blocked.push_back(b);
                if (spec.phase >= 3 && !spec.output.empty())
                    g.stale.push_back(spec.output + " " + date +
                                      (spec.phase == 4 || spec.phase == 5 ? " and later" : ""));
            }
            out.push_back(std::move(g));
        }
    }
    return out;
}

std::vector<Workflow> workflows(store::Database& db, Date from, Date until, int limit)
{
    std::vector<Workflow> out;
    auto st = db.prepare(
        "SELECT run_id, min(started_at), max(coalesce(finished_at, started_at)), min(game_date), "
        "max(game_date), count(*),"
        " sum(failure_category IN ('dependency_missing', 'validation_failed', 'timeout', 'error')),"
        " count(DISTINCT processor), count(DISTINCT game_date) FROM processor_runs"
        " WHERE game_date BETWEEN ? AND ? GROUP BY run_id ORDER BY min(started_at) DESC LIMIT ?");
    st.bindAll(from.iso(), until.iso(), int64_t(limit));
    while (st.step())
        out.push_back({st.getText(0), st.getText(1), st.getText(2), st.getText(3), st.getText(4),
                       int(st.getInt(5)), int(st.getInt(6)), int(st.getInt(7)), int(st.getInt(8))});
    return out;
}

} // namespace nbaops::health
