#pragma once

#include "calibration.h"
#include "util/date.h"

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

// A training report as the registry stores it with each version (and `nbaops train --json`
// prints it), read back into types: pages and commands read fields, never JSON keys. Reading
// is tolerant: a report of an older version lacks some fields, and they keep their defaults.

// MAE (and RMSE) overall and by segment: prior minutes "<15", "15-30", ">30"; venue "home",
// "away"; rest "0", "1", "2+".
struct SegmentedMae
{
    std::optional<double> mae, rmse;
    std::map<std::string, double> byMinutes, byVenue, byRest;
};

struct FeatureImportance
{
    std::string label; // what the value measures
    std::vector<std::pair<std::string, double>> features; // most important first
};

struct CurvePoint
{
    int iteration = 0;
    double trainMae = 0, validMae = 0;
};

// A configuration of the budgeted search: its highest finished rung and its mean walk-forward
// MAE over that rung's months.
struct SearchRow
{
    int config = 0;
    int rung = -1;
    int months = 0;
    double mae = 0, baselineMae = 0;
    double seconds = 0;
    std::map<std::string, double> params; // the numeric XGBoost parameters it tried
};

struct SearchSummary
{
    std::string id, stoppedBy;
    int fits = 0;
    double spentSeconds = 0;
    std::vector<std::string> months; // in the order the rungs take them
    std::vector<int> rungFolds;
    std::vector<SearchRow> configs;
    std::vector<std::vector<double>> bestAfterFit; // after each fit, each rung's best MAE (NaN: none yet)
    std::optional<int> best;
};

struct WeekMae
{
    std::string week; // the Monday, ISO
    int64_t rows = 0;
    double mae = 0, baselineMae = 0;
};

struct PropsSummary
{
    int64_t graded = 0;
    double hitRate = 0;
    std::pair<double, double> ci95{0, 0};
};

struct ResidualHistogram
{
    double mean = 0, sd = 0;
    double firstEdge = -30, binWidth = 2;
    std::vector<int64_t> counts; // actual - predicted, per bin
};

struct TrainingReport
{
    bool evaluated = false; // false: the report holds no evaluation (nothing to show)
    std::string version, objective;
    std::string target = "points"; // the scale the trees learnt: "sqrt" or "points" (older versions)
    int trees = 0, rounds = 0, bestIteration = 0;
    double trainSeconds = 0;
    std::string trainFrom, trainUntil, validUntil, testFrom, testUntil;
    int64_t trainRows = 0, validRows = 0;
    std::string population; // its definition
    int64_t testRows = 0;
    int testDates = 0;
    SegmentedMae model;
    std::map<std::string, SegmentedMae> baselines; // season_mean, last10_mean, ewm
    std::string bestBaseline;
    double maeDiff = 0, improvementPct = 0;
    std::pair<double, double> maeDiffCi95{0, 0};
    std::optional<PropsSummary> props;
    std::vector<std::string> warnings;
    std::map<std::string, FeatureImportance> importance; // gain, weight, cover
    std::vector<CurvePoint> curve;
    SearchSummary search;
    std::vector<OverUnder> overUnder; // P(over) on the test window: bookmaker lines first, then stand-in lines
    std::vector<WeekMae> weekly;
    std::vector<std::pair<double, double>> sample; // (predicted, actual)
    ResidualHistogram residuals;

    static TrainingReport fromJson(const nlohmann::json& report);
};

// Graded live predictions per calendar week (Monday start) and serving model.
struct LiveWeek
{
    std::string week, model;
    int64_t rows = 0;
    double mae = 0;
};
std::vector<LiveWeek> liveWeeklyMae(store::Database& db);

// A date whose data the MAE of that week may not be fair to: a processor's latest run failed,
// or a feature was NULL far more often than it usually is.
struct DataQualityEvent
{
    std::string date;
    std::string kind; // "failed" or "nulls"
    std::string detail;
};
inline constexpr double kNullSpike = 0.25; // a NULL rate this far above the feature's recent median
// The events of every date, oldest first.
std::vector<DataQualityEvent> dataQualityEvents(store::Database& db);

} // namespace nbaops::model
