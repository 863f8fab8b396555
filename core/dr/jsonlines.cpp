#include "jsonlines.h"

#include "store/database.h"
#include "util/errors.h"
#include "util/files.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>

namespace nbaops::dr {

namespace fs = std::filesystem;

namespace {

// One row as a JSON object. Written by hand (a backup writes every row of the key tables):
// numbers as they are, text escaped, text that is not plain ASCII through nlohmann (which
// replaces invalid UTF-8 rather than writing a line no reader accepts).
void appendJsonString(std::string& out, std::string_view s)
{
    for (const unsigned char c : s) {
        if (c >= 0x80) {
            out += nlohmann::json(std::string(s))
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            return;
        }
    }
    out += '"';
    for (const char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

void appendJsonLine(std::string& out, const store::Statement& st,
                    const std::vector<std::string>& keys)
{
    out += '{';
    for (int c = 0; c < int(keys.size()); ++c) {
        if (c > 0)
            out += ',';
        out += keys[size_t(c)];
        const auto v = st.getValue(c);
        if (const auto* i = std::get_if<int64_t>(&v)) {
            out += std::to_string(*i);
        } else if (const auto* d = std::get_if<double>(&v)) {
            if (std::isfinite(*d)) {
                char buf[32];
                std::snprintf(buf, sizeof buf, "%.17g", *d);
                out += buf;
            } else {
                out += "null";
            }
        } else if (const auto* s = std::get_if<std::string>(&v)) {
            appendJsonString(out, *s);
        } else {
            out += "null";
        }
    }
    out += "}\n";
}

} // namespace

ManifestFile exportTable(store::Database& copy, const std::string& table, const fs::path& folder)
{
    ManifestFile f;
    f.path = "tables/" + table + ".jsonl";
    const fs::path path = folder / f.path;
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        throw OpsError("Cannot write " + path.string() + ".");
    auto st = copy.prepare("SELECT * FROM \"" + table + "\" ORDER BY rowid");
    std::vector<std::string> keys; // "name":
    for (int c = 0; c < st.columnCount(); ++c) {
        std::string k;
        appendJsonString(k, st.columnName(c));
        keys.push_back(k + ":");
    }
    Sha256 h;
    f.rows = 0;
    std::string buf;
    auto flush = [&] {
        out.write(buf.data(), std::streamsize(buf.size()));
        h.update(buf);
        f.bytes += int64_t(buf.size());
        buf.clear();
    };
    while (st.step()) {
        appendJsonLine(buf, st, keys);
        ++f.rows;
        if (buf.size() >= (1u << 18))
            flush();
    }
    flush();
    out.flush();
    if (!out)
        throw OpsError("Writing " + path.string() + " failed: the backup disk may be full.");
    f.sha256 = h.hex();
    return f;
}

} // namespace nbaops::dr
