#include "records.h"

#include "store/database.h"
#include "util/date.h"
#include "util/files.h"
#include "util/log.h"
#include "verify.h"

#include <nlohmann/json.hpp>

#include <set>

namespace nbaops::dr {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void writeSidecar(const fs::path& path, const json& j)
{
    try {
        writeFileAtomically(path, j.dump(1) + "\n");
    } catch (const std::exception& e) {
        // A backup on a read-only disk still verifies; only its record stays in the database.
        log::warning("backup", path.string() + " not written: " + e.what());
    }
}

std::optional<json> readJson(const fs::path& path)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return std::nullopt;
    try {
        return json::parse(readFile(path));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

void upsert(store::Database& db, const Manifest& m, const fs::path& folder)
{
    db.prepare("INSERT INTO backups(id, folder, created_at, created_by, kind, tables, bytes, "
               "files, seconds, newest_run_at) "
               "VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET folder = "
               "excluded.folder, pruned_at = NULL")
        .bindAll(m.id, fs::absolute(folder).string(), m.createdAt, m.createdBy,
                 m.kind == "manual" || m.kind == "scheduled" || m.kind == "pre-restore" ||
                         m.kind == "drill"
                     ? m.kind
                     : "manual",
                 joinNames(m.chosenTables), m.totalBytes(), int64_t(m.files.size()), m.seconds,
                 m.newestRun ? std::optional<std::string>(m.newestRun->finishedAt.empty()
                                                              ? m.newestRun->startedAt
                                                              : m.newestRun->finishedAt)
                             : std::nullopt)
        .run();
}

} // namespace

std::string joinNames(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& n : names)
        out += (out.empty() ? "" : ",") + n;
    return out;
}

void recordBackup(store::Database& db, const Manifest& m, const fs::path& folder)
{
    upsert(db, m, folder);
}

void recordVerify(store::Database* db, const BackupEntry& b, const VerifyReport& r)
{
    if (r.cancelled)
        return;
    const std::string at = nowIsoUtc();
    json problems = json::array();
    for (const auto& p : r.problems)
        problems.push_back(
            {{"what", p.what}, {"name", p.name}, {"expected", p.expected}, {"found", p.found}});
    writeSidecar(b.folder / "verify.json", {{"at", at},
                                            {"ok", r.ok},
                                            {"seconds", r.seconds},
                                            {"summary", r.summary()},
                                            {"problems", problems}});
    if (db && b.manifest) {
        upsert(*db, *b.manifest, b.folder);
        db->prepare(
              "UPDATE backups SET verified_at = ?, verify_ok = ?, verify_detail = ? WHERE id = ?")
            .bindAll(at, int64_t(r.ok), r.summary(), b.id)
            .run();
    }
}

void recordProof(store::Database* db, const BackupEntry& b, const Proof& p)
{
    writeSidecar(b.folder / "proof.json",
                 {{"at", p.at}, {"ok", p.ok}, {"seconds", p.seconds}, {"detail", p.detail}});
    // A restore verifies its backup first: a test-restore that passed is a verify that passed.
    if (p.ok)
        writeSidecar(b.folder / "verify.json",
                     {{"at", p.at},
                      {"ok", true},
                      {"seconds", p.seconds},
                      {"summary", "backup " + b.id + " verifies (by its test-restore)"},
                      {"problems", json::array()}});
    if (db && b.manifest) {
        upsert(*db, *b.manifest, b.folder);
        db->prepare("UPDATE backups SET proven_at = ?, proven_ok = ?, proven_seconds = ?, "
                    "proven_detail = ? WHERE id = ?")
            .bindAll(p.at, int64_t(p.ok), p.seconds, p.detail, b.id)
            .run();
        if (p.ok)
            db->prepare("UPDATE backups SET verified_at = ?, verify_ok = 1, verify_detail = ? "
                        "WHERE id = ?")
                .bindAll(p.at, "backup " + b.id + " verifies (by its test-restore)", b.id)
                .run();
    }
}

void recordPruned(store::Database& db, const std::string& id)
{
    db.prepare("UPDATE backups SET pruned_at = ? WHERE id = ? AND pruned_at IS NULL")
        .bindAll(nowIsoUtc(), id)
        .run();
}

void readSidecars(BackupEntry& e)
{
    if (const auto v = readJson(e.folder / "verify.json"); v && v->is_object()) {
        e.verifiedAt = v->value("at", "");
        e.verifyOk = v->value("ok", false);
        e.verifyDetail = v->value("summary", "");
    }
    if (const auto p = readJson(e.folder / "proof.json"); p && p->is_object()) {
        e.provenAt = p->value("at", "");
        e.provenOk = p->value("ok", false);
        e.provenSeconds = p->value("seconds", 0.0);
        e.provenDetail = p->value("detail", "");
    }
}

void syncBackupRecords(store::Database& db, const std::vector<BackupEntry>& entries,
                       const fs::path& dir)
{
    std::set<std::string> present;
    for (const auto& e : entries) {
        if (e.incomplete || !e.manifest)
            continue;
        present.insert(e.id);
        upsert(db, *e.manifest, e.folder);
        if (e.verifyOk)
            db.prepare("UPDATE backups SET verified_at = ?, verify_ok = ?, verify_detail = ? WHERE "
                       "id = ? "
                       "AND (verified_at IS NULL OR verified_at < ?)")
                .bindAll(e.verifiedAt, int64_t(*e.verifyOk), e.verifyDetail, e.id, e.verifiedAt)
                .run();
        if (e.provenOk)
            db.prepare("UPDATE backups SET proven_at = ?, proven_ok = ?, proven_seconds = ?, "
                       "proven_detail = ? "
                       "WHERE id = ? AND (proven_at IS NULL OR proven_at < ?)")
                .bindAll(e.provenAt, int64_t(*e.provenOk), e.provenSeconds, e.provenDetail, e.id,
                         e.provenAt)
                .run();
    }
    // Rows of this folder whose backup is gone (deleted by hand, or by another machine's prune).
    auto st = db.prepare("SELECT id, folder FROM backups WHERE pruned_at IS NULL");
    std::vector<std::string> gone;
    while (st.step()) {
        if (fs::path(st.getText(1)).parent_path() == fs::absolute(dir) &&
            !present.count(st.getText(0)))
            gone.push_back(st.getText(0));
    }
    for (const auto& id : gone)
        recordPruned(db, id);
}

} // namespace nbaops::dr
