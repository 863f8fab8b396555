#pragma once

#include "versions.h"
#include "util/date.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::model {

// A game's bucket 0..99 by FNV-1a of its id: the same game always goes to the same model.
int abBucket(std::string_view gameId);

struct Rollout
{
    int64_t id = 0;
    std::string challenger, champion, mode, status, startedAt, updatedAt, note;
    double share = 0;     // fraction of games the challenger serves
    int stage = 0;        // canary: 0 = 10%, 1 = 50%, 2 = 100%
    double threshold = 0; // roll back when challenger MAE > threshold x champion MAE
    int64_t stageRows = 0; // graded player-games per model before the stage is judged
    nlohmann::json toJson() const;
};

inline constexpr double kCanaryStages[] = {0.10, 0.50, 1.00};
inline constexpr int64_t kStageRows = 300; // graded player-games per model before a stage is judged

// Who serves each game: the champion, and the challenger on its share of games during a rollout.
struct ServingPlan
{
    std::optional<std::string> champion;
    std::optional<Rollout> rollout;
    std::string versionFor(std::string_view gameId) const;
};
ServingPlan servingPlan(store::Database& db);

std::optional<Rollout> activeRollout(store::Database& db);
// Starts serving `version` to a share of games next to the champion: "ab" keeps the share,
// "canary" starts at 10% and moves to 50% and 100% as the graded results allow.
Rollout startRollout(ModelVersions& registry, store::Database& db, const std::string& version, const std::string& mode,
                     double share, double threshold, const std::string& actor, int64_t stageRows = kStageRows);
void stopRollout(store::Database& db, const std::string& actor, const std::string& why);

// Judges the active rollout on the graded predictions since it started: rolls back when the
// challenger's MAE degrades past the threshold, moves a canary to its next stage, and at 100%
// makes the challenger the champion. Returns what it did ("" when nothing).
std::string evaluateRollout(store::Database& db, const std::string& actor = "pipeline");

// The retraining triggers of DOMAIN.md.
inline constexpr int kRetrainAfterDays = 7;            // a week since the champion was trained
inline constexpr double kMaeDegradation = 1.10;        // live MAE above 1.10 x the baseline's
inline constexpr int64_t kNewGamesForRetraining = 1000; // games since the champion's data window
// The model_version of the baseline predictor's rows (phase 5 always writes them); health's
// facts compare against the same text.
inline constexpr const char* kBaselineVersion = "baseline-blend-v1";

struct Trigger
{
    std::string name;   // weekly, live_mae, new_games
    bool fired = false;
    std::string detail;
};
// The retraining triggers of DOMAIN.md, evaluated at `today`: a week since the champion was
// trained, its live MAE over the last 7 graded days above 1.10 x the baseline's on the same
// player-games, 1,000 or more games since its data window.
std::vector<Trigger> retrainTriggers(store::Database& db, Date today);

} // namespace nbaops::model
