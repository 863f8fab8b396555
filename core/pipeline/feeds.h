#pragma once

#include "context.h"

namespace nbaops::pipeline {

// Phase 1: ESPN's scoreboard for the date (no key), stored untouched.
class EspnScoreboardScraper final : public Processor
{
public:
    std::string_view name() const override { return "espn_scoreboard_scraper"; }
    Work run(Context& ctx, Date date) override;
};

// Phase 1: balldontlie v1 /games and /stats for the date, every cursor page stored untouched;
// the key goes in the Authorization header (NBAOPS_BDL_API_KEY).
class BdlBoxscoreScraper final : public Processor
{
public:
    std::string_view name() const override { return "bdl_boxscore_scraper"; }
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

} // namespace nbaops::pipeline
