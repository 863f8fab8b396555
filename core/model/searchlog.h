#pragma once
// The registry of budgeted searches: each search with its plan, budget and standing, and every
// fold fit it ran (model_searches, model_search_fits), so a search resumes where it stopped and
// the Models page can show every fit.

#include "search.h"

#include <optional>
#include <string>
#include <vector>

namespace nbaops::store {
class Database;
}

namespace nbaops::model {

struct SearchRecord
{
    std::string id, createdAt, createdBy, updatedAt, status;
    uint64_t seed = 0;
    int reduction = 3;
    Params base;
    SearchPlan plan;
    int featureVersion = 0;
    Date testFrom;
    double budgetSeconds = 0, spentSeconds = 0;
    std::optional<int> bestConfig;
    std::optional<double> bestMae;
    std::string modelVersion;
    nlohmann::json toJson() const;
};

// Params exactly as given (the texts XGBoost receives), for storing a search's base.
nlohmann::json paramsToExactJson(const Params& p);
Params paramsFromExactJson(const nlohmann::json& j);

class SearchLog
{
public:
    explicit SearchLog(store::Database& db) : m_db(db) {}

    // Registers a new search (status running) and returns its id (s0001, ...).
    std::string create(SearchRecord record);
    SearchRecord get(const std::string& id); // throws when unknown
    std::vector<SearchRecord> list();        // newest first
    std::vector<SearchFit> fits(const std::string& id);
    // Keeps one fit and the seconds the search has spent so far, in one transaction.
    void addFit(const std::string& id, const SearchFit& fit, double spentSeconds);
    void finish(const std::string& id, const std::string& status, double spentSeconds,
                const std::optional<SearchConfig>& best);
    void setModelVersion(const std::string& id, const std::string& version);
    // Adds seconds to a search being resumed.
    void extendBudget(const std::string& id, double budgetSeconds);

private:
    store::Database& m_db;
};

} // namespace nbaops::model
