#include "retention.h"

#include "records.h"
#include "store/audit.h"
#include "store/database.h"
#include "util/date.h"

#include <ctime>
#include <map>
#include <set>

namespace nbaops::dr {

namespace fs = std::filesystem;

namespace {

// The day and ISO week of a backup, from its creation time (UTC).
struct When
{
    std::string day;
    std::string week;
    std::chrono::system_clock::time_point at;
};

std::optional<When> whenOf(const BackupEntry& e)
{
    if (!e.manifest)
        return std::nullopt;
    const auto t = parseIsoUtc(e.manifest->createdAt);
    if (!t)
        return std::nullopt;
    const std::time_t tt = std::chrono::system_clock::to_time_t(*t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char day[16], week[16];
    std::strftime(day, sizeof day, "%Y-%m-%d", &tm);
    std::strftime(week, sizeof week, "%G-W%V", &tm);
    return When{day, week, *t};
}

bool good(const BackupEntry& e)
{
    if (e.incomplete || !e.manifest || !e.problem.empty())
        return false;
    return e.provenOk.value_or(true) && e.verifyOk.value_or(true);
}

} // namespace

std::vector<PruneDecision> planRetention(const std::vector<BackupEntry>& entries,
                                         const RetentionPolicy& policy,
                                         std::chrono::system_clock::time_point now)
{
    std::vector<PruneDecision> out;
    std::set<std::string> days, weeks;
    bool newestGoodKept = false;
    // entries are newest first
    for (const auto& e : entries) {
        PruneDecision d{e.id, e.folder, true, ""};
        const auto w = whenOf(e);
        if (e.incomplete) {
            const auto age = std::chrono::duration_cast<std::chrono::minutes>(
                now - fs::file_time_type::clock::to_sys(fs::last_write_time(e.folder)));
            d.keep = age < std::chrono::minutes(60);
            d.reason = d.keep ? "interrupted less than an hour ago (may still be running)"
                              : "interrupted backup";
        } else if (!e.manifest || !w) {
            d.reason = "unreadable manifest: kept for inspection (" + e.problem + ")";
        } else if (e.manifest->kind == "pre-restore" || !e.manifest->whole()) {
            d.keep = now - w->at < std::chrono::hours(24 * policy.safetyDays);
            d.reason = d.keep ? "a " + e.manifest->kind + " backup younger than " +
                                    std::to_string(policy.safetyDays) + " days"
                              : "a " + e.manifest->kind + " backup older than " +
                                    std::to_string(policy.safetyDays) + " days";
        } else {
            // As restic's --keep-daily/--keep-weekly: each rule keeps the newest backup of each of
            // its last N buckets; a backup stays when any rule (or being the newest good one) keeps
            // it.
            std::vector<std::string> why;
            if (!newestGoodKept && good(e)) {
                newestGoodKept = true;
                why.push_back("the newest good backup");
            }
            if (!days.count(w->day) && int(days.size()) < policy.daily) {
                days.insert(w->day);
                why.push_back("daily (" + w->day + ")");
            }
            if (!weeks.count(w->week) && int(weeks.size()) < policy.weekly) {
                weeks.insert(w->week);
                why.push_back("weekly (" + w->week + ")");
            }
            d.keep = !why.empty();
            for (const auto& x : why)
                d.reason += (d.reason.empty() ? "" : ", ") + x;
            if (!d.keep)
                d.reason = days.count(w->day) ? "not the newest of its day"
                                              : "older than the policy keeps";
        }
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<PruneDecision> prune(const fs::path& dir, const RetentionPolicy& policy, bool dryRun,
                                 store::Database* db)
{
    auto plan = planRetention(listBackups(dir), policy, std::chrono::system_clock::now());
    if (dryRun)
        return plan;
    for (const auto& d : plan) {
        if (d.keep)
            continue;
        std::error_code ec;
        fs::remove_all(d.folder, ec);
        if (db) {
            recordPruned(*db, d.id);
            store::writeAudit(*db,
                              {"", "backup.prune", "deleted backup " + d.id + " (" + d.reason + ")",
                               "", ec ? ec.message() : "ok"});
        }
    }
    return plan;
}

} // namespace nbaops::dr
