#include "process.h"

#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace nbaops {

namespace {

struct Stat
{
    char state = '?';
    int64_t start = 0;
};

// Fields 3 (state) and 22 (start time) of /proc/PID/stat, after the command name, which may
// hold spaces and parentheses.
Stat readStat(int64_t pid)
{
    Stat s;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!in || !std::getline(in, line))
        return s;
    const auto close = line.rfind(')');
    if (close == std::string::npos)
        return s;
    std::istringstream rest(line.substr(close + 1));
    std::string field;
    for (int i = 3; i <= 22; ++i) {
        if (!(rest >> field))
            return s;
        if (i == 3)
            s.state = field.empty() ? '?' : field[0];
    }
    try {
        s.start = std::stoll(field);
    } catch (...) {
        s.start = 0;
    }
    return s;
}

std::string hostName()
{
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0)
        return "localhost";
    return buf;
}

} // namespace

const ProcessIdentity& currentProcess()
{
    static const ProcessIdentity self = [] {
        ProcessIdentity p;
        p.pid = int64_t(::getpid());
        p.start = readStat(p.pid).start;
        p.host = hostName();
        return p;
    }();
    return self;
}

Liveness liveness(int64_t pid, int64_t start, const std::string& host)
{
    if (pid <= 0 || host != currentProcess().host)
        return Liveness::Unknown;
    if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
        return Liveness::Gone;
    const Stat now = readStat(pid);
    if (now.state == 'Z' || now.state == 'X')
        return Liveness::Gone; // ended, not yet reaped by its parent
    if (start != 0 && now.start != 0 && now.start != start)
        return Liveness::Gone; // the pid now names another process
    return Liveness::Alive;
}

} // namespace nbaops
