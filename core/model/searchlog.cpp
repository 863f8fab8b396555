#include "searchlog.h"

#include "store/database.h"
#include "util/errors.h"

namespace nbaops::model {

namespace {

const char* kColumns = "id, created_at, created_by, updated_at, status, seed, reduction, base_params, months, rung_folds,"
                       " feature_version, test_from, budget_seconds, spent_seconds, best_config, best_mae, model_version";

std::vector<std::string> strings(const nlohmann::json& j)
{
    std::vector<std::string> out;
    if (j.is_array())
        for (const auto& v : j)
            if (v.is_string())
                out.push_back(v.get<std::string>());
    return out;
}

} // namespace

nlohmann::json SearchRecord::toJson() const
{
    nlohmann::json j = {{"id", id},
                        {"created_at", createdAt},
                        {"created_by", createdBy},
                        {"updated_at", updatedAt},
                        {"status", status},
                        {"seed", seed},
                        {"reduction", reduction},
                        {"base_params", base.toJson()},
                        {"plan", plan.toJson()},
                        {"feature_version", featureVersion},
                        {"test_from", testFrom.iso()},
                        {"budget_seconds", budgetSeconds},
                        {"spent_seconds", spentSeconds},
                        {"model_version", modelVersion}};
    if (bestConfig)
        j["best_config"] = *bestConfig;
    if (bestMae)
        j["best_mae"] = *bestMae;
    return j;
}

nlohmann::json paramsToExactJson(const Params& p)
{
    return {{"xgb", p.xgb},     {"rounds", p.maxRounds}, {"early_stopping_rounds", p.earlyStopping},
            {"refit", p.refit}, {"target", p.target}};
}

Params paramsFromExactJson(const nlohmann::json& j)
{
    Params p;
    p.xgb.clear();
    if (!j.is_object() || !j.contains("xgb") || !j["xgb"].is_object())
        throw OpsError("a search's stored parameters are not readable; start a new search");
    for (const auto& [k, v] : j["xgb"].items())
        if (v.is_string())
            p.xgb[k] = v.get<std::string>();
    p.maxRounds = j.value("rounds", p.maxRounds);
    p.earlyStopping = j.value("early_stopping_rounds", p.earlyStopping);
    p.refit = j.value("refit", p.refit);
    p.target = j.value("target", std::string("points")); // searches from before the scale was kept
    return p;
}

std::string SearchLog::create(SearchRecord r)
{
    store::Transaction tx(m_db);
    auto next = m_db.prepare("SELECT coalesce(max(CAST(substr(id, 2) AS INTEGER)), 0) + 1 FROM model_searches");
    next.step();
    char name[32];
    std::snprintf(name, sizeof name, "s%04lld", static_cast<long long>(next.getInt(0)));
    r.id = name;
    r.createdAt = r.updatedAt = nowIsoUtc();
    m_db.prepare("INSERT INTO model_searches(id, created_at, created_by, updated_at, status, seed, reduction, base_params,"
                 " months, rung_folds, feature_version, test_from, budget_seconds) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
        .bindAll(r.id, r.createdAt, r.createdBy, r.updatedAt, std::string("running"), int64_t(r.seed),
                 int64_t(r.reduction), paramsToExactJson(r.base).dump(), nlohmann::json(r.plan.months).dump(),
                 nlohmann::json(r.plan.rungFolds).dump(), int64_t(r.featureVersion), r.testFrom.iso(),
                 r.budgetSeconds)
        .run();
    tx.commit();
    return r.id;
}

std::vector<SearchRecord> SearchLog::list()
{
    std::vector<SearchRecord> out;
    auto st = m_db.prepare(std::string("SELECT ") + kColumns + " FROM model_searches ORDER BY id DESC");
    while (st.step()) {
        SearchRecord r;
        int c = 0;
        r.id = st.getText(c++);
        r.createdAt = st.getText(c++);
        r.createdBy = st.getText(c++);
        r.updatedAt = st.getText(c++);
        r.status = st.getText(c++);
        r.seed = uint64_t(st.getInt(c++));
        r.reduction = int(st.getInt(c++));
        r.base = paramsFromExactJson(nlohmann::json::parse(st.getText(c++), nullptr, false));
        r.plan.months = strings(nlohmann::json::parse(st.getText(c++), nullptr, false));
        const auto rungs = nlohmann::json::parse(st.getText(c++), nullptr, false);
        if (rungs.is_array())
            for (const auto& v : rungs)
                if (v.is_number_integer())
                    r.plan.rungFolds.push_back(v.get<int>());
        r.featureVersion = int(st.getInt(c++));
        r.testFrom = Date::parse(st.getText(c++)).value_or(Date());
        r.budgetSeconds = st.getDouble(c++);
        r.spentSeconds = st.getDouble(c++);
        if (const auto b = st.getOptInt(c++))
            r.bestConfig = int(*b);
        r.bestMae = st.getOptDouble(c++);
        r.modelVersion = st.getOptText(c++).value_or("");
        out.push_back(std::move(r));
    }
    return out;
}

SearchRecord SearchLog::get(const std::string& id)
{
    for (auto& r : list())
        if (r.id == id)
            return r;
    throw OpsError("there is no search '" + id + "'; `nbaops model searches` lists them");
}

std::vector<SearchFit> SearchLog::fits(const std::string& id)
{
    std::vector<SearchFit> out;
    auto st = m_db.prepare("SELECT config, month, rung, params, mae, baseline_mae, valid_mae, trees, seconds"
                           " FROM model_search_fits WHERE search_id = ? ORDER BY rowid");
    st.bindAll(id);
    while (st.step()) {
        SearchFit f;
        f.config = int(st.getInt(0));
        f.month = st.getText(1);
        f.rung = int(st.getInt(2));
        f.params = paramsFromExactJson(nlohmann::json::parse(st.getText(3), nullptr, false));
        f.mae = st.getDouble(4);
        f.baselineMae = st.getDouble(5);
        f.validMae = st.getDouble(6);
        f.trees = int(st.getInt(7));
        f.seconds = st.getDouble(8);
        out.push_back(std::move(f));
    }
    return out;
}

void SearchLog::addFit(const std::string& id, const SearchFit& f, double spentSeconds)
{
    store::Transaction tx(m_db);
    const std::string now = nowIsoUtc();
    m_db.prepare("INSERT OR REPLACE INTO model_search_fits(search_id, config, month, rung, params, mae, baseline_mae,"
                 " valid_mae, trees, seconds, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)")
        .bindAll(id, int64_t(f.config), f.month, int64_t(f.rung), paramsToExactJson(f.params).dump(), f.mae,
                 f.baselineMae, f.validMae, int64_t(f.trees), f.seconds, now)
        .run();
    m_db.prepare("UPDATE model_searches SET spent_seconds = ?, updated_at = ?, status = 'running' WHERE id = ?")
        .bindAll(spentSeconds, now, id)
        .run();
    tx.commit();
}

void SearchLog::finish(const std::string& id, const std::string& status, double spentSeconds,
                       const std::optional<SearchConfig>& best)
{
    m_db.prepare("UPDATE model_searches SET status = ?, spent_seconds = ?, updated_at = ?, best_config = ?, best_mae = ?"
                 " WHERE id = ?")
        .bindAll(status, spentSeconds, nowIsoUtc(), best ? std::optional<int64_t>(best->config) : std::nullopt,
                 best ? std::optional<double>(best->mae) : std::nullopt, id)
        .run();
}

void SearchLog::setModelVersion(const std::string& id, const std::string& version)
{
    m_db.prepare("UPDATE model_searches SET model_version = ?, updated_at = ? WHERE id = ?")
        .bindAll(version, nowIsoUtc(), id)
        .run();
}

void SearchLog::extendBudget(const std::string& id, double budgetSeconds)
{
    m_db.prepare("UPDATE model_searches SET budget_seconds = budget_seconds + ?, updated_at = ? WHERE id = ?")
        .bindAll(budgetSeconds, nowIsoUtc(), id)
        .run();
}

} // namespace nbaops::model
