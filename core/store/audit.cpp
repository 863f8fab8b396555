#include "audit.h"

#include "database.h"
#include "util/date.h"
#include "util/files.h"

namespace nbaops::store {

std::string currentActor()
{
    const std::string user = currentUserName();
    return user.empty() ? "operator" : user;
}

void writeAudit(Database& db, const std::string& actor, const std::string& action, const std::string& detail)
{
    db.prepare("INSERT INTO audit_log(at, actor, action, detail) VALUES (?,?,?,?)")
        .bindAll(toIsoUtc(std::chrono::system_clock::now()), actor, action, detail)
        .run();
}

} // namespace nbaops::store
