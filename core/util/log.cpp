#include "log.h"

#include "date.h"
#include "redact.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace nbaops::log {
namespace {

Level levelFromEnv()
{
    const char* v = std::getenv("NBAOPS_LOG");
    if (!v)
        return Level::Warning;
    if (!std::strcmp(v, "debug"))
        return Level::Debug;
    if (!std::strcmp(v, "info"))
        return Level::Info;
    if (!std::strcmp(v, "error"))
        return Level::Error;
    if (!std::strcmp(v, "off"))
        return Level::Off;
    return Level::Warning;
}

std::atomic<int>& threshold()
{
    static std::atomic<int> t{int(levelFromEnv())};
    return t;
}

std::mutex& sinkMutex()
{
    static std::mutex m;
    return m;
}

std::function<void(Level, std::string_view, std::string_view)>& sinkFn()
{
    static std::function<void(Level, std::string_view, std::string_view)> s;
    return s;
}

const char* name(Level l)
{
    switch (l) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warning: return "warning";
    case Level::Error: return "error";
    case Level::Off: break;
    }
    return "";
}

} // namespace

void write(Level l, std::string_view module, std::string_view message)
{
    if (int(l) < threshold().load())
        return;
    const std::string clean = redact::text(message);
    message = clean;
    std::lock_guard lock(sinkMutex());
    if (auto& s = sinkFn()) {
        s(l, module, message);
        return;
    }
    const std::string ts = toIsoUtc(std::chrono::system_clock::now());
    std::fprintf(stderr, "%s %-7s nbaops.%.*s: %.*s\n", ts.c_str(), name(l), int(module.size()),
                 module.data(), int(message.size()), message.data());
}

void setLevel(Level l) { threshold().store(int(l)); }
Level level() { return Level(threshold().load()); }

void setSink(std::function<void(Level, std::string_view, std::string_view)> sink)
{
    std::lock_guard lock(sinkMutex());
    sinkFn() = std::move(sink);
}

} // namespace nbaops::log
