#include "onlinecopy.h"

#include "util/errors.h"

#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

namespace nbaops::dr {

namespace {

struct Closer
{
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Handle = std::unique_ptr<sqlite3, Closer>;

Handle openOrThrow(const std::filesystem::path& path, int flags, const std::string& role)
{
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    Handle h(raw);
    if (rc != SQLITE_OK)
        throw OpsError("Cannot open the " + role + " " + path.string() + ": " +
                       (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)) + ".");
    sqlite3_busy_timeout(raw, 10000);
    return h;
}

void execOrThrow(sqlite3* db, const char* sql, const std::string& what)
{
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string why = err ? err : sqlite3_errmsg(db);
        sqlite3_free(err);
        throw OpsError(what + ": " + why + ".");
    }
}

} // namespace

bool onlineCopy(const std::filesystem::path& source, const std::filesystem::path& destination,
                const Control<CopyProgress>& control)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(source, ec))
        throw OpsError("There is no database at " + source.string() + " to copy.");
    const bool created = !std::filesystem::exists(destination, ec);
    auto src = openOrThrow(source, SQLITE_OPEN_READONLY, "database");
    auto dst = openOrThrow(destination, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "copy");
    // One read transaction over the whole copy: every step reads the same snapshot, and a
    // writer in another process (WAL) neither waits for the copy nor restarts it.
    execOrThrow(src.get(), "BEGIN", "Reading " + source.string());
    execOrThrow(src.get(), "SELECT count(*) FROM sqlite_master", "Reading " + source.string());
    sqlite3_backup* b = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
    if (!b)
        throw OpsError("Copying " + source.string() + " failed: " + sqlite3_errmsg(dst.get()) +
                       ".");
    int rc = SQLITE_OK;
    int busyWaits = 0;
    bool cancelled = false;
    while (true) {
        rc = sqlite3_backup_step(b, 2048); // 8 MB of 4 KiB pages between progress reports
        control.report({sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b),
                        sqlite3_backup_pagecount(b)});
        if (rc == SQLITE_DONE)
            break;
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            if (++busyWaits > 600) // 60 s: the destination is held by another process
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        if (rc != SQLITE_OK)
            break;
        if (control.cancelled()) {
            cancelled = true;
            break;
        }
    }
    const int finish = sqlite3_backup_finish(b);
    sqlite3_exec(src.get(), "COMMIT", nullptr, nullptr, nullptr);
    if (cancelled || (rc != SQLITE_DONE)) {
        const std::string why = rc == SQLITE_BUSY || rc == SQLITE_LOCKED
                                    ? "another process holds " + destination.string()
                                    : std::string(sqlite3_errstr(rc == SQLITE_OK ? finish : rc));
        dst.reset();
        if (created) {
            std::filesystem::remove(destination, ec);
            std::filesystem::remove(destination.string() + "-journal", ec);
        }
        if (cancelled)
            return false;
        throw OpsError("Copying the database " + source.string() + " to " + destination.string() +
                       " failed: " + why + ".");
    }
    if (finish != SQLITE_OK)
        throw OpsError("Copying the database " + source.string() +
                       " failed: " + sqlite3_errstr(finish) + ".");
    // A copy is one file: out of WAL mode (the source's mode came with its header).
    if (created)
        execOrThrow(dst.get(), "PRAGMA journal_mode = DELETE",
                    "Finishing the copy " + destination.string());
    return true;
}

} // namespace nbaops::dr
