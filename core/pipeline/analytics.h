#pragma once

#include "context.h"

namespace nbaops::pipeline {

// Phase 3: one row per player-game from the raw schedule and box scores, with decimal
// minutes, true shooting %, usage rate, points per 36 and team and opponent totals.
class PlayerGameSummary final : public Processor
{
public:
    std::string_view name() const override { return "player_game_summary"; }
    Work run(Context& ctx, Date date) override;
};

} // namespace nbaops::pipeline
