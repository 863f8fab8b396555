#pragma once

#include "tablesum.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// A backup is a folder:
//   manifest.json          what it holds, below; manifest.json.sha256 seals it (sha256sum -c)
//   database/<name>.db     the database, copied through SQLite's online backup API
//   files/raw/...          the raw object store, files/publish/... the published documents,
//   files/models/...       the model artifacts
//   tables/<table>.jsonl   the key tables as JSON lines, readable without nbaops
//   verify.json, proof.json  the last verify and test-restore (not part of the manifest)
namespace nbaops::dr {

struct ManifestFile
{
    std::string path; // relative to the backup's folder
    int64_t bytes = 0;
    std::string sha256;
    int64_t rows = -1; // the JSON-lines exports: rows written
};

struct Manifest
{
    int format = 1;
    std::string id;
    std::string createdAt; // ISO UTC
    std::string createdBy;
    std::string host;
    std::string kind;   // manual | scheduled | pre-restore | drill
    std::string source; // the live database's path when it was made
    int schemaVersion = 0;
    std::vector<std::string> chosenTables; // empty: the whole state
    std::vector<TableSum> tables;
    std::optional<NewestRun> newestRun;
    ManifestFile database;
    std::vector<ManifestFile> files;
    std::vector<ManifestFile> exports;
    double seconds = 0;

    bool whole() const { return chosenTables.empty(); }
    int64_t totalBytes() const;
    const TableSum* table(const std::string& name) const;
};

nlohmann::json toJson(const Manifest& m);
// Throws OpsError naming the missing or wrong field.
Manifest manifestFromJson(const nlohmann::json& j);

inline constexpr const char* kManifestName = "manifest.json";
inline constexpr const char* kManifestSeal = "manifest.json.sha256";

// Writes manifest.json and its seal (durably).
void writeManifest(const std::filesystem::path& folder, const Manifest& m);

// The manifest of a backup folder. `problem` says what is wrong: missing, not JSON, a field,
// or edited since it was sealed (the manifest is still returned when it parses).
struct LoadedManifest
{
    std::optional<Manifest> manifest;
    bool sealed = false;
    std::string problem;
};
LoadedManifest readManifest(const std::filesystem::path& folder);

} // namespace nbaops::dr
