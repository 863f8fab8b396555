#include "process.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <sys/wait.h>
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

CommandRun runCommand(const std::string& program, const std::vector<std::string>& args,
                      int timeoutSeconds, const std::atomic<bool>* cancel)
{
    constexpr size_t kKeep = size_t(64) * 1024; // the tail of the output that is kept
    CommandRun r;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::string> all{program};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    argv.reserve(all.size() + 1);
    for (auto& a : all)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        r.output = "cannot start " + program + ": no pipe";
        return r;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        r.output = "cannot start " + program + ": fork failed";
        return r;
    }
    if (pid == 0) { // the child: only async-signal-safe calls until exec
        ::dup2(fds[1], 1);
        ::dup2(fds[1], 2);
        const int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            ::dup2(devnull, 0);
        ::execv(program.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    const auto deadline = t0 + std::chrono::seconds(timeoutSeconds);
    char buf[4096];
    bool killed = false;
    while (true) {
        pollfd p{fds[0], POLLIN, 0};
        const int ready = ::poll(&p, 1, 100);
        if (ready > 0) {
            const ssize_t n = ::read(fds[0], buf, sizeof buf);
            if (n <= 0)
                break; // the child closed its end: it is ending
            r.output.append(buf, size_t(n));
            if (r.output.size() > kKeep * 2)
                r.output.erase(0, r.output.size() - kKeep);
        } else if (ready < 0 && errno != EINTR) {
            break;
        }
        const bool late = std::chrono::steady_clock::now() > deadline;
        const bool stop = cancel && cancel->load();
        if ((late || stop) && !killed) {
            ::kill(pid, SIGKILL);
            killed = true;
            r.timedOut = late;
            r.cancelled = stop;
        }
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (r.output.size() > kKeep)
        r.output.erase(0, r.output.size() - kKeep);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

} // namespace nbaops
