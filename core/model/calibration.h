#pragma once
// Over/under, calibrated: a predictive distribution for each prediction, so a prop line gets
// P(over). The distribution is the residuals (actual - predicted points) of the validation
// window, in cells by the player's minutes bucket and the prediction's band (a 4-point
// prediction misses by less than a 25-point one), kept as quantiles. The quality of P(over) is
// measured on the test window: reliability, Brier score and log loss against a naive 50% and
// against the line's own de-vigged price where one exists, and hit rate by confidence.

#include "dataset.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::model {

// The minutes bucket of evaluation and calibration: season-to-date minutes per game.
std::string minutesBucket(const Example& e);

class Calibration
{
public:
    static constexpr int kLevels = 99;    // quantiles at 1%, 2%, ... 99%
    static constexpr int64_t kMinRows = 250; // a cell with fewer borrows its minutes bucket's (or every row's)

    struct Cell
    {
        std::string minutes;  // "<15", "15-30", ">30", or "" for every bucket
        int band = -1;        // index into the band edges, -1 for every band
        int64_t rows = 0;
        std::vector<float> quantiles; // kLevels residual quantiles, ascending
    };

    // From the validation rows and the model's predictions for them. Throws with fewer than
    // kMinRows rows.
    static Calibration fit(const std::vector<const Example*>& rows, const std::vector<float>& predicted);
    static std::optional<Calibration> fromJson(const nlohmann::json& j); // nullopt when absent or unreadable
    nlohmann::json toJson() const;

    // P(points > line) for a player-game predicted at `predicted`, in [0.005, 0.995].
    double pOver(const Example& e, double predicted, double line) const;
    double pOver(const std::string& minutes, double predicted, double line) const;
    // The cell that serves a prediction (its own, else its minutes bucket's, else every row's).
    const Cell& cellFor(const std::string& minutes, double predicted) const;

    const std::vector<double>& bandEdges() const { return m_edges; }
    const std::vector<Cell>& cells() const { return m_cells; }

private:
    std::vector<double> m_edges; // prediction bands: (-inf, e0), [e0, e1), ... [eN, inf)
    std::vector<Cell> m_cells;   // the cells with enough rows, then the buckets', then every row's
};

// How good P(over) was on a window of player-games with lines.
struct OverUnder
{
    std::string lines;          // "odds": The Odds API's consensus lines; "stand-in": see below
    std::string lineDefinition; // what the lines are, in words
    int64_t withLine = 0, graded = 0; // graded: without a push
    double brier = 0, logLoss = 0;
    double naiveBrier = 0.25, naiveLogLoss = 0.6931471805599453; // always 50%
    // Against the lines' own prices (de-vigged), on the rows with prices.
    int64_t priced = 0;
    std::optional<double> marketBrier, marketLogLoss, modelBrierOnPriced, modelLogLossOnPriced;
    struct Bin
    {
        double from = 0, to = 0;  // predicted P(over) range
        int64_t n = 0;
        double meanPredicted = 0, observed = 0; // observed share over
    };
    std::vector<Bin> reliability; // ten bins of predicted P(over)
    struct Band
    {
        std::string name; // confidence |P(over) - 50%|: "<5%", "5-10%", "10-20%", ">=20%"
        int64_t n = 0, hits = 0;
        double hitRate = 0;
        std::pair<double, double> ci95{0, 0};
    };
    std::vector<Band> byConfidence; // the side P(over) favours, and how often it won
    nlohmann::json toJson() const;
    static std::optional<OverUnder> fromJson(const nlohmann::json& j);
};

// P(over) against the consensus lines of The Odds API on the rows' dates, with their prices;
// nullopt when none of the rows has a line.
std::optional<OverUnder> overUnderOnOdds(store::Database& db, const std::vector<const Example*>& rows,
                                         const std::vector<float>& predicted, const Calibration& calibration);
// Without lines (imported history has none): a stand-in line for each player-game, his
// season-to-date points per game rounded to the nearest half point below it plus a half
// (12.3 -> 12.5), as a book's opening line roughly sits.
OverUnder overUnderOnStandInLines(const std::vector<const Example*>& rows, const std::vector<float>& predicted,
                                  const Calibration& calibration);

// American odds to the implied probability, before removing the bookmaker's margin.
double impliedProbability(int americanOdds);

} // namespace nbaops::model
