// The scorecard's disaster-recovery items and its item builders.
#include "items.h"

#include "dr/runbook.h"
#include "health/facts.h"
#include "store/database.h"
#include "util/date.h"

#include <algorithm>

namespace nbaops::readiness::detail {

Item measuredItem(std::string name, double max, bool ok, std::string evidence)
{
    return Item{std::move(name), ok ? max : 0.0, max, true, std::move(evidence)};
}

Item scaledItem(std::string name, double max, double value, double zero, double full,
                std::string evidence)
{
    const double share = std::clamp((value - zero) / (full - zero), 0.0, 1.0);
    return Item{std::move(name), max * share, max, true, std::move(evidence)};
}

Item drillItem(store::Database& db, TimePoint now)
{
    auto st = db.prepare("SELECT count(DISTINCT scenario), count(*), max(started_at) FROM drills "
                         "WHERE state = 'passed' "
                         "AND started_at >= ?");
    st.bind(1, toIsoUtc(now - std::chrono::hours(24 * 90)));
    st.step();
    const int64_t scenarios = st.getInt(0);
    const int64_t total = int64_t(dr::drillScenarios().size());
    return scaledItem(
        "Disaster-recovery drill in the last 90 days", 5, double(scenarios), 0, double(total),
        scenarios == 0 ? "no passed drill in 90 days: nbaops drill run database_loss"
                       : std::to_string(scenarios) + " of " + std::to_string(total) +
                             " scenarios drilled and recovered (" + std::to_string(st.getInt(1)) +
                             " drills, the last " + st.getText(2).substr(0, 10) + ")");
}

Item backupItem(store::Database& db, TimePoint now)
{
    const auto b = health::facts::backups(db);
    const auto proven = parseIsoUtc(b.provenAt);
    const bool recent = proven && now - *proven < std::chrono::hours(24 * 30);
    return measuredItem(
        "Backups restored in the last 30 days", 4, recent,
        b.count == 0 ? "no backup: nbaops backup create, then nbaops backup test-restore"
        : !proven    ? std::to_string(b.count) + " backup(s), none proven by a test-restore"
                     : "backup " + b.provenId + " proven restorable by a test-restore (" +
                        b.provenAt.substr(0, 10) + ")");
}

Item runbookItem()
{
    int with = 0;
    std::string missing;
    for (const auto& sc : dr::drillScenarios()) {
        try {
            const auto& rb = dr::runbook(sc);
            const bool automated =
                std::any_of(rb.steps.begin(), rb.steps.end(),
                            [](const dr::RunbookStep& s) { return !s.check.empty(); });
            with += automated && rb.rtoSeconds > 0 ? 1 : 0;
        } catch (const std::exception&) {
            missing += (missing.empty() ? "" : ", ") + sc; // named in the evidence below
        }
    }
    const size_t total = dr::drillScenarios().size();
    return scaledItem("DR runbooks for each failure scenario", 4, double(with), 0, double(total),
                      std::to_string(with) + " of " + std::to_string(total) +
                          " scenarios have a runbook with targets and checks" +
                          (missing.empty() ? "" : " (missing: " + missing + ")") +
                          "; nbaops runbook list");
}

} // namespace nbaops::readiness::detail
