#pragma once

#include "job.h"
#include "model/calibration.h"
#include "model/evaluate.h"
#include "model/search.h"
#include "model/train.h"
#include "model/versions.h"
#include "model/walkforward.h"
#include "store/audit.h"

#include <optional>
#include <string>

namespace nbaops::pipeline {
class Session;
}

namespace nbaops::jobs {

// The budgeted search before training (model/search.h): judged on the walk-forward months that
// end before the split's test window; every fit kept in the registry (model/searchlog.h).
struct SearchRequest
{
    double budgetSeconds = 600; // for a resumed search: added to what it had
    std::string resume;         // the id of a search to go on with ("" : a new one)
    int maxConfigs = 0;         // > 0: at most this many configurations
    int reduction = 3;
    model::WalkForwardOptions folds;
};

struct TrainOptions
{
    model::SplitRequest split;
    model::Params params = model::defaultParams(); // the search's first configuration, when one runs
    std::optional<SearchRequest> search;
    std::string actor = store::currentActor();
};

// What the workbench is doing, for progress bars and the live learning curve.
struct TrainEvent
{
    enum class Stage { Features, Loading, Search, Training, Evaluating, Done } stage = Stage::Features;
    std::string message;
    int done = 0, total = 0;
    std::optional<model::FitProgress> fit; // set on every tree while training the final model
};

struct TrainResult
{
    std::string version; // empty when cancelled
    model::Split split;
    model::Fit fit;
    model::Evaluation test;
    std::optional<model::SearchOutcome> search;
    std::string searchId;
    std::optional<model::Calibration> calibration; // P(over), from the validation window
    std::vector<model::OverUnder> overUnder;       // P(over) judged on the test window's lines
    nlohmann::json report; // what `nbaops train --json` prints and the registry stores
    bool cancelled = false;
    int featureDatesBuilt = 0;
    // From the call to the first tree: the analyst's wait before training shows progress
    // (features brought up to date, the dataset read, the matrices built). 0 when none grew.
    double firstTreeSeconds = 0;
};

// Brings the feature store up to date over [from, until] (dates with box scores whose feature
// rows are missing, older or stale); returns how many dates were (re)built.
int ensureFeatures(pipeline::Session& session, Date from, Date until, const Control<TrainEvent>& control);

// The training job: features, split, optional search, the final fit, one evaluation on the test
// window, registration. Throws with the reason when it cannot train.
TrainResult train(pipeline::Session& session, const TrainOptions& options, const Control<TrainEvent>& control);

struct WalkForwardOptions
{
    model::Params params = model::defaultParams();
    model::WalkForwardOptions folds;
    std::string actor = store::currentActor();
};

struct WalkForwardResult
{
    model::WalkForward walk;
    int featureDatesBuilt = 0;
    bool cancelled = false;
    std::string evaluationId; // where the run is kept (model_evaluations)
};

// Walk-forward evaluation of `params` over the whole history (features brought up to date
// first): a fit per month of the last seasons, no model registered; the figures are kept in
// model_evaluations. Throws with the reason when
// the history cannot be walked (fewer than two seasons).
WalkForwardResult walkForward(pipeline::Session& session, const WalkForwardOptions& options,
                              const Control<TrainEvent>& control);

struct AblationOptions
{
    model::Params params = model::defaultParams();
    model::WalkForwardOptions folds;
    std::vector<std::string> families; // empty: every family of features::families()
    std::string actor = store::currentActor();
};

struct AblationResult
{
    model::Ablation ablation;
    int featureDatesBuilt = 0;
    bool cancelled = false;
    std::string evaluationId;
};

// Feature ablation over the walk-forward folds (see model::ablate); no model registered, the
// figures kept in model_evaluations.
AblationResult ablate(pipeline::Session& session, const AblationOptions& options, const Control<TrainEvent>& control);

} // namespace nbaops::jobs
