#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace nbaops::log {

enum class Level { Debug = 0, Info = 1, Warning = 2, Error = 3, Off = 4 };

// The core's one logger. Messages carry the module ("store", "scraper"...). The threshold
// comes from NBAOPS_LOG (debug|info|warning|error|off), default warning. Every message passes
// redact::text first, so a secret the store handed out, or a URL's credentials, never gets out.
void write(Level level, std::string_view module, std::string_view message);
void setLevel(Level level);
Level level();
// Redirects output (the console shows core logs in its own log view); nullptr restores stderr.
void setSink(std::function<void(Level, std::string_view, std::string_view)> sink);

inline void debug(std::string_view m, std::string_view s) { write(Level::Debug, m, s); }
inline void info(std::string_view m, std::string_view s) { write(Level::Info, m, s); }
inline void warning(std::string_view m, std::string_view s) { write(Level::Warning, m, s); }
inline void error(std::string_view m, std::string_view s) { write(Level::Error, m, s); }

} // namespace nbaops::log
