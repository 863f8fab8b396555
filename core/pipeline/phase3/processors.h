#pragma once

#include "pipeline/context.h"

#include <string>

namespace nbaops::pipeline {

// Phase 3, analytics: cross-source tables, one row per game, player-game or team-game. Files:
// game_schedule.cpp, player_game_summary.cpp, team_game_summaries.cpp.

// Phase 3: the date's games from the first source that served them — NBA.com, else ESPN, else
// balldontlie — into game_schedule, with NBA.com game ids wherever a stored NBA.com schedule of
// the date knows the same teams, and "espn:<event>" / "bdl:<game>" ids otherwise. A source that
// lists no games while the next one lists some is passed over (an empty day that is not empty).
class GameSchedule final : public Processor
{
public:
    std::string_view name() const override { return "game_schedule"; }
    Work run(Context& ctx, Date date) override;
};

// "2024-25" for a date of that season (seasons turn over in August).
std::string seasonLabelForDate(Date date);

// Phase 3: one row per player-game from the raw schedule and box scores, with decimal
// minutes, true shooting %, usage rate, points per 36 and team and opponent totals.
class PlayerGameSummary final : public Processor
{
public:
    std::string_view name() const override { return "player_game_summary"; }
    Work run(Context& ctx, Date date) override;
};

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
