#pragma once

#include "context.h"

namespace nbaops::pipeline {

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

} // namespace nbaops::pipeline
