// The scorecard's secrets item: where the secrets come from and whether they are rotated.
#include "items.h"

#include "secrets/secrets.h"

namespace nbaops::readiness::detail {

Item secretsItem(const std::vector<secrets::Status>& all)
{
    const std::string name = "Secrets in a secret store and rotated";
    int set = 0;
    std::string due, broken;
    for (const auto& s : all) {
        if (s.source == secrets::Source::None)
            continue;
        ++set;
        if (s.rotation == secrets::Rotation::Due && due.empty())
            due = s.spec.name + " is " + std::to_string(s.ageDays.value_or(0)) +
                  " days old (rotate every " + std::to_string(s.spec.rotationDays) + ")";
        if (!s.problem.empty() && broken.empty())
            broken = s.spec.name + ": " + s.problem;
    }
    if (set == 0)
        return Item{name, 0, 2, false,
                    "no secret is set (nbaops secrets list): nothing to measure"};
    if (!due.empty())
        return measuredItem(name, 2, false, due + ": nbaops secrets set to rotate it");
    if (!broken.empty())
        return measuredItem(name, 2, false, broken);
    return measuredItem(
        name, 2, true,
        std::to_string(set) +
            " secret(s) from the keychain or the environment, none past its rotation age");
}

} // namespace nbaops::readiness::detail
