#pragma once

#include "evaluate.h"
#include "train.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::model {

struct ModelVersion
{
    std::string version, createdAt, createdBy, objective;
    nlohmann::json params;
    int featureVersion = 0;
    std::vector<std::string> features;
    Split split;
    int64_t trainRows = 0, validRows = 0, testRows = 0;
    int bestIteration = 0, trees = 0;
    double trainSeconds = 0, validMae = 0, testMae = 0;
    nlohmann::json report;
    std::string artifact, sha256;
    std::vector<std::string> warnings;
    std::vector<std::string> aliases;
    // One line per version for `model list` and the versions table.
    nlohmann::json summary() const;
};

// Two versions on the same rows: the candidate's test window, the evaluation population.
struct Comparison
{
    std::string candidate, reference;
    Date from, until;
    int64_t rows = 0;
    double candidateMae = 0, referenceMae = 0;
    std::pair<double, double> diffCi95{0, 0}; // candidate - reference, date bootstrap
    bool fair = true;                         // the reference never trained or validated on the window
    std::string note;
    bool candidateBetter() const { return fair && rows > 0 && candidateMae < referenceMae; }
    nlohmann::json toJson() const;
};

// Points `alias` (champion, challenger) at `version`; part of the caller's transaction.
void setAlias(store::Database& db, const std::string& alias, const std::string& version, const std::string& actor);

// The model registry of the workbench: every trained version with its report and artifact, the
// aliases (champion, challenger) and promotion. (The processor registry is registry/.)
class ModelVersions
{
public:
    ModelVersions(store::Database& db, std::filesystem::path dataDir);

    // Stores the artifact as <data>/models/<version>.ubj and registers the version.
    std::string add(ModelVersion v, const std::string& artifactBytes);
    std::vector<ModelVersion> list();
    ModelVersion get(const std::string& version); // throws when unknown
    std::optional<std::string> alias(const std::string& name);
    // The artifact's bytes, after checking them against the recorded SHA-256.
    std::string loadArtifact(const ModelVersion& v);

    Comparison compare(const std::string& candidate, const std::string& reference);
    // Makes `version` the champion if it beats the current champion on its test window (or
    // there is none); `force` skips the check (audited as such). Returns what was done.
    std::string promote(const std::string& version, const std::string& actor, bool force = false);
    void setChallenger(const std::string& version, const std::string& actor);
    void audit(const std::string& actor, const std::string& action, const std::string& detail);

    std::filesystem::path modelsDir() const { return m_dataDir / "models"; }
    store::Database& database() { return m_db; }

private:
    store::Database& m_db;
    std::filesystem::path m_dataDir;
};

} // namespace nbaops::model
