#pragma once

#include "util/control.h"

#include <cstdint>
#include <filesystem>

namespace nbaops::dr {

struct CopyProgress
{
    int64_t pagesDone = 0;
    int64_t pagesTotal = 0;
};

// Copies a SQLite database with SQLite's online backup API while other processes keep writing
// (WAL): the source is read under one read transaction, so the copy is the state of one
// moment and the writers are never blocked. The destination is written in one transaction
// (an interrupted copy leaves it as it was) and ends in rollback-journal mode, one
// self-contained file. Returns false when cancelled (the destination is then removed if this
// call created it). Throws OpsError.
bool onlineCopy(const std::filesystem::path& source, const std::filesystem::path& destination,
                const Control<CopyProgress>& control);

} // namespace nbaops::dr
