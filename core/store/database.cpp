// One file over 400 lines on purpose: Database, Statement, Transaction and BulkWrite share the
// connection's statement cache and bulk-write state (Database::Cache), which stays private here.
#include "database.h"

#include "migrations.h"
#include "sqlprofile.h"
#include "util/errors.h"
#include "util/log.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>
#include <utility>
#include <vector>

#include <unistd.h>

namespace nbaops::store {

namespace {

// 32 MB of page cache per connection (BulkWrite raises it while it lasts).
constexpr const char* kCacheSizePragma = "PRAGMA cache_size = -32768";

[[noreturn]] void fail(sqlite3* db, std::string_view what)
{
    std::string msg(what);
    if (db) {
        msg += ": ";
        msg += sqlite3_errmsg(db);
        const int code = sqlite3_extended_errcode(db);
        if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
            msg += ". Another nbaops process holds the database; wait for it or stop it.";
        else if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB)
            msg += ". The file is damaged or not an nbaops database; restore it from a backup "
                   "or point --db at another file.";
        else if ((code & 0xff) == SQLITE_FULL)
            msg += ". The disk is full; free some space and run again.";
        else if ((code & 0xff) == SQLITE_READONLY)
            msg += ". The database is read-only for this user: make the file and its folder writable, or copy "
                   "it somewhere writable and pass --db.";
    }
    throw OpsError(msg);
}

bool canWrite(const std::filesystem::path& p)
{
    return ::access(p.c_str(), W_OK) == 0;
}

std::filesystem::path folderOf(const std::filesystem::path& path)
{
    return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

// file:/absolute/path, with the characters a URI gives a meaning escaped.
std::string fileUri(const std::filesystem::path& path)
{
    std::string uri = "file:";
    for (const char c : std::filesystem::absolute(path).string()) {
        if (c == '%' || c == '?' || c == '#') {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", unsigned(static_cast<unsigned char>(c)));
            uri += buf;
        } else {
            uri += c;
        }
    }
    return uri;
}

} // namespace

bool Database::writable(const std::filesystem::path& path)
{
    if (!canWrite(path))
        return false;
    if (canWrite(folderOf(path)))
        return true;
    // SQLite keeps its WAL and its index beside the database: in a folder it cannot write to,
    // they must be there already, and writable.
    const std::string p = path.string();
    return canWrite(p + "-wal") && canWrite(p + "-shm");
}

Database Database::open(const std::filesystem::path& path, Mode mode, int upToVersion)
{
    if (mode == Mode::ReadWrite && path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec)
            throw OpsError("Cannot create the folder for the database " + path.string() + ": " +
                           ec.message() + ".");
    }
    // A database this user cannot write (nor its folder, where SQLite keeps its journal) is named
    // before anything tries to write it.
    if (mode == Mode::ReadWrite && std::filesystem::exists(path) && !writable(path))
        throw OpsError("The database " + path.string() +
                       " is read-only for this user (the file or its folder cannot be written, and SQLite writes "
                       "its journal beside it). Make both writable, or copy the database somewhere writable and "
                       "pass --db.");
    if (mode == Mode::ReadOnly && !std::filesystem::exists(path))
        throw OpsError("There is no database at " + path.string() +
                       ". Build one with 'nbaops demo' or 'nbaops run', or pass --db PATH.");
    // Once per process, before the library initialises: no global memory statistics (nothing
    // reads them, and keeping them takes a process-wide mutex on every allocation).
    static const bool configured = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    (void)configured;
    sqlite3* raw = nullptr;
    int flags = (mode == Mode::ReadWrite ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY) |
                SQLITE_OPEN_NOMUTEX;
    std::string name = path.string();
    // Read from a folder nobody can write (a read-only mount, a protected copy): SQLite cannot
    // make its WAL index there, and with no WAL file beside it no writer can be at work either,
    // so the file is read as it is.
    if (mode == Mode::ReadOnly && !canWrite(folderOf(path)) && !std::filesystem::exists(name + "-wal")) {
        name = fileUri(path) + "?immutable=1";
        flags |= SQLITE_OPEN_URI;
    }
    const int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string why = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        sqlite3_close(raw);
        throw OpsError("Cannot open the database " + path.string() + ": " + why + ".");
    }
    Database db(raw, path);
    sqlite3_busy_timeout(raw, 5000);
    profileIfAsked(raw);
    sqlite3_extended_result_codes(raw, 1);
    db.exec("PRAGMA foreign_keys = ON");
    // 32 MB of page cache per connection (imports and backfills reread the same index pages)
    // and a checkpoint every ~16 MB of WAL instead of every 4 MB.
    db.exec(kCacheSizePragma);
    db.exec("PRAGMA wal_autocheckpoint = 4000");
    // The version check runs before anything is written (WAL mode included), so a newer or
    // foreign file is left exactly as it was.
    migrate(db, mode == Mode::ReadOnly, upToVersion);
    return db;
}

Database Database::openCopy(const std::filesystem::path& path, bool immutable)
{
    if (!std::filesystem::is_regular_file(path))
        throw OpsError("There is no database file at " + path.string() + ".");
    std::string uri = fileUri(path);
    if (immutable)
        uri += "?immutable=1";
    sqlite3* raw = nullptr;
    const int flags = (immutable ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(uri.c_str(), &raw, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string why = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
        sqlite3_close(raw);
        throw OpsError("Cannot open the database copy " + path.string() + ": " + why + ".");
    }
    Database db(raw, path);
    sqlite3_busy_timeout(raw, 5000);
    sqlite3_extended_result_codes(raw, 1);
    return db;
}

struct Database::Cache
{
    bool open = true;
    bool bulk = false;       // a BulkWrite is open on this connection
    bool bulkFailed = false; // a Transaction inside it was left without commit
    std::unordered_multimap<std::string, sqlite3_stmt*> free;
    void giveBack(std::string sql, sqlite3_stmt* stmt)
    {
        if (!open || free.size() >= 256 || free.count(sql) >= 4) {
            sqlite3_finalize(stmt);
            return;
        }
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        free.emplace(std::move(sql), stmt);
    }
};

Database::Database(sqlite3* db, std::filesystem::path path)
    : m_db(db), m_path(std::move(path)), m_cache(std::make_shared<Cache>())
{
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)), m_cache(std::move(other.m_cache))
{
}

sqlite3_stmt* Database::takeCached(std::string_view sql)
{
    if (!m_cache)
        return nullptr;
    const auto it = m_cache->free.find(std::string(sql));
    if (it == m_cache->free.end())
        return nullptr;
    sqlite3_stmt* stmt = it->second;
    m_cache->free.erase(it);
    return stmt;
}

void Database::clearCache()
{
    if (!m_cache)
        return;
    for (auto& [sql, stmt] : m_cache->free)
        sqlite3_finalize(stmt);
    m_cache->free.clear();
    m_cache->open = false;
}

Database& Database::operator=(Database&& other) noexcept
{
    if (this != &other) {
        clearCache();
        if (m_db)
            sqlite3_close_v2(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
        m_cache = std::move(other.m_cache);
    }
    return *this;
}

Database::~Database()
{
    clearCache();
    if (m_db)
        sqlite3_close_v2(m_db);
}

void Database::exec(std::string_view sql)
{
    char* err = nullptr;
    const std::string s(sql);
    if (sqlite3_exec(m_db, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        fail(m_db, "Database statement failed (" + msg + ") in " + m_path.string());
    }
}

Statement Database::prepare(std::string_view sql) { return Statement(*this, sql); }
int64_t Database::lastInsertRowId() const { return sqlite3_last_insert_rowid(m_db); }
int Database::changes() const { return sqlite3_changes(m_db); }

int Database::schemaVersion()
{
    auto st = prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    return st.step() ? int(st.getInt(0)) : 0;
}

Statement::Statement(Database& db, std::string_view sql) : m_db(&db), m_sql(sql), m_cache(db.m_cache)
{
    m_stmt = db.takeCached(sql);
    if (m_stmt)
        return;
    if (sqlite3_prepare_v3(db.handle(), sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr) !=
        SQLITE_OK)
        fail(db.handle(), "Cannot prepare SQL '" + m_sql.substr(0, 80) + "'");
}

Statement::Statement(Statement&& other) noexcept
    : m_db(other.m_db), m_stmt(std::exchange(other.m_stmt, nullptr)), m_sql(std::move(other.m_sql)),
      m_cache(std::move(other.m_cache))
{
}

Statement::~Statement()
{
    if (!m_stmt)
        return;
    if (m_cache)
        m_cache->giveBack(std::move(m_sql), m_stmt);
    else
        sqlite3_finalize(m_stmt);
}

Statement& Statement::bind(int i, std::nullptr_t)
{
    if (sqlite3_bind_null(m_stmt, i) != SQLITE_OK)
        fail(m_db->handle(), "Cannot bind parameter");
    return *this;
}
Statement& Statement::bind(int i, int64_t v)
{
    if (sqlite3_bind_int64(m_stmt, i, v) != SQLITE_OK)
        fail(m_db->handle(), "Cannot bind parameter");
    return *this;
}
Statement& Statement::bind(int i, double v)
{
    if (sqlite3_bind_double(m_stmt, i, v) != SQLITE_OK)
        fail(m_db->handle(), "Cannot bind parameter");
    return *this;
}
Statement& Statement::bind(int i, std::string_view v)
{
    if (sqlite3_bind_text64(m_stmt, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8) !=
        SQLITE_OK)
        fail(m_db->handle(), "Cannot bind parameter");
    return *this;
}
Statement& Statement::bind(int i, const Value& v)
{
    return std::visit(
        [&](const auto& x) -> Statement& {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::monostate>)
                return bind(i, nullptr);
            else
                return bind(i, x);
        },
        v);
}

bool Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    fail(m_db->handle(), "SQL '" + m_sql.substr(0, 80) + "' failed");
}

void Statement::run()
{
    while (step()) {
    }
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool Statement::isNull(int c) const { return sqlite3_column_type(m_stmt, c) == SQLITE_NULL; }
int64_t Statement::getInt(int c) const { return sqlite3_column_int64(m_stmt, c); }
double Statement::getDouble(int c) const { return sqlite3_column_double(m_stmt, c); }
std::string Statement::getText(int c) const { return std::string(getView(c)); }
std::string_view Statement::getView(int c) const
{
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, c));
    return p ? std::string_view(p, size_t(sqlite3_column_bytes(m_stmt, c))) : std::string_view();
}
std::optional<int64_t> Statement::getOptInt(int c) const
{
    return isNull(c) ? std::nullopt : std::optional(getInt(c));
}
std::optional<double> Statement::getOptDouble(int c) const
{
    return isNull(c) ? std::nullopt : std::optional(getDouble(c));
}
std::optional<std::string> Statement::getOptText(int c) const
{
    return isNull(c) ? std::nullopt : std::optional(getText(c));
}
Value Statement::getValue(int c) const
{
    switch (sqlite3_column_type(m_stmt, c)) {
    case SQLITE_INTEGER: return getInt(c);
    case SQLITE_FLOAT: return getDouble(c);
    case SQLITE_NULL: return std::monostate{};
    default: return getText(c);
    }
}
int Statement::columnCount() const { return sqlite3_column_count(m_stmt); }

std::string Statement::columnName(int col) const
{
    const char* n = sqlite3_column_name(m_stmt, col);
    return n ? n : "";
}

bool Database::inBulk() const { return m_cache && m_cache->bulk; }

Transaction::Transaction(Database& db)
    : m_db(db), m_nested(sqlite3_get_autocommit(db.handle()) == 0), m_joined(db.inBulk())
{
    if (!m_joined)
        m_db.exec(m_nested ? "SAVEPOINT nbaops_tx" : "BEGIN IMMEDIATE");
}

Transaction::~Transaction()
{
    if (m_joined) {
        if (!m_done && m_db.m_cache)
            m_db.m_cache->bulkFailed = true;
        return;
    }
    // A full disk, an I/O error or a lack of memory makes SQLite roll the transaction back
    // itself: then there is nothing left to undo.
    if (!m_done && sqlite3_get_autocommit(m_db.handle()) == 0) {
        char* err = nullptr;
        const char* undo = m_nested ? "ROLLBACK TO nbaops_tx; RELEASE nbaops_tx" : "ROLLBACK";
        if (sqlite3_exec(m_db.handle(), undo, nullptr, nullptr, &err) != SQLITE_OK) {
            log::error("store", std::string("rollback failed: ") + (err ? err : "?"));
            sqlite3_free(err);
        }
    }
}

void Transaction::commit()
{
    if (!m_joined)
        m_db.exec(m_nested ? "RELEASE nbaops_tx" : "COMMIT");
    m_done = true;
}

BulkWrite::BulkWrite(Database& db, bool checkForeignKeys) : m_db(db)
{
    if (sqlite3_get_autocommit(db.handle()) == 0 || db.inBulk()) {
        m_inner.emplace(db);
        return;
    }
    if (!checkForeignKeys) {
        m_db.exec("PRAGMA foreign_keys = OFF"); // only takes effect outside a transaction
        m_foreignKeysOff = true;
    }
    m_db.exec("PRAGMA cache_size = -262144");
    try {
        m_db.exec("BEGIN IMMEDIATE");
    } catch (...) {
        restore();
        throw;
    }
    m_db.m_cache->bulk = true;
    m_db.m_cache->bulkFailed = false;
}

void BulkWrite::restore()
{
    if (m_db.m_cache) {
        m_db.m_cache->bulk = false;
        m_db.m_cache->bulkFailed = false;
    }
    char* err = nullptr;
    const std::string undo = std::string(kCacheSizePragma) + (m_foreignKeysOff ? "; PRAGMA foreign_keys = ON" : "");
    if (sqlite3_exec(m_db.handle(), undo.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        log::error("store", std::string("restoring the connection after a bulk write failed: ") + (err ? err : "?"));
        sqlite3_free(err);
    }
}

BulkWrite::~BulkWrite()
{
    if (m_inner || m_done)
        return;
    char* err = nullptr;
    if (sqlite3_get_autocommit(m_db.handle()) == 0 && // else SQLite rolled it back itself
        sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, &err) != SQLITE_OK) {
        log::error("store", std::string("rollback failed: ") + (err ? err : "?"));
        sqlite3_free(err);
    }
    restore();
}

void BulkWrite::commit()
{
    if (m_inner) {
        m_inner->commit();
        return;
    }
    if (m_db.m_cache->bulkFailed) {
        // The destructor rolls back and restores the connection.
        throw OpsError("A write inside this bulk job failed (the failed run says why); everything the job wrote "
                       "was rolled back, so nothing is half done. Fix the cause and run the job again.");
    }
    m_db.exec("COMMIT");
    m_done = true;
    restore();
}

} // namespace nbaops::store
