#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace nbaops {

// Which process on which machine wrote a row (a run, a backfill), so another process can tell
// whether it is still there.
struct ProcessIdentity
{
    int64_t pid = 0;
    int64_t start = 0; // start time in clock ticks since boot (/proc/PID/stat field 22); 0: unknown
    std::string host;
};

// This process.
const ProcessIdentity& currentProcess();

// Whether the process is still running: Gone when its pid is free, a zombie, or now names a
// process started at another time (the pid was reused). A process of another host, or
// without a pid, cannot be checked here: Unknown.
enum class Liveness { Alive, Gone, Unknown };
Liveness liveness(int64_t pid, int64_t start, const std::string& host);

// Runs a program (no shell) to its end with stdout and stderr captured together: its exit code
// (-1 when it was killed: the timeout, the cancel flag, a signal), the output's last 64 KB.
struct CommandRun
{
    int exitCode = -1;
    std::string output;
    double seconds = 0;
    bool timedOut = false;
    bool cancelled = false;
};
CommandRun runCommand(const std::string& program, const std::vector<std::string>& args,
                      int timeoutSeconds, const std::atomic<bool>* cancel = nullptr);

} // namespace nbaops
