#pragma once

#include "backfillschedule.h"
#include "util/date.h"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::jobs {

// What to backfill: a range, a file of dates, or the gaps the health check finds.
struct PlanRequest
{
    std::optional<Date> from, to;        // a range (both), or the bounds of --gaps
    std::filesystem::path datesFile;     // one date a line, '#' comments
    bool gaps = false;
    int workers = 1;
    bool force = false;                  // every processor of every date, not only what is missing
    std::optional<Date> today;           // the bands' reference (default: today, US Eastern)
    // The phases the backend runs on request (Backend::phasesOnRequest): the cloud's services run
    // 2 to 5. Processors outside are not planned; a date whose inputs they left missing is
    // skipped by the check before it, which says so.
    int firstPhase = 1, lastPhase = 6;
};

struct PlannedProcessor
{
    std::string name;
    int phase = 0;
    std::string reason; // missing | failed: error | incomplete: ... | needs <upstream> | forced
};

struct PlannedDate
{
    Date date;
    std::string band; // last 7 days | last 30 days | older
    std::vector<PlannedProcessor> processors; // in the registry's order
};

// Each processor's duration in the run history (successful and no-data runs that did work).
struct ProcessorDuration
{
    std::string processor;
    int runs = 0;
    double p25 = 0, p50 = 0, p90 = 0; // seconds
};

struct PlanEstimate
{
    int workers = 1;
    double seconds = 0;      // every item at its processor's P50
    double low = 0;          // at P25
    double high = 0;         // at P90
    std::vector<ProcessorDuration> durations;
    std::vector<std::string> withoutHistory; // planned processors that never ran: counted at kNoHistorySeconds
};
inline constexpr double kNoHistorySeconds = 1.0;

// A date another active backfill holds.
struct Holder
{
    int64_t id = 0;
    std::string createdBy, createdAt, state, firstDate, lastDate;
    std::vector<Date> overlap;
    std::string text() const; // "backfill 4 (started by ana at ..., 2024-01-01 to 2024-01-31, running) holds 7 of these dates: ..."
};

struct BackfillPlan
{
    std::string source;                 // "range 2024-01-01..2024-01-31", "file dates.txt", "gaps 2024-01-01..2024-03-01"
    std::vector<PlannedDate> dates;     // work order: newest first within the bands
    std::vector<Date> complete;         // asked for, nothing to do
    size_t items = 0;                   // (date, processor) pairs
    int workers = 1;
    bool force = false;
    PlanEstimate estimate;
    std::vector<Holder> holders;        // conflicts: dates other backfills hold (start refuses)
    std::vector<std::string> conflicts; // every conflict in a sentence (holders, the nightly run)
    double planMs = 0;                  // time taken to plan

    BackfillSchedule schedule() const;
    nlohmann::json toJson() const;
    std::string text(bool all = false) const; // for a terminal; `all`: every date, else the first 20
};

// The dates of a file: one YYYY-MM-DD a line; blank lines and '#' comments are skipped.
// Throws UsageError naming the file, the line number and the bad text.
std::vector<Date> readDatesFile(const std::filesystem::path& path);

// The processors a backfill schedules (those this build runs), in the registry's order.
const std::vector<BackfillSchedule::Processor>& backfillProcessors();
// Its index in backfillProcessors(); npos when this build does not run it.
size_t backfillProcessorIndex(const std::string& name);

// "2024-01-01, 2024-01-02 and 5 more".
std::string joinDates(const std::vector<Date>& dates, size_t max = 5);

// "40 s", "12 min", "3.5 h".
std::string durationText(double seconds);

// The band of a date: "last 7 days", "last 30 days" or "older" (relative to `today`).
std::string bandOf(Date date, Date today);

// Plans a backfill from the run history: per date, the processors this build runs that are
// missing, failed or incomplete (a success with no rows where the registry expects some), plus
// everything that depends on them; `force` plans them all. Dates in work order (the last 7 days,
// then the last 30, then older; newest first within each), the estimate for the workers, and
// the conflicts. Throws UsageError for a bad request (no source, a backwards range, a future date).
BackfillPlan planBackfill(store::Database& db, const PlanRequest& request);

// Active (running or paused) backfills holding any of `dates`.
std::vector<Holder> holdersOf(store::Database& db, const std::vector<Date>& dates, int64_t except = 0);

} // namespace nbaops::jobs
