#pragma once

#include "alerts/engine.h"

#include <filesystem>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::jobs {

struct DigestOptions
{
    std::filesystem::path dbPath;      // the alert receivers in effect are found next to it
    TimePoint now = std::chrono::system_clock::now();
    bool send = false;                 // deliver it to every configured receiver
    alerts::Sender* sender = nullptr;  // null: through libcurl
};

struct Digest
{
    std::string subject;               // "nbaops morning digest 2024-01-20: degraded"
    std::string body;                  // the quick health check, the open alerts, repair and backfill
    int exitCode = 0;                  // the health check's
    std::vector<std::string> sentTo;   // receivers that accepted it
    std::vector<std::string> errors;   // "chat: HTTP 500" (receivers that did not)
};

// The morning digest (07:00 ET from the scheduler): the quick health check as one message, with
// what is firing, what waits for a retry or ran out of them, and any active backfill; sent as
// one message to each configured receiver of the alert rules (desktop ones excepted). Audited.
Digest morningDigest(store::Database& db, const DigestOptions& options);

} // namespace nbaops::jobs
