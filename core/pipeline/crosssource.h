#pragma once

#include "context.h"

#include <optional>
#include <string>

namespace nbaops::pipeline {

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

} // namespace nbaops::pipeline
