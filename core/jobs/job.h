#pragma once

#include <atomic>
#include <functional>
#include <string>

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
template <typename Event>
struct Control
{
    std::function<void(const Event&)> progress; // called on the job's thread; may be empty
    const std::atomic<bool>* cancel = nullptr;  // the operator's Ctrl-C / Cancel; may be null

    bool cancelled() const { return cancel && cancel->load(); }
    void report(const Event& event) const
    {
        if (progress)
            progress(event);
    }
};

// A job whose progress is a line of text for a person.
using TextControl = Control<std::string>;

} // namespace nbaops::jobs
