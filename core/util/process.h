#pragma once

#include <cstdint>
#include <string>

namespace nbaops {

// Which process on which machine wrote a row (a run, a backfill), so another process can tell
// whether it is still there.
struct ProcessIdentity
{
    int64_t pid = 0;
    int64_t start = 0;  // start time in clock ticks since boot (/proc/PID/stat field 22); 0: unknown
    std::string host;
};

// This process.
const ProcessIdentity& currentProcess();

// Whether the process is still running: Gone when its pid is free, a zombie, or now names a
// process started at another time (the pid was reused). A process of another host, or
// without a pid, cannot be checked here: Unknown.
enum class Liveness { Alive, Gone, Unknown };
Liveness liveness(int64_t pid, int64_t start, const std::string& host);

} // namespace nbaops
