#pragma once
// The walk-forward runs and feature ablations measured so far (model_evaluations): not models,
// but figures an analyst wants to see again and set beside the next run.

#include "walkforward.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::model {

struct EvaluationRecord
{
    std::string id, kind, createdAt, createdBy; // kind: walk_forward, ablation
    nlohmann::json params;
    int featureVersion = 0;
    double seconds = 0;
    nlohmann::json result;
};

class EvaluationLog
{
public:
    explicit EvaluationLog(store::Database& db) : m_db(db) {}
    // Keeps a finished run; returns its id (e0001, ...).
    std::string add(const std::string& kind, const std::string& actor, const Params& params, double seconds,
                    const nlohmann::json& result);
    std::optional<EvaluationRecord> latest(const std::string& kind);
    std::vector<EvaluationRecord> list(); // newest first, without their results

private:
    store::Database& m_db;
};

// A kept run read back (nullopt when its JSON is not a run of that kind).
std::optional<WalkForward> walkForwardFromJson(const nlohmann::json& j);
std::optional<Ablation> ablationFromJson(const nlohmann::json& j);

} // namespace nbaops::model
