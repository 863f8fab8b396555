#include "health.h"

#include "registry/registry.h"
#include "store/database.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace nbaops::health {

std::vector<FailureItem> realFailures(store::Database& db, const registry::Registry& reg, Date from, Date date)
{
    std::vector<FailureItem> out;
    auto st = db.prepare(
        "SELECT r.processor, r.phase, r.game_date, r.failure_category, COALESCE(r.error, ''),"
        " COALESCE(r.finished_at, ''), r.run_id, r.attempt,"
        " EXISTS (SELECT 1 FROM processor_latest l JOIN processor_runs x ON x.id = l.run_pk"
        "   WHERE l.game_date = r.game_date AND l.processor = r.processor AND x.id > r.id"
        "   AND x.failure_category IN ('success', 'no_data_available'))"
        " FROM processor_runs r WHERE r.game_date BETWEEN ? AND ?"
        " AND r.failure_category IN ('dependency_missing', 'validation_failed', 'timeout', 'error')"
        " ORDER BY r.game_date DESC, r.id DESC LIMIT 500");
    st.bindAll(from.iso(), date.iso());
    // One item per processor and date (and resolved or not): retries and reruns that failed
    // again are counted on the newest, not listed again.
    std::map<std::tuple<std::string, std::string, bool>, size_t> seen;
    while (st.step()) {
        FailureItem f;
        f.processor = st.getText(0);
        f.phase = int(st.getInt(1));
        f.gameDate = st.getText(2);
        f.category = st.getText(3);
        f.error = st.getText(4);
        f.finishedAt = st.getText(5);
        f.runId = st.getText(6);
        f.attempt = int(st.getInt(7));
        f.resolved = st.getInt(8) != 0;
        if (const auto* spec = reg.find(f.processor))
            f.criticality = std::string(registry::toString(spec->criticality));
        const auto [it, fresh] = seen.emplace(std::tuple{f.processor, f.gameDate, f.resolved}, out.size());
        if (!fresh) {
            ++out[it->second].failedRuns;
            continue;
        }
        out.push_back(std::move(f));
    }
    // A dependency_missing run whose upstream also failed that date is a consequence, not
    // a cause: it is kept, marked, and counted against its root cause.
    for (auto& f : out) {
        if (f.category != "dependency_missing" || !reg.find(f.processor))
            continue;
        const auto up = reg.upstream(f.processor);
        for (auto& other : out) {
            if (&other == &f || other.gameDate != f.gameDate || other.resolved != f.resolved)
                continue;
            if (std::find(up.begin(), up.end(), other.processor) != up.end()) {
                f.rootCause = false;
                break;
            }
        }
    }
    const auto contains = [](const std::vector<std::string>& v, const std::string& x) {
        return std::find(v.begin(), v.end(), x) != v.end();
    };
    for (auto& root : out) {
        if (!root.rootCause || !reg.find(root.processor))
            continue;
        const auto down = reg.downstream(root.processor);
        const auto alone = reg.blockedBy({root.processor});
        for (const auto& f : out) {
            if (f.rootCause || f.gameDate != root.gameDate || f.resolved != root.resolved ||
                !contains(down, f.processor))
                continue;
            ++root.blocked;
            if (contains(alone, f.processor))
                continue;
            // Blocked only because another root cause of the date failed too.
            for (const auto& other : out) {
                if (&other != &root && other.rootCause && other.gameDate == root.gameDate &&
                    other.resolved == root.resolved && reg.find(other.processor) &&
                    contains(reg.downstream(other.processor), f.processor) && !contains(root.jointWith, other.processor))
                    root.jointWith.push_back(other.processor);
            }
        }
    }
    // Unresolved first; within a date the root cause before the failures it caused, then
    // by phase and criticality (a primary source before its fallback, whichever ran first).
    const auto rank = [&reg](const FailureItem& f) {
        const auto* spec = reg.find(f.processor);
        return spec ? int(spec->criticality) : 4;
    };
    std::stable_sort(out.begin(), out.end(),
                     [&rank](const FailureItem& a, const FailureItem& b) {
                         if (a.resolved != b.resolved)
                             return !a.resolved;
                         if (a.gameDate != b.gameDate)
                             return a.gameDate > b.gameDate;
                         const bool ad = !a.rootCause, bd = !b.rootCause;
                         if (ad != bd)
                             return !ad;
                         if (a.phase != b.phase)
                             return a.phase < b.phase;
                         return rank(a) < rank(b);
                     });
    return out;
}

} // namespace nbaops::health
