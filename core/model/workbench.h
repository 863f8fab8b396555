#pragma once

#include "evaluate.h"
#include "registry.h"
#include "train.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>

namespace nbaops::pipeline {
class Session;
}

namespace nbaops::model {

struct TrainRequest
{
    SplitRequest split;
    Params params = defaultParams();
    int search = 0;            // > 1: random search with this many fits, best by validation MAE
    std::string actor = currentActor();
};

// What the workbench is doing, for progress bars and the live learning curve.
struct TrainEvent
{
    enum class Stage { Features, Loading, Search, Training, Evaluating, Done } stage = Stage::Features;
    std::string message;
    int done = 0, total = 0;
    std::optional<FitProgress> fit; // set on every tree while training the final model
};
using TrainEventFn = std::function<void(const TrainEvent&)>;

struct TrainRun
{
    std::string version; // empty when cancelled
    Split split;
    Fit fit;
    Evaluation test;
    std::vector<Trial> trials;
    nlohmann::json report; // what `nbaops train --json` prints and the registry stores
    bool cancelled = false;
    int featureDatesBuilt = 0;
};

// Brings the feature store up to date over [from, until] (dates with box scores whose feature
// rows are missing, older or stale); returns how many dates were (re)built.
int ensureFeatures(pipeline::Session& session, Date from, Date until, const TrainEventFn& events = {},
                   const std::atomic<bool>* cancel = nullptr);

// The whole run: features, split, optional search, the final fit, one evaluation on the test
// window, registration. Throws with the reason when it cannot train.
TrainRun trainModel(pipeline::Session& session, const TrainRequest& request, const TrainEventFn& events = {},
                    const std::atomic<bool>* cancel = nullptr);

} // namespace nbaops::model
