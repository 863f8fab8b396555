#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

struct sqlite3;
struct sqlite3_stmt;

namespace nbaops::store {

class Statement;

// One SQLite connection: WAL, foreign keys on, a busy timeout. Not shared between threads;
// each thread opens its own. Errors throw OpsError with a sentence for the user.
class Database
{
public:
    enum class Mode { ReadWrite, ReadOnly };
    // Opens (creating when ReadWrite) and migrates to the latest schema. A database written
    // by a newer nbaops is refused and left untouched.
    // `upToVersion` (tests of upgrades) stops the migrations at that schema version.
    static Database open(const std::filesystem::path& path, Mode mode = Mode::ReadWrite, int upToVersion = 0);
    // Whether this user can write the database at `path`: the file, and its folder (or the WAL
    // files already in it), where SQLite keeps its journal.
    static bool writable(const std::filesystem::path& path);
    // A copy as it is (a backup's database, a restore's scratch file): not migrated, nothing
    // written. `immutable`: read-only, and SQLite takes no lock and creates no -wal or -shm file
    // beside it (the file must not change while it is open).
    static Database openCopy(const std::filesystem::path& path, bool immutable = true);

    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    void exec(std::string_view sql); // statements without parameters only (DDL, PRAGMA)
    Statement prepare(std::string_view sql);
    int64_t lastInsertRowId() const;
    int changes() const;
    int schemaVersion();
    const std::filesystem::path& path() const { return m_path; }
    sqlite3* handle() const { return m_db; }

    // Inside a BulkWrite (see there).
    bool inBulk() const;

private:
    friend class Statement;
    friend class Transaction;
    friend class BulkWrite;
    Database(sqlite3* db, std::filesystem::path path);
    // Prepared statements are kept after use (reset, bindings cleared) and handed out again
    // for the same SQL: a processor run prepares the same few dozen statements every date.
    sqlite3_stmt* takeCached(std::string_view sql);
    void clearCache();
    sqlite3* m_db = nullptr;
    std::filesystem::path m_path;
    struct Cache;
    std::shared_ptr<Cache> m_cache; // shared with live statements: one outliving the connection finalizes itself
};

using Value = std::variant<std::monostate, int64_t, double, std::string>;

// A prepared statement; values are always bound, never formatted into SQL.
class Statement
{
public:
    Statement(Database& db, std::string_view sql);
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, std::nullptr_t);
    Statement& bind(int index, int64_t v);
    Statement& bind(int index, int v) { return bind(index, int64_t(v)); }
    Statement& bind(int index, double v);
    Statement& bind(int index, std::string_view v);
    Statement& bind(int index, const std::string& v) { return bind(index, std::string_view(v)); }
    Statement& bind(int index, const char* v) { return bind(index, std::string_view(v)); }
    Statement& bind(int index, const Value& v);
    template <typename T>
    Statement& bind(int index, const std::optional<T>& v)
    {
        return v ? bind(index, *v) : bind(index, nullptr);
    }
    // Binds all arguments in order starting at 1.
    template <typename... Args>
    Statement& bindAll(const Args&... args)
    {
        int i = 0;
        (bind(++i, args), ...);
        return *this;
    }

    bool step();     // true while a row is available
    void run();      // steps to completion
    void reset();    // ready to bind and step again

    bool isNull(int col) const;
    int64_t getInt(int col) const;
    double getDouble(int col) const;
    std::string getText(int col) const;
    // The text without a copy, valid until the next step() or reset() (for hot read loops).
    std::string_view getView(int col) const;
    std::optional<int64_t> getOptInt(int col) const;
    std::optional<double> getOptDouble(int col) const;
    std::optional<std::string> getOptText(int col) const;
    Value getValue(int col) const;
    int columnCount() const;
    std::string columnName(int col) const;

private:
    Database* m_db;
    sqlite3_stmt* m_stmt = nullptr;
    std::string m_sql;
    std::shared_ptr<Database::Cache> m_cache;
};

// BEGIN IMMEDIATE on construction; rolls back unless commit() was called. Inside an open
// transaction it is a savepoint of it instead; inside a BulkWrite it joins that one.
class Transaction
{
public:
    explicit Transaction(Database& db);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

private:
    Database& m_db;
    bool m_nested = false;
    bool m_joined = false;
    bool m_done = false;
};

// One flat transaction for a bulk job (an import, a backfill of the feature store): the
// Transactions opened inside it join it instead of each being a savepoint (a savepoint copies
// every page it changes to a journal first, which made a three-season import write 750 MB
// to a temporary file), and the page cache is raised to 256 MB while it lasts. All or
// nothing: when a Transaction inside it is left without commit (its write failed), commit()
// rolls everything back and throws. Outside autocommit (inside another transaction) it is an
// ordinary nested Transaction. `checkForeignKeys = false` is for jobs whose rows carry no
// references (imported raw rows): SQLite must otherwise journal every such insert.
class BulkWrite
{
public:
    explicit BulkWrite(Database& db, bool checkForeignKeys = true);
    BulkWrite(const BulkWrite&) = delete;
    BulkWrite& operator=(const BulkWrite&) = delete;
    ~BulkWrite();
    void commit();

private:
    void restore();
    Database& m_db;
    std::optional<Transaction> m_inner; // when it began inside another transaction
    bool m_foreignKeysOff = false;
    bool m_done = false;
};

} // namespace nbaops::store
