#pragma once

struct sqlite3;

namespace nbaops::store {

// NBAOPS_SQL_PROFILE=1: times every statement of `db`, summed per statement text over the
// process and printed to stderr at exit (the 25 costliest). A diagnostic for performance work;
// off by default, and then it does nothing.
void profileIfAsked(sqlite3* db);

} // namespace nbaops::store
