#include "version.h"

#include "nbaops_commit.h" // generated at each build by cmake/version.cmake

namespace nbaops {

std::string_view version()
{
    return NBAOPS_VERSION;
}

std::string_view gitCommit()
{
    return NBAOPS_GIT_COMMIT;
}

std::string versionLine(std::string_view program)
{
    return std::string(program) + " " + std::string(version()) + " (git " + std::string(gitCommit()) + ")";
}

} // namespace nbaops
