#pragma once

#include "context.h"

namespace nbaops::pipeline {

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

} // namespace nbaops::pipeline
