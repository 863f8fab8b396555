#pragma once

#include "dataset.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::model {

// Splits by date, never at random: train [trainFrom, trainUntil], validate (trainUntil,
// validUntil], test [testFrom, testUntil] with testFrom after validUntil.
struct Split
{
    Date trainFrom, trainUntil, validUntil, testFrom, testUntil;
    nlohmann::json toJson() const;
};

struct SplitRequest
{
    std::optional<Date> trainUntil, validUntil, testFrom, testUntil;
};

// Fills what the request leaves open from the dates that hold features. Several seasons: train
// on all but the last, validate on the first 35% of the last season's dates, test on the rest.
// One season: 60% / 20% / 20% of its dates. Throws with the reason when the split is impossible.
Split resolveSplit(const DataCalendar& calendar, const SplitRequest& request);

struct Params
{
    std::map<std::string, std::string> xgb; // passed to XGBoosterSetParam
    int maxRounds = 600;
    int earlyStopping = 40;
    // After early stopping has chosen the number of trees on the validation rows, train that
    // many again on the training and validation rows together: the model kept is the refit one.
    bool refit = true;
    // The scale the trees learn: "sqrt", the square root of the points (a player-game's spread
    // grows with its mean, much less so on this scale; predictions are squared back), or
    // "points". The pseudo-Huber slope is on that scale.
    std::string target = "sqrt";
    nlohmann::json toJson() const;
};

// Chosen by the walk-forward over the last two seasons' months: shallow trees with large leaves
// and few features per tree, a learning rate that early stopping can use, the pseudo-Huber
// objective with a small slope (points are skewed; MAE is the measure), 2 threads.
Params defaultParams();
// "k=v": an XGBoost parameter, or rounds / early_stopping_rounds / refit (0 or 1) / target
// (sqrt or points; switching it moves a default pseudo-Huber slope to the new scale's
// default). Throws on an unknown key or a value that is not a number where one is needed.
void applyParam(Params& p, const std::string& assignment);

// Points labels onto the scale `target` names ("sqrt": their square roots; "points": as they are).
void toTargetScale(std::vector<float>& labels, const std::string& target);

// Debian's XGBoost 1.7.4 writes reg:absoluteerror's adaptive leaves without the learning rate.
// Probed once on a tiny problem: true when this libxgboost has the defect.
bool absoluteErrorIgnoresLearningRate();

struct IterationPoint
{
    int iteration = 0;
    double trainMae = 0, validMae = 0;
};

struct FitProgress
{
    IterationPoint point;
    int bestIteration = 0;
    double bestValidMae = 0;
    int maxRounds = 0;
    bool refitting = false; // point.iteration is a tree of the refit (no metrics), of maxRounds
};
using ProgressFn = std::function<void(const FitProgress&)>;

struct Fit
{
    Params params;                  // as used (the objective may have been replaced)
    std::string artifact;           // UBJSON of the model kept: the refit one when params.refit
    std::string selectionArtifact;  // the trees up to the best iteration, trained on the training
                                    // rows only: out of sample on the validation rows
    int bestIteration = 0;          // 0-based
    int rounds = 0;                 // trained before stopping
    double bestValidMae = 0;
    std::vector<IterationPoint> curve;
    double seconds = 0;
    bool cancelled = false;
    std::vector<std::string> warnings;
    size_t trainRows = 0, validRows = 0;
    size_t refitRows = 0;           // 0: not refit
    double refitSeconds = 0;
};

// Trains with early stopping on the validation rows, then (params.refit) the chosen number of
// trees on both sets together; `cancel` is polled between trees. `features` are the columns it
// may use (empty: every feature).
Fit fit(const std::vector<const Example*>& train, const std::vector<const Example*>& valid, Params params,
        const ProgressFn& progress = {}, const std::atomic<bool>* cancel = nullptr,
        const std::vector<std::string>& features = {});

// Predictions of a saved model for the rows, in the model's feature order.
std::vector<float> predict(const std::string& artifact, const std::vector<std::string>& featureNames,
                           const std::vector<const Example*>& rows);

// Importance of each feature by gain (average gain of its splits), weight (number of splits)
// and cover (average rows covered by its splits).
nlohmann::json importance(const std::string& artifact, const std::vector<std::string>& featureNames);

} // namespace nbaops::model
