#pragma once

#include "util/date.h"

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}
namespace nbaops::registry {
class Registry;
}

namespace nbaops::health {

enum class State { Healthy, Degraded, Failed, NotRun };
std::string_view toString(State s);
int exitCodeFor(State overall); // 0 healthy, 1 degraded, 2 failed

enum class Mode { Quick, Full, Pipeline, Errors };
std::optional<Mode> modeFromString(std::string_view s);
std::string_view toString(Mode m);

struct ProcessorStatus
{
    std::string name;
    int phase = 0;
    std::string criticality;
    bool implemented = false;
    std::string category;      // latest run's failure category; "" when not run
    std::string status;        // running | success | no_data | failed | not_run
    std::string startedAt, finishedAt;
    int64_t durationMs = 0;
    int64_t recordsOut = 0;
    int attempt = 0;
    std::string error;
    std::string sla;           // met | missed | pending | n/a
    std::string slaDeadline;   // "2024-01-03 06:00 ET"
    bool belowExpectedRecords = false;
};

struct PhaseHealth
{
    int phase = 0;
    std::string name;
    State state = State::NotRun;
    std::string reason;        // one sentence: why this state
    bool scheduled = false;    // false: no processor of this phase runs in this build yet
    std::optional<std::string> lastSuccess; // ISO UTC
    int runs = 0;              // runs in the window
    std::map<std::string, int> byCategory; // runs in the window per category
    int realFailures = 0;      // latest runs of the date that failed for real
    int slaMet = 0, slaMissed = 0, slaPending = 0;
    std::vector<ProcessorStatus> processors;
};

struct FailureItem
{
    std::string processor;
    int phase = 0;
    std::string criticality;
    std::string gameDate;
    std::string category;
    std::string error;
    std::string finishedAt;
    std::string runId;
    int attempt = 0;
    bool resolved = false; // a later run of the same processor and date succeeded
    bool rootCause = true; // false: blocked by another listed failure upstream on the same date
    int blocked = 0;       // for a root cause: the failures it caused downstream that date
    // Other root causes of the date without which some of those would have run (a source and
    // its fallback both down), e.g. "bdl_boxscore_scraper".
    std::vector<std::string> jointWith;
};

struct Freshness
{
    std::string table;
    std::string producer;
    std::optional<std::string> latestGameDate;
    std::optional<std::string> lastWriteAt;
    std::string state; // fresh | stale | empty
    int lagDays = 0;
};

struct DayHealth
{
    std::string date;
    State overall = State::NotRun;
    std::array<State, 6> phases{};
};

struct Query
{
    Mode mode = Mode::Quick;
    std::optional<Date> date; // default: the latest game date with runs
    int windowDays = 0;       // default: 1 for quick/pipeline, 7 for full/errors
};

struct Report
{
    std::string date;
    Mode mode = Mode::Quick;
    int windowDays = 1;
    State overall = State::NotRun;
    int exitCode = 2;
    std::string generatedAt;
    std::string database;
    std::vector<PhaseHealth> phases;
    std::vector<FailureItem> failures; // real failures, unresolved first
    int expectedNoData = 0;            // no_data_available runs in the window (collapsed)
    int openEarlier = 0;               // still-failed processor-dates in the 6 days before the window
    std::vector<Freshness> freshness;
    std::vector<DayHealth> recentDays; // full mode
    std::vector<std::string> nextSteps;
    double elapsedMs = 0;
    bool empty = false;                // the database has no runs at all
};

// The morning health check, from the run-history summaries.
Report check(store::Database& db, const registry::Registry& registry,
             const std::vector<std::string>& implemented, const Query& query,
             TimePoint now = std::chrono::system_clock::now());

} // namespace nbaops::health
