#pragma once

#include "pipeline/context.h"

namespace nbaops::pipeline {

// Phase 1, scrapers: fetch upstream JSON and store the payload untouched, in the transaction
// that records the run. One file per source: nbac.cpp, espn.cpp, bdl.cpp, odds_api.cpp.

// Phase 1: NBA.com stats scoreboardv2 for the date, stored untouched in the object store.
class ScheduleScraper final : public Processor
{
public:
    std::string_view name() const override { return "nbac_schedule_scraper"; }
    Work run(Context& ctx, Date date) override;
};

// Phase 1: boxscoretraditionalv2 for every final game of the stored scoreboard.
class BoxscoreScraper final : public Processor
{
public:
    std::string_view name() const override { return "nbac_boxscore_scraper"; }
    Work run(Context& ctx, Date date) override;
};

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

// Phase 1: The Odds API v4 — the date's events, then each event's player_points market.
class OddsScraper final : public Processor
{
public:
    std::string_view name() const override { return "odds_api_props_scraper"; }
    Work run(Context& ctx, Date date) override;
};

} // namespace nbaops::pipeline
