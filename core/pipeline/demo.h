#pragma once

#include "runner.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::pipeline {

struct DemoOptions
{
    std::filesystem::path dbPath;
    int days = 14;
    std::optional<Date> lastDate; // default: yesterday if in season, else the season's last day
    uint64_t seed = 20241022;
    // Import the simulated league's box scores of the 60 game dates before the first night
    // (as real history is imported), train a model on them and make it champion, so the
    // nights are predicted by it and the Models page has a version to show.
    bool withModel = true;
};

struct DemoSummary
{
    Date first;
    Date last;
    int runs = 0;
    int realFailures = 0;
    int noData = 0;
    std::vector<std::string> injected; // what was broken on purpose, one line each
    std::string model;                 // the champion trained on the imported history
};

// The last day the demo should cover when none is given.
Date defaultDemoLastDate(Date today);

// Builds a demo database: the first slice over `days` simulated days, scheduled as a nightly
// run would be, with faults injected on purpose so every health state appears: an empty
// (no-game) day, an HTTP 500 streak (fixed by a rerun), a box score that hangs until the
// timeout, a malformed payload (fixed by a rerun) and a late last night that misses its SLA.
DemoSummary buildDemo(const DemoOptions& options,
                      const std::function<void(const std::string&)>& progress = {});

} // namespace nbaops::pipeline
