#include "verify.h"

#include "store/database.h"
#include "util/errors.h"
#include "util/files.h"

#include <chrono>
#include <set>

namespace nbaops::dr {

namespace fs = std::filesystem;

namespace {

std::string sizeText(int64_t bytes)
{
    return std::to_string(bytes) + " bytes";
}

void checkFile(const fs::path& folder, const ManifestFile& f, const std::string& what,
               VerifyReport& r)
{
    const fs::path p = folder / f.path;
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) {
        r.problems.push_back({what, f.path, sizeText(f.bytes), "missing"});
        return;
    }
    const auto size = int64_t(fs::file_size(p, ec));
    if (size != f.bytes) {
        r.problems.push_back(
            {what, f.path, sizeText(f.bytes), sizeText(size) + " (truncated or changed)"});
        return;
    }
    FileDigest d;
    try {
        d = sha256File(p);
    } catch (const OpsError& e) {
        r.problems.push_back({what, f.path, "readable", e.what()});
        return;
    }
    r.bytesChecked += d.bytes;
    if (d.sha256 != f.sha256)
        r.problems.push_back({what, f.path, "SHA-256 " + f.sha256.substr(0, 16) + "…",
                              "SHA-256 " + d.sha256.substr(0, 16) + "…"});
}

void checkDatabase(const fs::path& folder, const Manifest& m, VerifyReport& r,
                   const DrControl& control)
{
    const size_t before = r.problems.size();
    checkFile(folder, m.database, "database", r);
    if (r.problems.size() != before)
        return; // a copy that is not the one made: its tables would only repeat it
    try {
        auto copy = store::Database::openCopy(folder / m.database.path);
        control.report({"integrity check of the database copy", 0.2});
        if (const auto ic = integrityCheck(copy); ic != "ok") {
            r.problems.push_back({"database", m.database.path, "integrity_check ok", ic});
            return;
        }
        const auto names = tableNames(copy);
        const std::set<std::string> present(names.begin(), names.end());
        for (const auto& t : m.tables) {
            if (control.cancelled())
                return;
            ++r.tablesChecked;
            if (!present.count(t.name)) {
                r.problems.push_back(
                    {"table", t.name, std::to_string(t.rows) + " rows", "missing from the copy"});
                continue;
            }
            const auto s = sumTable(copy, t.name);
            if (s.rows != t.rows)
                r.problems.push_back({"table", t.name, std::to_string(t.rows) + " rows",
                                      std::to_string(s.rows) + " rows"});
            else if (s.checksum != t.checksum)
                r.problems.push_back({"table", t.name, "checksum " + t.checksum.substr(0, 16) + "…",
                                      "checksum " + s.checksum.substr(0, 16) + "…"});
        }
        for (const auto& n : names) {
            if (!m.table(n) && n != "schema_migrations")
                r.problems.push_back({"table", n, "not in the backup", "in the copy"});
        }
        if (copy.schemaVersion() != m.schemaVersion)
            r.problems.push_back({"database", "schema version", std::to_string(m.schemaVersion),
                                  std::to_string(copy.schemaVersion())});
    } catch (const std::exception& e) {
        r.problems.push_back({"database", m.database.path, "a SQLite database", e.what()});
    }
}

} // namespace

std::string Problem::text() const
{
    return what + " " + name + ": expected " + expected + ", found " + found;
}

std::string VerifyReport::summary() const
{
    if (cancelled)
        return "verify of " + id + " cancelled";
    const std::string counts = std::to_string(tablesChecked) + " tables, " +
                               std::to_string(filesChecked) + " files, " +
                               std::to_string(bytesChecked / (int64_t(1024) * 1024)) + " MiB checked";
    if (ok)
        return "backup " + id + " verifies: " + counts;
    return "backup " + id + " does NOT verify: " + std::to_string(problems.size()) +
           " problem(s), first: " + (problems.empty() ? std::string("?") : problems.front().text());
}

VerifyReport verifyBackup(const BackupEntry& b, const DrControl& control)
{
    const auto t0 = std::chrono::steady_clock::now();
    VerifyReport r;
    r.id = b.id;
    if (b.incomplete) {
        r.problems.push_back({"backup", b.id, "complete",
                              "interrupted before it finished (" + b.folder.string() + ")"});
    } else if (!b.manifest) {
        r.problems.push_back({"manifest", kManifestName, "a readable manifest", b.problem});
    } else {
        if (!b.problem.empty())
            r.problems.push_back({"manifest", kManifestName, "sealed", b.problem});
        const Manifest& m = *b.manifest;
        checkDatabase(b.folder, m, r, control);
        size_t n = 0;
        const size_t total = m.files.size() + m.exports.size();
        for (const auto* list : {&m.exports, &m.files}) {
            for (const auto& f : *list) {
                if (control.cancelled()) {
                    r.cancelled = true;
                    break;
                }
                if (++n % 200 == 0)
                    control.report({"checking files (" + std::to_string(n) + " of " +
                                        std::to_string(total) + ")",
                                    0.5 + 0.5 * double(n) / double(total)});
                checkFile(b.folder, f, list == &m.files ? "file" : "export", r);
                ++r.filesChecked;
            }
        }
        r.cancelled = r.cancelled || control.cancelled();
    }
    r.ok = r.problems.empty() && !r.cancelled;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

} // namespace nbaops::dr
