#include "outcome.h"

namespace nbaops::pipeline {

namespace {
constexpr std::pair<Category, std::string_view> kNames[] = {
    {Category::Success, "success"},
    {Category::NoDataAvailable, "no_data_available"},
    {Category::DependencyMissing, "dependency_missing"},
    {Category::ValidationFailed, "validation_failed"},
    {Category::Timeout, "timeout"},
    {Category::Error, "error"},
};
} // namespace

std::string_view toString(Category c)
{
    for (const auto& [k, n] : kNames) {
        if (k == c)
            return n;
    }
    return "error";
}

std::optional<Category> categoryFromString(std::string_view s)
{
    for (const auto& [k, n] : kNames) {
        if (n == s)
            return k;
    }
    return std::nullopt;
}

bool isRealFailure(Category c) { return c != Category::Success && c != Category::NoDataAvailable; }

std::string_view statusFor(Category c)
{
    if (c == Category::Success)
        return "success";
    if (c == Category::NoDataAvailable)
        return "no_data";
    return "failed";
}

} // namespace nbaops::pipeline
