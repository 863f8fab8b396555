#pragma once

#include "util/control.h"

namespace nbaops::jobs {

// The one shape of a long job (a date range, an import, training, the demo; later a backfill,
// a backup, a drill, a cloud sync):
//
//     Result job([Session& or Database&,] const Options& options, const Control<Event>& control);
//
// - Options: a plain struct of what the operator chose, validated by the job (UsageError).
// - Control: where the job reports progress, and the flag that stops it. The job checks
//   `cancelled()` in each of its loops, stops at the next checkpoint (what it finished is kept,
//   nothing is half-written) and returns a Result with `cancelled` set.
// - Result: a plain struct, copied to whoever shows it (the CLI prints it, the console's facade
//   posts it to the GUI thread).
// - A job that runs processors is given the pipeline Session it runs in, so a job can compose
//   others in one session (the demo imports and trains in its own); a job that needs only the
//   database is given the path in its options.
// The CLI and the console call the same job; neither keeps its own copy of a job's loop.
template <typename Event> using Control = nbaops::Control<Event>;

// A job whose progress is a line of text for a person.
using TextControl = nbaops::TextControl;

} // namespace nbaops::jobs
