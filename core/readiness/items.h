#pragma once

#include "readiness.h"

#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

// The scorecard's item builders and the items of disaster recovery (recovery.cpp), shared by
// readiness.cpp. Internal to readiness.
namespace nbaops::readiness::detail {

Item measuredItem(std::string name, double max, bool ok, std::string evidence);
// Full points at `full` and above, none at `zero` and below, linear between.
Item scaledItem(std::string name, double max, double value, double zero, double full,
                std::string evidence);

// Passed drills of the last 90 days, by scenario: full points when every scenario was practised.
Item drillItem(store::Database& db, TimePoint now);
// A backup proven restorable by a test-restore in the last 30 days.
Item backupItem(store::Database& db, TimePoint now);
// A runbook with targets and automated checks for each drill scenario.
Item runbookItem();
// Every secret that is set comes from the keychain or the environment and is within its
// rotation age (secretsitem.cpp).
Item secretsItem(const std::vector<secrets::Status>& secrets);

} // namespace nbaops::readiness::detail
