#pragma once

#include "job.h"
#include "sim/league.h"
#include "util/date.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::jobs {

struct DemoOptions
{
    std::filesystem::path dbPath;
    int days = 14;                // 1 to kMaxDemoDays
    std::optional<Date> lastDate; // default: yesterday if in season, else the season's last day
    uint64_t seed = sim::League::kDefaultSeed;
    // Import the simulated league's box scores of the 60 game dates before the first night
    // (as real history is imported), train a model on them and make it champion, so the
    // nights are predicted by it and the Models page has a version to show.
    bool withModel = true;
};
inline constexpr int kMaxDemoDays = 400;

struct DemoSummary
{
    Date first;
    Date last;
    int runs = 0;
    int realFailures = 0;
    int noData = 0;
    std::vector<std::string> injected; // what was broken on purpose, one line each
    std::string model;                 // the champion trained on the imported history
    int alertsFired = 0;               // alerts that fired over the nights (evaluated after each)
    int alertsResolved = 0;
    bool cancelled = false;            // the nights before the cancel are kept
};

// The last day the demo should cover when none is given.
Date defaultDemoLastDate(Date today);

// Builds a demo database: the first slice over `days` simulated days, scheduled as the machine's
// scheduler runs it (each night, then the alert rules, then `repair` at the retry schedule's
// times), with faults injected on purpose so every health state appears: an empty (no-game)
// day, an HTTP 500 streak (fixed by the automatic retry), a box score that hangs until the
// timeout with its fallback down (retried, then left failed and alerted), a malformed payload
// (fixed by a rerun), a night killed mid-run (its orphaned run closed by repair, the date filled
// by a small backfill) and a late last night that misses its SLA.
// Progress is a line per step; cancelled, it stops after the night in progress.
DemoSummary buildDemo(const DemoOptions& options, const TextControl& control);

} // namespace nbaops::jobs
