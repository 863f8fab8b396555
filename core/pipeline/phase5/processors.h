#pragma once

#include "pipeline/context.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace nbaops::model {
class Calibration;
}

namespace nbaops::pipeline {

// Phase 5, predictions: the day's points predicted, yesterday's graded (predictions.cpp).

// Phase 5: points predictions for the date's rostered players. The baseline predictor always
// runs (model_kind 'baseline': the yardstick of the live retraining trigger); once a model is
// champion it serves too (model_kind 'xgboost'), with the challenger on its share of games
// during a rollout (a stable hash of the game id).
class Predictions final : public Processor
{
public:
    std::string_view name() const override { return "player_prop_predictions"; }
    Work run(Context& ctx, Date date) override;

    // A served model's artifact and feature order, read (and its checksum verified) once.
    struct Loaded
    {
        std::string artifact;
        std::vector<std::string> features;
        std::shared_ptr<const model::Calibration> calibration; // null: a version without P(over)
    };
    Loaded loadModel(Context& ctx, const std::string& version);

private:
    std::mutex m_mutex;
    std::map<std::string, Loaded> m_models; // by version, checksum verified once
};

// Phase 5: grades the date's predictions against the points actually scored (and the prop
// line, where one exists).
class PredictionGrades final : public Processor
{
public:
    std::string_view name() const override { return "prediction_grades"; }
    Work run(Context& ctx, Date date) override;
};

} // namespace nbaops::pipeline
