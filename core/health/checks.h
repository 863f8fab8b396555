#pragma once

#include "health.h"

#include <set>

// The health checks beyond the phase tiles, gap detection and the workflow view (used by
// health::check).
namespace nbaops::health {

// `walkStorage`: also add up the data folder's files (full mode; quick reads the disk only).
// `runHistoryOnly`: the database is a cloud project's cache, which holds the run history and
// not the phase tables, breakers, models or backups: those checks say so instead of measuring
// an empty table.
std::vector<Check> runChecks(store::Database& db, const registry::Registry& registry, Date date, int windowDays,
                             TimePoint now, bool walkStorage, bool runHistoryOnly = false);

std::vector<Gap> findGaps(store::Database& db, const registry::Registry& registry,
                          const std::set<std::string>& implemented, Date from, Date until);

std::vector<Workflow> workflows(store::Database& db, Date from, Date until, int limit = 50);

} // namespace nbaops::health
