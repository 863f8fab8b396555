#include "versiondiff.h"

#include "report.h"

#include <algorithm>
#include <set>

namespace nbaops::model {

namespace {

std::string text(const nlohmann::json& v)
{
    if (v.is_null())
        return "";
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_number()) {
        char b[32];
        std::snprintf(b, sizeof b, "%.6g", v.get<double>());
        return b;
    }
    return v.dump();
}

std::string fixed(double v, int decimals)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

std::string window(Date from, Date until) { return from.iso() + " .. " + until.iso(); }

} // namespace

nlohmann::json VersionDiff::toJson() const
{
    const auto rows = [](const std::vector<Row>& v) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& r : v)
            a.push_back({{"what", r.what}, {"from", r.from}, {"to", r.to}, {"changed", r.changed()}});
        return a;
    };
    nlohmann::json j = {{"from", from},
                        {"to", to},
                        {"params", rows(params)},
                        {"data", rows(data)},
                        {"features_added", featuresAdded},
                        {"features_removed", featuresRemoved},
                        {"segments", rows(segments)}};
    if (sameRows)
        j["same_rows"] = sameRows->toJson();
    else
        j["same_rows_error"] = sameRowsError;
    return j;
}

VersionDiff diffVersions(ModelVersions& registry, const std::string& fromName, const std::string& toName)
{
    const ModelVersion a = registry.get(fromName), b = registry.get(toName);
    VersionDiff d;
    d.from = a.version;
    d.to = b.version;
    std::set<std::string> keys;
    for (const auto& p : {a.params, b.params})
        for (const auto& [k, v] : p.items())
            keys.insert(k);
    for (const auto& k : keys)
        d.params.push_back({k, text(a.params.value(k, nlohmann::json())), text(b.params.value(k, nlohmann::json()))});
    for (const auto& f : b.features)
        if (std::find(a.features.begin(), a.features.end(), f) == a.features.end())
            d.featuresAdded.push_back(f);
    for (const auto& f : a.features)
        if (std::find(b.features.begin(), b.features.end(), f) == b.features.end())
            d.featuresRemoved.push_back(f);
    const auto ra = TrainingReport::fromJson(a.report), rb = TrainingReport::fromJson(b.report);
    d.data = {
        {"created", a.createdAt.substr(0, 16), b.createdAt.substr(0, 16)},
        {"objective", a.objective, b.objective},
        {"feature version", std::to_string(a.featureVersion), std::to_string(b.featureVersion)},
        {"features", std::to_string(a.features.size()), std::to_string(b.features.size())},
        {"train window", window(a.split.trainFrom, a.split.trainUntil), window(b.split.trainFrom, b.split.trainUntil)},
        {"validation until", a.split.validUntil.iso(), b.split.validUntil.iso()},
        {"test window", window(a.split.testFrom, a.split.testUntil), window(b.split.testFrom, b.split.testUntil)},
        {"training rows", std::to_string(a.trainRows), std::to_string(b.trainRows)},
        {"test rows", std::to_string(a.testRows), std::to_string(b.testRows)},
        {"trees", std::to_string(a.trees), std::to_string(b.trees)},
        {"validation MAE", fixed(a.validMae, 3), fixed(b.validMae, 3)},
        {"test MAE (own window)", fixed(a.testMae, 3), fixed(b.testMae, 3)},
        {"below the best baseline (own window)", fixed(ra.improvementPct, 2) + "%", fixed(rb.improvementPct, 2) + "%"},
        {"search", ra.search.id, rb.search.id},
    };
    const auto segment = [&](const std::string& group, const std::map<std::string, double>& x,
                             const std::map<std::string, double>& y) {
        std::set<std::string> names;
        for (const auto* m : {&x, &y})
            for (const auto& [k, v] : *m)
                names.insert(k);
        for (const auto& n : names) {
            const auto fx = x.find(n), fy = y.find(n);
            d.segments.push_back({group + " " + n, fx == x.end() ? "" : fixed(fx->second, 3),
                                  fy == y.end() ? "" : fixed(fy->second, 3)});
        }
    };
    segment("minutes", ra.model.byMinutes, rb.model.byMinutes);
    segment("venue", ra.model.byVenue, rb.model.byVenue);
    segment("rest", ra.model.byRest, rb.model.byRest);
    try {
        d.sameRows = registry.compare(b.version, a.version);
    } catch (const std::exception& e) {
        d.sameRowsError = e.what(); // an artifact that cannot be read: the rest of the diff still holds
    }
    return d;
}

} // namespace nbaops::model
