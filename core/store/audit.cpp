#include "audit.h"

#include "database.h"
#include "util/date.h"
#include "util/files.h"
#include "util/redact.h"

namespace nbaops::store {

std::string currentActor()
{
    const std::string user = currentUserName();
    return user.empty() ? "operator" : user;
}

void writeAudit(Database& db, const std::string& actor, const std::string& action,
                const std::string& detail)
{
    writeAudit(db, AuditEntry{actor, action, detail, "", ""});
}

std::string auditIfPresent(const std::filesystem::path& path, const AuditEntry& entry)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return {};
    try {
        auto db = Database::open(path);
        writeAudit(db, entry);
        return {};
    } catch (const std::exception& e) {
        return e.what();
    }
}

int64_t writeAudit(Database& db, const AuditEntry& entry)
{
    db.prepare(
          "INSERT INTO audit_log(at, actor, action, detail, args, result) VALUES (?,?,?,?,?,?)")
        .bindAll(toIsoUtc(std::chrono::system_clock::now()),
                 entry.actor.empty() ? currentActor() : entry.actor, entry.action, redact::text(entry.detail),
                 redact::text(entry.args), redact::text(entry.result))
        .run();
    return db.lastInsertRowId();
}

void setAuditResult(Database& db, int64_t id, const std::string& result)
{
    db.prepare("UPDATE audit_log SET result = ? WHERE id = ?").bindAll(redact::text(result), id).run();
}

} // namespace nbaops::store
