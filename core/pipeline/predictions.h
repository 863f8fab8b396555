#pragma once

#include "context.h"

namespace nbaops::pipeline {

// Phase 5: points predictions for the date's rostered players. Until a model is promoted to
// champion this is the baseline predictor, recorded as model_kind 'baseline'.
class Predictions final : public Processor
{
public:
    std::string_view name() const override { return "player_prop_predictions"; }
    Work run(Context& ctx, Date date) override;
    static constexpr const char* kBaselineVersion = "baseline-blend-v1";
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
