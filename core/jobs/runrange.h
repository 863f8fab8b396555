#pragma once

#include "job.h"
#include "pipeline/runner.h"

#include <string>

namespace nbaops::pipeline {
class Session;
}

namespace nbaops::jobs {

struct RunRangeOptions
{
    Date from;
    Date to;           // inclusive; equal to `from` for one date
    std::string only;  // one processor (and any upstream that never ran for the date); empty: all
};

// What a range run tells as it goes, on the session's worker threads one call at a time.
struct RunRangeEvent
{
    enum class Kind { DateStarted, ProcessorStarted, ProcessorFinished } kind = Kind::DateStarted;
    Date date;
    std::string processor;                           // ProcessorStarted, ProcessorFinished
    const pipeline::ProcessorResult* result = nullptr; // ProcessorFinished
};

struct RunRangeResult
{
    int dates = 0;          // dates started
    int realFailures = 0;   // failures that are not "no data" (see pipeline::isRealFailure)
    bool cancelled = false;
    Date cancelledAt;       // the date in progress when it was cancelled
    int published = 0;      // documents written at the end (publishing deferred over a range)
    double seconds = 0;
};

// Throws UsageError when `to` is before `from` or the range is longer than kMaxRangeDays.
void checkRange(Date from, Date to, const std::string& fromName = "the first date",
                const std::string& toName = "the last date");

// Runs every date of [from, to] through the pipeline's graph on the session's workers, one date
// after another, oldest first; over several dates the published documents are written once, at
// the end. Cancelled between dates and, inside a date, by the session's own cancel flag (pass
// the same flag to both): finished processors keep their results.
RunRangeResult runRange(pipeline::Session& session, const RunRangeOptions& options,
                        const Control<RunRangeEvent>& control);

} // namespace nbaops::jobs
