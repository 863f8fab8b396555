#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace nbaops::cloud {

// The BigQuery datasets of the deployment; every name is configurable (DOMAIN: the raw
// dataset's name is not documented).
struct Datasets
{
    std::string raw = "nba_raw";
    std::string analytics = "nba_analytics";
    std::string precompute = "nba_precompute";
    std::string predictions = "nba_predictions";
    std::string reference = "nba_reference";
};

struct CloudSettings
{
    std::string project;                 // the Google Cloud project id
    std::string region = "us-west2";     // of the Cloud Run services
    std::string bigqueryLocation = "US"; // of the datasets' jobs
    Datasets datasets;
    std::string bigqueryUrl = "https://bigquery.googleapis.com/bigquery/v2";
    std::string runAdminUrl = "https://run.googleapis.com/v2";
    // Service name -> its URL (https://<name>-<hash>.run.app): the three phase services and
    // prediction-coordinator.
    std::map<std::string, std::string> services;
    // Queries the operator starts are dry-run first and refused above this many bytes; the
    // real query carries it as maximumBytesBilled.
    int64_t maxBytesPerQuery = int64_t(10) << 30;
    double usdPerTiB = 6.25; // on-demand price, for the cost shown beside a dry run
};

// What the console and the CLI read at start: the backend and the cloud's coordinates. The
// file holds no secret (the service-account key is a secret of its own, by path).
struct Settings
{
    std::string backend = "local"; // local | cloud
    CloudSettings cloud;
};

// The names of the four Cloud Run services (DOMAIN.md).
inline constexpr const char* kPhaseServices[] = {"nba-phase2-raw-processors",
                                                 "nba-phase3-analytics-processors",
                                                 "nba-phase4-precompute-processors"};
inline constexpr const char* kCoordinator = "prediction-coordinator";

// $XDG_CONFIG_HOME/nbaops/settings.json
std::filesystem::path settingsPath();
// Defaults when the file is not there; a UsageError naming the file and the field when a value
// is wrong (an unknown backend, a dataset name BigQuery would refuse, a URL that is not one).
Settings loadSettings(const std::filesystem::path& path = settingsPath());
Settings parseSettings(const std::string& json, const std::string& origin);
std::string settingsJson(const Settings& settings);
// Checks, then writes atomically.
void saveSettings(const Settings& settings, const std::filesystem::path& path = settingsPath());

} // namespace nbaops::cloud
