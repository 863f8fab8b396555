#pragma once
// Walk-forward evaluation: for every calendar month of the last seasons in the data, train on
// everything before the month and test on the month, so a configuration is judged on many test
// windows instead of the one split it might flatter.

#include "evaluate.h"
#include "train.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nbaops::model {

struct WalkForwardOptions
{
    int seasons = 2;     // the months of this many last seasons are the test folds
    int validDates = 28; // early stopping on the last this-many game dates before each month
    // A month with fewer test rows is left out, saying so: a season's first weeks hold few
    // player-games past their fifth game, and a fold of a few rows would sway the mean.
    size_t minTestRows = 200;
    std::vector<std::string> features; // the columns the folds may use (empty: every feature)
    // The months' test dates stop before this date: a search judged on the walk-forward must not
    // read the final test window it will be reported on. Unset: every date of the months.
    std::optional<Date> testBefore;
};

// One month: its windows, its rows, and the model against every baseline on the same rows.
struct Fold
{
    std::string month; // YYYY-MM
    std::string season;
    Date trainFrom, trainUntil, validFrom, validUntil, testFrom, testUntil;
    size_t trainRows = 0, validRows = 0, testRows = 0;
    int trees = 0;
    double seconds = 0;
    double validMae = 0; // early stopping's, on the validation dates before the month
    double modelMae = 0;
    std::map<std::string, double> baselineMae; // kBaselines
    std::string bestBaseline;                  // the lowest on this month's rows
    double bestBaselineMae() const { return baselineMae.at(bestBaseline); }
    std::map<std::string, std::pair<double, double>> byMinutes; // bucket: model, best baseline
    nlohmann::json toJson() const;
};

struct WalkForward
{
    std::vector<Fold> folds;
    std::vector<std::string> skipped; // months without enough rows to train or test, and why
    // Over the folds, each weighing the same: the mean MAE of the model and of each fold's best
    // baseline, their mean difference (model - baseline) and its 95% t-interval.
    double meanModelMae = 0, meanBaselineMae = 0, meanDiff = 0;
    std::pair<double, double> meanDiffCi95{0, 0};
    double improvementPct = 0; // -100 * meanDiff / meanBaselineMae
    int foldsBetter = 0;       // where the model's MAE is below the best baseline's
    // Every fold's test rows together (each player-game once): MAE, and the difference to the
    // baseline best over them all with its date-bootstrap 95% interval.
    int64_t pooledRows = 0;
    double pooledModelMae = 0, pooledBaselineMae = 0;
    std::string pooledBestBaseline;
    std::pair<double, double> pooledDiffCi95{0, 0};
    double seconds = 0;
    bool cancelled = false;
    nlohmann::json toJson() const;
};

// A fold before it is fitted: its windows and rows (pointers into the dataset).
struct FoldPlan
{
    Fold fold; // month, season, windows; the figures are filled by runFold
    std::vector<const Example*> train, valid, test;
};
struct FoldPlans
{
    std::vector<FoldPlan> folds;
    std::vector<std::string> skipped;
};
// The months of the last `options.seasons` seasons that can be tested, each with the rows it
// trains, validates and tests on. Throws when the data holds fewer than two seasons.
FoldPlans planFolds(const Dataset& data, const DataCalendar& calendar, const WalkForwardOptions& options);
// Fits `params` on one planned fold and scores its month against the baselines. Empty when
// cancelled. `predicted` (optional) receives the month's predictions, in the plan's test order.
std::optional<Fold> runFold(const FoldPlan& plan, const Params& params, const std::vector<std::string>& features,
                            const std::atomic<bool>* cancel = nullptr, std::vector<float>* predicted = nullptr);

// The 97.5% quantile of Student's t with `df` degrees of freedom (df >= 1).
double tQuantile975(int df);
// The 95% t-interval of the mean of `values` (a point when there are fewer than two).
std::pair<double, double> tInterval(const std::vector<double>& values);

// The folds of `data` (all of it: every row before a month may train) for `params`. `progress`
// is told before each fold (index, total, month) and after it (with the fold); `cancel` is
// polled between folds and between trees. Throws when the data holds no month to test.
using FoldProgressFn = std::function<void(int index, int total, const std::string& month, const Fold* done)>;
WalkForward walkForward(const Dataset& data, const DataCalendar& calendar, const Params& params,
                        const WalkForwardOptions& options = {}, const FoldProgressFn& progress = {},
                        const std::atomic<bool>* cancel = nullptr);

// Feature ablation: the walk-forward with every feature, then once more without each family
// (features::families()); for each family, how much the MAE rises without it, month by month.
struct AblationRow
{
    std::string family;
    std::vector<std::string> dropped;
    double meanModelMae = 0;
    double rise = 0;                      // mean over the months of (MAE without) - (MAE with all)
    std::pair<double, double> riseCi95{0, 0}; // 95% t-interval over the months
    int monthsWorse = 0;                  // months where the MAE without the family is higher
};
struct Ablation
{
    WalkForward all;
    std::vector<AblationRow> rows; // in features::families() order
    bool cancelled = false;
    double seconds = 0;
    nlohmann::json toJson() const;
};
// `families`: the names to drop one at a time (empty: every family). `progress` is told what is
// being walked, and how many walks of how many are done. Throws on an unknown family.
using AblationProgressFn = std::function<void(const std::string& what, int done, int total)>;
Ablation ablate(const Dataset& data, const DataCalendar& calendar, const Params& params,
                const WalkForwardOptions& options, const std::vector<std::string>& families = {},
                const AblationProgressFn& progress = {}, const std::atomic<bool>* cancel = nullptr);

} // namespace nbaops::model
