#pragma once

#include <string>
#include <string_view>

// The build's version (CMake's project version) and the git commit it was built from.
namespace nbaops {

std::string_view version();   // "0.1.0"
std::string_view gitCommit(); // "1a2b3c4d5e6f", "...-dirty", or "unknown" (not built from a checkout)
// "nbaops 0.1.0 (git 1a2b3c4d5e6f)": what `--version` prints for `program`.
std::string versionLine(std::string_view program);

} // namespace nbaops
