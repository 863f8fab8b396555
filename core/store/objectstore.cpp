#include "objectstore.h"

#include "database.h"
#include "util/errors.h"
#include "util/files.h"

namespace nbaops::store {

ObjectStore ObjectStore::forDatabase(const Database& db)
{
    return ObjectStore(std::filesystem::absolute(db.path()).parent_path());
}

std::string ObjectStore::relativePath(const PayloadInfo& info)
{
    return "raw/" + info.source + "/" + info.endpoint + "/" + info.date.iso() + "/" + info.name +
           (info.accepted ? ".json" : ".rejected.json");
}

StoredPayload ObjectStore::put(Database& db, const PayloadInfo& info, std::string_view bytes)
{
    StoredPayload out;
    out.path = relativePath(info);
    out.bytes = int64_t(bytes.size());
    out.sha256 = sha256Hex(bytes);
    writeFileAtomically(m_root / out.path, bytes);
    auto st = db.prepare(
        "INSERT INTO raw_payloads(path, source, endpoint, game_date, name, bytes, sha256, "
        "fetched_at, status, http_status, reason, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(path) DO UPDATE SET bytes = excluded.bytes, sha256 = excluded.sha256, "
        "fetched_at = excluded.fetched_at, status = excluded.status, "
        "http_status = excluded.http_status, reason = excluded.reason, run_id = excluded.run_id "
        "RETURNING id");
    st.bindAll(out.path, info.source, info.endpoint, info.date.iso(), info.name, out.bytes,
               out.sha256, info.fetchedAt, info.accepted ? "ok" : "rejected",
               int64_t(info.httpStatus), info.reason, info.runId);
    if (!st.step())
        throw OpsError("Indexing the payload " + out.path + " failed.");
    out.id = st.getInt(0);
    st.run();
    return out;
}

std::string ObjectStore::read(std::string_view relativePath) const
{
    return readFile(m_root / std::string(relativePath));
}

} // namespace nbaops::store
