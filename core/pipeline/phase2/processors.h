#pragma once

#include "pipeline/context.h"

namespace nbaops::pipeline {

// Phase 2, raw processors: validate the stored payloads and load them into raw tables (the
// date's rows replaced). One file per source: nbac.cpp, espn.cpp, bdl.cpp, odds_api.cpp.

// Phase 2: the stored scoreboard into raw_nbac_schedule (the date's rows replaced).
class ScheduleLoader final : public Processor
{
public:
    std::string_view name() const override { return "nbac_schedule"; }
    Work run(Context& ctx, Date date) override;
};

// Phase 2: the stored box scores into raw_nbac_player_boxscores (the date's rows replaced).
class BoxscoreLoader final : public Processor
{
public:
    std::string_view name() const override { return "nbac_player_boxscores"; }
    Work run(Context& ctx, Date date) override;
};

// Phase 2: the stored ESPN scoreboard into raw_espn_scoreboard (the date's rows replaced).
class EspnScoreboardLoader final : public Processor
{
public:
    std::string_view name() const override { return "espn_scoreboard"; }
    Work run(Context& ctx, Date date) override;
};

// Phase 2: the latest complete set of balldontlie pages into raw_bdl_games and
// raw_bdl_player_boxscores (the date's rows replaced).
class BdlBoxscoreLoader final : public Processor
{
public:
    std::string_view name() const override { return "bdl_player_boxscores"; }
    Work run(Context& ctx, Date date) override;
};

// Phase 2: the stored odds into raw_odds_player_points (the date's rows replaced).
class OddsLoader final : public Processor
{
public:
    std::string_view name() const override { return "odds_api_player_points_props"; }
    Work run(Context& ctx, Date date) override;
};

} // namespace nbaops::pipeline
