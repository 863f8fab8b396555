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
    nlohmann::json toJson() const;
};

// The tuned parameters of DOMAIN.md with a learning rate that early stopping can use, the
// pseudo-Huber objective (points are skewed; MAE is the measure) and 2 threads.
Params defaultParams();
// "k=v": an XGBoost parameter, or rounds / early_stopping_rounds. Throws on an unknown key or
// a value that is not a number where one is needed.
void applyParam(Params& p, const std::string& assignment);

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
};
using ProgressFn = std::function<void(const FitProgress&)>;

struct Fit
{
    Params params;                  // as used (the objective may have been replaced)
    std::string artifact;           // UBJSON of the trees up to the best iteration
    int bestIteration = 0;          // 0-based
    int rounds = 0;                 // trained before stopping
    double bestValidMae = 0;
    std::vector<IterationPoint> curve;
    double seconds = 0;
    bool cancelled = false;
    std::vector<std::string> warnings;
    size_t trainRows = 0, validRows = 0;
};

// Trains with early stopping on the validation rows; `cancel` is polled between trees. `features`
// are the columns it may use (empty: every feature).
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
