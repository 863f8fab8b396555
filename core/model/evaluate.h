#pragma once

#include "dataset.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::model {

struct Metrics
{
    int64_t n = 0;
    double mae = 0, rmse = 0;
};

// MAE/RMSE overall and by segment: prior minutes (season-to-date minutes per game: <15,
// 15-30, >30), venue (home, away), rest (0 = back-to-back, 1, 2+).
struct Segmented
{
    Metrics overall;
    std::map<std::string, Metrics> byMinutes, byVenue, byRest;
    nlohmann::json toJson() const;
};

// The baselines, named as in reports: season_mean, last10_mean, ewm.
inline constexpr const char* kBaselines[] = {"season_mean", "last10_mean", "ewm"};
std::optional<double> baseline(const Example& e, const std::string& name);

struct PropGrading
{
    int64_t withLine = 0;  // evaluated player-games with a prop line that day
    int64_t graded = 0;    // ... without a push
    int64_t hits = 0;      // the side the prediction took (over / under the line) won
    double hitRate = 0;
    std::pair<double, double> ci95{0, 0}; // Wilson interval
};

struct Residuals
{
    double mean = 0, sd = 0, p05 = 0, p50 = 0, p95 = 0;
    double binWidth = 2;
    double firstEdge = 0;
    std::vector<int64_t> counts; // histogram of actual - predicted
};

// How a model did on an evaluation window, against the baselines on the same rows.
struct Evaluation
{
    std::string definition = kPopulation;
    int64_t rows = 0;
    int dates = 0;
    Date from, until;
    Segmented model;
    std::map<std::string, Segmented> baselines;
    std::string bestBaseline;
    double maeDiff = 0;                        // model - best baseline (negative: better)
    std::pair<double, double> maeDiffCi95{0, 0}; // date bootstrap
    double improvementPct = 0;                 // how far below the best baseline, in percent
    Residuals residuals;
    std::optional<PropGrading> props;
    // MAE per calendar week (Monday start) of the window: the model and the best baseline.
    struct Week
    {
        Date start;
        int64_t rows = 0;
        double modelMae = 0, baselineMae = 0;
    };
    std::vector<Week> weekly;
    // Scatter sample: (predicted, actual), at most 2,000 rows spread over the window.
    std::vector<std::pair<float, float>> sample;
    nlohmann::json toJson() const;
};

// `rows` are the population rows of the window, `predicted` the model's points for each.
Evaluation evaluate(const std::vector<const Example*>& rows, const std::vector<float>& predicted);

// Date bootstrap of mean(a) - mean(b) over paired per-row errors grouped by date.
std::pair<double, double> bootstrapDiff(const std::vector<const Example*>& rows, const std::vector<double>& errA,
                                        const std::vector<double>& errB, int resamples = 2000, uint64_t seed = 20261127);

// Over/under grading against the day's consensus (median) prop line, where The Odds API had one.
std::optional<PropGrading> gradeProps(store::Database& db, const std::vector<const Example*>& rows,
                                      const std::vector<float>& predicted);

std::pair<double, double> wilson(int64_t hits, int64_t n);

} // namespace nbaops::model
