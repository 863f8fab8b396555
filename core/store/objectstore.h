#pragma once

#include "util/date.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace nbaops::store {

class Database;

struct StoredPayload
{
    int64_t id = 0;
    std::string path; // relative to the data folder
    int64_t bytes = 0;
    std::string sha256;
};

struct PayloadInfo
{
    std::string source;
    std::string endpoint;
    Date date;
    std::string name;       // file stem, e.g. "0022400123"
    bool accepted = true;   // false: kept for inspection as <name>.rejected.json
    int httpStatus = 200;
    std::string reason;     // why it was rejected
    std::string runId;
    std::string fetchedAt;  // ISO UTC
};

// The raw object store: payload files under <data>/raw/<source>/<endpoint>/<date>/<name>.json,
// written atomically, each indexed in raw_payloads with its size and SHA-256.
class ObjectStore
{
public:
    explicit ObjectStore(std::filesystem::path dataDir) : m_root(std::move(dataDir)) {}
    static ObjectStore forDatabase(const Database& db);

    StoredPayload put(Database& db, const PayloadInfo& info, std::string_view bytes);
    std::string read(std::string_view relativePath) const; // throws OpsError
    static std::string relativePath(const PayloadInfo& info);
    const std::filesystem::path& root() const { return m_root; }

private:
    std::filesystem::path m_root;
};

} // namespace nbaops::store
