#pragma once

#include "context.h"

namespace nbaops::pipeline {

// Phase 1: The Odds API v4 — the date's events, then each event's player_points market.
class OddsScraper final : public Processor
{
public:
    std::string_view name() const override { return "odds_api_props_scraper"; }
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
