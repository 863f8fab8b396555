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
// dependency_missing, validation_failed, timeout, error: the categories that are failures
// (no_data_available is the expected outcome of a day without games).
bool isRealFailureCategory(std::string_view category);
int exitCodeFor(State overall); // 0 healthy, 1 degraded, 2 failed

// quick: the 30-second check; full: plus the last seven days; pipeline: every processor;
// errors: the failures; workflows: each run of the orchestrator; phase: one phase's processors.
enum class Mode { Quick, Full, Pipeline, Errors, Workflows, Phase };
// "quick", "full", "pipeline", "errors", "workflows", or "phase1".."phase6" (sets *phase).
std::optional<Mode> modeFromString(std::string_view s, int* phase = nullptr);
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
    int failedRuns = 1;    // failed runs of the processor and date (retries, reruns): the newest is shown
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

// One health check beyond the phase tiles: freshness, completeness, error rates, stuck runs,
// zero-record runs, circuit breakers, storage, the model against its baseline.
struct Check
{
    std::string name;
    std::string state;   // ok | warning | failed | unknown
    std::string summary; // one sentence
    std::vector<std::string> items;
};

// A processor with no successful run for a date with final games, and what it leaves stale
// downstream (phases 3-6), fallbacks taken into account. Only root gaps are listed: a gap
// whose own upstream has one that date is part of that cascade.
struct Gap
{
    std::string processor;
    int phase = 0;
    std::string date;
    std::string status;               // not run | a failure category
    std::vector<std::string> blocked; // downstream processors that cannot run for the date
    std::vector<std::string> stale;   // "player_game_summary 2024-01-10", "ml_feature_store 2024-01-10 and later"
};

// One invocation of the orchestrator (a run id): when, which dates, how it went.
struct Workflow
{
    std::string runId, startedAt, finishedAt, firstDate, lastDate;
    int runs = 0, failures = 0, processors = 0, dates = 0;
};

struct DayHealth
{
    std::string date;
    State overall = State::NotRun;
    std::array<State, 6> phases{};
};

// The commands the "Next:" lines name, from where the pipeline runs (jobs::Backend).
struct Commands
{
    // Reruns a processor's date: {date} and {processor} are replaced.
    std::string rerun = "nbaops run --date {date}";
    // What fills an empty run history.
    std::string firstRun = "run 'nbaops run --date YYYY-MM-DD' or build the demo with 'nbaops demo'";
    // Runs one processor's date again (and any upstream that never ran for it).
    std::string retry = "nbaops run --date {date} --only {processor}";
    std::string rerunOf(const std::string& date, const std::string& processor) const;
    std::string retryOf(const std::string& date, const std::string& processor) const;
};

// One "Next:" line, and what the console offers to do about it beside the line.
struct NextStep
{
    enum class Action {
        None,
        Retry,       // run `processor` for `date` again (it changes data: the console asks first)
        Rerun,       // run `date` again: what failed or changed reruns, the rest is kept
        FillGaps,    // plan a backfill of the window's gaps (nothing runs until Start)
        OpenAlerts,  // the Alerts page, filtered to `filter`
    };
    std::string text;
    Action action = Action::None;
    std::string date, processor;
    std::string filter;
    std::string command; // the same from a terminal ("" when the text names none)
};

struct Query
{
    Mode mode = Mode::Quick;
    std::optional<Date> date; // default: the latest game date with runs
    int windowDays = 0;       // default: 1 for quick/pipeline, 7 for full/errors/workflows
    int phase = 0;            // Mode::Phase: which one (1-6)
    Commands commands;
    bool runHistoryOnly = false; // a cloud project's cache: see runChecks
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
    std::vector<Check> checks;         // every mode but errors
    std::vector<Gap> gaps;             // the window's dates
    std::vector<Workflow> workflows;   // workflows mode
    std::vector<std::string> nextSteps; // the texts of `next`
    std::vector<NextStep> next;
    double elapsedMs = 0;
    bool empty = false;                // the database has no runs at all
};

// Real failures of the game dates from `from` to `date` (at most 500): whether a later run
// resolved each, which are root causes and what each blocked downstream that date (a source and
// its fallback down together are joint causes). Unresolved first, then newest date; within a
// date root causes first, by phase, then criticality (a primary source before its fallback).
std::vector<FailureItem> realFailures(store::Database& db, const registry::Registry& registry, Date from, Date date);

// The morning health check, from the run-history summaries.
Report check(store::Database& db, const registry::Registry& registry,
             const std::vector<std::string>& implemented, const Query& query,
             TimePoint now = std::chrono::system_clock::now());

} // namespace nbaops::health
