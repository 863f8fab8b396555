#include "tablesum.h"

#include "store/database.h"
#include "util/errors.h"
#include "util/files.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace nbaops::dr {

namespace {

std::string quoted(const std::string& name)
{
    std::string out = "\"";
    for (const char c : name) {
        out += c;
        if (c == '"')
            out += '"';
    }
    return out + "\"";
}

// Rows in a fixed order: the primary key's columns (WITHOUT ROWID tables, and tables whose
// INTEGER PRIMARY KEY is the rowid), else the rowid.
} // namespace

std::string keyOrder(store::Database& db, const std::string& table)
{
    std::vector<std::pair<int64_t, std::string>> pk;
    auto st = db.prepare("SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0");
    st.bind(1, table);
    while (st.step())
        pk.emplace_back(st.getInt(1), st.getText(0));
    auto wr = db.prepare(
        "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE type = 'table' AND name = ?");
    wr.bind(1, table);
    const bool withoutRowid = wr.step() && wr.getInt(0) != 0;
    if (!withoutRowid || pk.empty())
        return "rowid";
    std::sort(pk.begin(), pk.end());
    std::string out;
    for (const auto& [_, col] : pk)
        out += (out.empty() ? "" : ", ") + quoted(col);
    return out;
}

std::vector<std::string> tableNames(store::Database& db)
{
    std::vector<std::string> out;
    auto st = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                         "'sqlite\\_%' ESCAPE '\\' "
                         "ORDER BY name");
    while (st.step())
        out.push_back(st.getText(0));
    return out;
}

TableSum sumTable(store::Database& db, const std::string& table)
{
    TableSum out;
    out.name = table;
    Sha256 h;
    // The raw API: this loop reads every value of the database (a backup, a verify, a
    // test-restore), so values go into one buffer as type, length and bytes, hashed 256 KB at
    // a time.
    const std::string sql = "SELECT * FROM " + quoted(table) + " ORDER BY " + keyOrder(db, table);
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db.handle(), sql.c_str(), int(sql.size()), &raw, nullptr) != SQLITE_OK) {
        const std::string why = sqlite3_errmsg(db.handle());
        sqlite3_finalize(raw);
        throw OpsError("Reading the table " + table + " failed: " + why + ".");
    }
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> st(raw, sqlite3_finalize);
    const int cols = sqlite3_column_count(raw);
    std::string buf;
    buf.reserve(1 << 18);
    auto put = [&buf](char tag, const void* data, size_t n) {
        char head[16];
        head[0] = tag;
        const uint32_t len = uint32_t(n);
        std::memcpy(head + 1, &len, sizeof len);
        buf.append(head, 1 + sizeof len);
        buf.append(static_cast<const char*>(data), n);
    };
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
        ++out.rows;
        for (int c = 0; c < cols; ++c) {
            switch (sqlite3_column_type(raw, c)) {
            case SQLITE_INTEGER: {
                const int64_t v = sqlite3_column_int64(raw, c);
                put('i', &v, sizeof v);
                break;
            }
            case SQLITE_FLOAT: {
                const double v = sqlite3_column_double(raw, c);
                put('r', &v, sizeof v);
                break;
            }
            case SQLITE_TEXT: {
                const auto* p = sqlite3_column_text(raw, c);
                put('t', p, size_t(sqlite3_column_bytes(raw, c)));
                break;
            }
            case SQLITE_BLOB: {
                const void* p = sqlite3_column_blob(raw, c);
                put('b', p, size_t(sqlite3_column_bytes(raw, c)));
                break;
            }
            default:
                put('n', "", 0);
            }
        }
        buf += '\n';
        if (buf.size() >= (1u << 18)) {
            h.update(buf);
            buf.clear();
        }
    }
    if (rc != SQLITE_DONE)
        throw OpsError("Reading the table " + table + " failed: " + sqlite3_errmsg(db.handle()) +
                       ".");
    h.update(buf);
    out.checksum = h.hex();
    return out;
}

std::vector<TableSum> sumTables(store::Database& db, const std::vector<std::string>& tables)
{
    std::vector<TableSum> out;
    out.reserve(tables.size());
    for (const auto& t : tables)
        out.push_back(sumTable(db, t));
    return out;
}

std::optional<NewestRun> newestRun(store::Database& db)
{
    auto has =
        db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'processor_runs'");
    if (!has.step())
        return std::nullopt;
    auto st =
        db.prepare("SELECT id, processor, game_date, status, started_at, COALESCE(finished_at, '') "
                   "FROM processor_runs ORDER BY id DESC LIMIT 1");
    if (!st.step())
        return std::nullopt;
    return NewestRun{st.getInt(0),  st.getText(1), st.getText(2),
                     st.getText(3), st.getText(4), st.getText(5)};
}

std::string integrityCheck(store::Database& db)
{
    auto st = db.prepare("PRAGMA integrity_check(20)");
    std::string out;
    while (st.step()) {
        if (!out.empty())
            out += "; ";
        out += st.getText(0);
    }
    return out.empty() ? "no answer" : out;
}

} // namespace nbaops::dr
