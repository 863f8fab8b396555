#pragma once

#include "context.h"

namespace nbaops::pipeline {

// Phase 3: one row per team-game, offence: totals, possessions, pace, offensive rating, rest.
class TeamOffenseSummary final : public Processor
{
public:
    std::string_view name() const override { return "team_offense_game_summary"; }
    Work run(Context& ctx, Date date) override;
};

// Phase 3: one row per team-game seen from the defence: what the opponent scored per 100.
class TeamDefenseSummary final : public Processor
{
public:
    std::string_view name() const override { return "team_defense_game_summary"; }
    Work run(Context& ctx, Date date) override;
};

} // namespace nbaops::pipeline
