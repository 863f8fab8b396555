#include "settings.h"

#include "util/errors.h"
#include "util/files.h"
#include "util/jsonnum.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace nbaops::cloud {
namespace {

using nlohmann::json;

// BigQuery dataset names: letters, digits and underscores, at most 1024.
bool datasetName(const std::string& s)
{
    return !s.empty() && s.size() <= 1024 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_';
    });
}

// Project ids: 6 to 30 lowercase letters, digits and hyphens, starting with a letter.
bool projectId(const std::string& s)
{
    return s.size() >= 6 && s.size() <= 30 && std::islower(static_cast<unsigned char>(s[0])) &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) {
               return std::islower(c) || std::isdigit(c) || c == '-';
           });
}

bool url(const std::string& s)
{
    return s.rfind("https://", 0) == 0 || s.rfind("http://127.0.0.1", 0) == 0;
}

void check(const Settings& s, const std::string& origin)
{
    const auto fail = [&](const std::string& what) { throw UsageError(origin + ": " + what); };
    if (s.backend != "local" && s.backend != "cloud")
        fail("backend must be local or cloud, not '" + s.backend + "'");
    const auto& c = s.cloud;
    if (!c.project.empty() && !projectId(c.project))
        fail("cloud.project '" + c.project +
             "' is not a Google Cloud project id (6-30 lowercase letters, digits, hyphens)");
    for (const auto& [field, name] :
         {std::pair{"raw", &c.datasets.raw}, std::pair{"analytics", &c.datasets.analytics},
          std::pair{"precompute", &c.datasets.precompute},
          std::pair{"predictions", &c.datasets.predictions},
          std::pair{"reference", &c.datasets.reference}})
        if (!datasetName(*name))
            fail(std::string("cloud.datasets.") + field + " '" + *name +
                 "' is not a BigQuery dataset name (letters, digits, _)");
    if (!url(c.bigqueryUrl))
        fail("cloud.bigquery_url must be an https:// URL");
    if (!url(c.runAdminUrl))
        fail("cloud.run_admin_url must be an https:// URL");
    for (const auto& [name, u] : c.services)
        if (!url(u))
            fail("cloud.services." + name + " must be the service's https:// URL");
    if (c.maxBytesPerQuery <= 0)
        fail("cloud.max_bytes_per_query must be positive");
    if (c.usdPerTiB < 0)
        fail("cloud.usd_per_tib cannot be negative");
}

} // namespace

std::filesystem::path settingsPath()
{
    return defaultConfigDir() / "settings.json";
}

Settings parseSettings(const std::string& text, const std::string& origin)
{
    const auto j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw UsageError(origin +
                         " is not a JSON object: fix it or delete it to start from the defaults");
    Settings s;
    try {
        s.backend = j.value("backend", s.backend);
        const auto c = j.value("cloud", json::object());
        auto& o = s.cloud;
        o.project = c.value("project", o.project);
        o.region = c.value("region", o.region);
        o.bigqueryLocation = c.value("bigquery_location", o.bigqueryLocation);
        const auto d = c.value("datasets", json::object());
        o.datasets.raw = d.value("raw", o.datasets.raw);
        o.datasets.analytics = d.value("analytics", o.datasets.analytics);
        o.datasets.precompute = d.value("precompute", o.datasets.precompute);
        o.datasets.predictions = d.value("predictions", o.datasets.predictions);
        o.datasets.reference = d.value("reference", o.datasets.reference);
        o.bigqueryUrl = c.value("bigquery_url", o.bigqueryUrl);
        o.runAdminUrl = c.value("run_admin_url", o.runAdminUrl);
        o.services = c.value("services", o.services);
        if (c.contains("max_bytes_per_query")) {
            const auto n = jsonWholeNumber(c["max_bytes_per_query"]);
            if (!n)
                throw UsageError(origin + ": cloud.max_bytes_per_query has the wrong type: give a whole number of bytes");
            o.maxBytesPerQuery = *n;
        }
        o.usdPerTiB = c.value("usd_per_tib", o.usdPerTiB);
    } catch (const json::exception& e) {
        throw UsageError(origin + ": a value has the wrong type (" + e.what() + ")");
    }
    check(s, origin);
    return s;
}

Settings loadSettings(const std::filesystem::path& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return {};
    return parseSettings(readFile(path), path.string());
}

std::string settingsJson(const Settings& s)
{
    const auto& c = s.cloud;
    const json j = {{"backend", s.backend},
                    {"cloud",
                     {{"project", c.project},
                      {"region", c.region},
                      {"bigquery_location", c.bigqueryLocation},
                      {"datasets",
                       {{"raw", c.datasets.raw},
                        {"analytics", c.datasets.analytics},
                        {"precompute", c.datasets.precompute},
                        {"predictions", c.datasets.predictions},
                        {"reference", c.datasets.reference}}},
                      {"bigquery_url", c.bigqueryUrl},
                      {"run_admin_url", c.runAdminUrl},
                      {"services", c.services},
                      {"max_bytes_per_query", c.maxBytesPerQuery},
                      {"usd_per_tib", c.usdPerTiB}}}};
    return j.dump(2) + "\n";
}

void saveSettings(const Settings& s, const std::filesystem::path& path)
{
    check(s, path.string());
    std::filesystem::create_directories(path.parent_path());
    writeFileAtomically(path, settingsJson(s));
}

} // namespace nbaops::cloud
