#include "sqlprofile.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace nbaops::store {

namespace {

// NBAOPS_SQL_PROFILE=1: time per statement text, summed over the process and printed to
// stderr at exit (the 25 costliest). A diagnostic for performance work; off by default.
struct SqlProfile
{
    std::mutex mutex;
    std::map<std::string, std::pair<long long, long long>> byText; // ns, calls
    ~SqlProfile()
    {
        std::vector<std::pair<std::string, std::pair<long long, long long>>> v(byText.begin(), byText.end());
        std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
        long long total = 0;
        for (const auto& e : v)
            total += e.second.first;
        std::fprintf(stderr, "SQL profile: %.1f ms in %zu statements\n", total / 1e6, v.size());
        for (size_t i = 0; i < v.size() && i < 25; ++i)
            std::fprintf(stderr, "%9.1f ms %8lld x  %.150s\n", v[i].second.first / 1e6, v[i].second.second,
                         v[i].first.c_str());
    }
};

SqlProfile* sqlProfile()
{
    static const bool on = [] {
        const char* v = std::getenv("NBAOPS_SQL_PROFILE");
        return v && *v && *v != '0';
    }();
    if (!on)
        return nullptr;
    static SqlProfile profile;
    return &profile;
}

int traceProfile(unsigned type, void*, void* stmt, void* ns)
{
    if (type != SQLITE_TRACE_PROFILE)
        return 0;
    auto* p = sqlProfile();
    const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
    std::lock_guard lock(p->mutex);
    auto& e = p->byText[sql ? sql : "?"];
    e.first += *static_cast<long long*>(ns);
    ++e.second;
    return 0;
}

} // namespace

void profileIfAsked(sqlite3* db)
{
    if (sqlProfile())
        sqlite3_trace_v2(db, SQLITE_TRACE_PROFILE, traceProfile, nullptr);
}

} // namespace nbaops::store
