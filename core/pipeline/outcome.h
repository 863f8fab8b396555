#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nbaops::pipeline {

// The failure categories of the run history. Only the last four are real failures;
// no_data_available is the expected outcome of a day without games.
enum class Category { Success, NoDataAvailable, DependencyMissing, ValidationFailed, Timeout, Error };

std::string_view toString(Category c);
std::optional<Category> categoryFromString(std::string_view s);
bool isRealFailure(Category c);
std::string_view statusFor(Category c); // success | no_data | failed

struct Outcome
{
    Category category = Category::Success;
    int64_t recordsIn = 0;
    int64_t recordsOut = 0;
    std::string error;  // what went wrong, for the operator
    std::string source; // which upstream served (nba_com ...)
};

} // namespace nbaops::pipeline
