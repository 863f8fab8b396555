#pragma once
// The budgeted parameter search: successive halving (asynchronous, as in ASHA) over the
// walk-forward months. A new configuration is tried on one month; the best third of those that
// finished a rung go on to more months, up to every month; the time budget decides how many
// configurations are drawn. Every fit is handed to the caller to keep, and a search resumes from
// the fits it kept: configuration N is always drawn from (seed, N).

#include "walkforward.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::model {

// The months a search walks, in the order rungs take them (the latest first, then spread over
// the span), and how many of them each rung evaluates: e.g. 9 months with reduction 3 give 1, 3, 9.
struct SearchPlan
{
    std::vector<std::string> months;
    std::vector<int> rungFolds;
    nlohmann::json toJson() const;
};
SearchPlan searchPlan(const std::vector<std::string>& monthsOldestFirst, int reduction);

// Configuration `index` of a search: 0 is `base`; the others draw depth, learning rate, child
// weight, row and column sampling, gamma, lambda and (with the pseudo-Huber objective) its slope
// from (seed, index), keep the rest of `base`, and get enough rounds for their learning rate.
Params drawConfig(const Params& base, uint64_t seed, int index);

// One fold fit of the search.
struct SearchFit
{
    int config = 0;
    std::string month;
    int rung = 0;
    Params params;
    double mae = 0, baselineMae = 0, validMae = 0;
    int trees = 0;
    double seconds = 0;
};

struct SearchOptions
{
    double budgetSeconds = 600; // no fit starts once the search (every session of it) has spent this
    int maxConfigs = 0;         // > 0: draw no more configurations than this, then finish the rungs
    int reduction = 3;
    uint64_t seed = 20261203;
    double spentBefore = 0;     // seconds spent by earlier sessions of a resumed search
};

// A configuration's standing: its highest finished rung and its mean MAE over that rung's months.
struct SearchConfig
{
    int config = 0;
    Params params;
    int rung = -1;     // -1: not one rung finished
    int months = 0;    // the months of that rung
    double mae = 0;    // mean over the finished rung's months
    double baselineMae = 0;
    double seconds = 0;
};

struct SearchProgress
{
    int fits = 0;            // in this session
    double spentSeconds = 0; // in every session
    double budgetSeconds = 0;
    std::optional<SearchConfig> best;
    const SearchFit* last = nullptr;
};

struct SearchOutcome
{
    SearchPlan plan;
    std::vector<SearchFit> fits;       // every fit, the earlier sessions' first
    std::vector<SearchConfig> configs; // the highest rung first, then by MAE
    std::optional<SearchConfig> best;
    // After each fit (in order), for each rung: the best mean MAE of the configurations that
    // finished it (NaN while none has), for "best reached against fits".
    std::vector<std::vector<double>> bestAfterFit;
    std::string stoppedBy; // budget_spent, finished, cancelled
    double spentSeconds = 0;
    int fitsThisSession = 0;
    nlohmann::json toJson() const;
};

// Runs the search on `folds` (planned by planFolds, with testBefore set so no month reaches the
// final test window) from the fits of earlier sessions (`prior`). `progress` is told each new fit
// (`last`) as soon as it is done, to keep it.
SearchOutcome search(const std::vector<FoldPlan>& folds, const Params& base, const SearchOptions& options,
                     const std::vector<SearchFit>& prior, const std::function<void(const SearchProgress&)>& progress = {},
                     const std::atomic<bool>* cancel = nullptr);

// "90s", "10m", "1h30m", "2h" (and a plain number of minutes) in seconds; throws UsageError.
double parseBudget(const std::string& text);

} // namespace nbaops::model
