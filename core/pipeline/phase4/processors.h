#pragma once

#include "features/build.h"
#include "pipeline/context.h"

#include <mutex>

namespace nbaops::pipeline {

// Phase 4, precompute: the point-in-time feature rows and the composite factors (precompute.cpp;
// the features themselves are computed in core/features).

// Phase 4: fatigue, pace, matchup, usage-trend and form factors per rostered player, from the
// date's feature rows.
class CompositeFactors final : public Processor
{
public:
    std::string_view name() const override { return "player_composite_factors"; }
    Work run(Context& ctx, Date date) override;
};

// Phase 4: the point-in-time feature rows of the date and each feature's NULL rate.
class FeatureStore final : public Processor
{
public:
    std::string_view name() const override { return "ml_feature_store"; }
    int version() const override { return features::kVersion; }
    Work run(Context& ctx, Date date) override;

private:
    std::mutex m_mutex; // one date at a time reads and extends the cache
    features::HistoryCache m_history;
};

} // namespace nbaops::pipeline
