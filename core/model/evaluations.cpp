#include "evaluations.h"

#include "features/build.h"
#include "store/database.h"

namespace nbaops::model {

std::string EvaluationLog::add(const std::string& kind, const std::string& actor, const Params& params, double seconds,
                               const nlohmann::json& result)
{
    store::Transaction tx(m_db);
    auto next = m_db.prepare("SELECT coalesce(max(CAST(substr(id, 2) AS INTEGER)), 0) + 1 FROM model_evaluations");
    next.step();
    char id[32];
    std::snprintf(id, sizeof id, "e%04lld", static_cast<long long>(next.getInt(0)));
    m_db.prepare("INSERT INTO model_evaluations(id, kind, created_at, created_by, params, feature_version, seconds, result)"
                 " VALUES (?,?,?,?,?,?,?,?)")
        .bindAll(std::string(id), kind, nowIsoUtc(), actor, params.toJson().dump(), int64_t(features::kVersion), seconds,
                 result.dump())
        .run();
    tx.commit();
    return id;
}

namespace {

EvaluationRecord recordOf(store::Statement& st, bool withResult)
{
    EvaluationRecord r;
    r.id = st.getText(0);
    r.kind = st.getText(1);
    r.createdAt = st.getText(2);
    r.createdBy = st.getText(3);
    r.params = nlohmann::json::parse(st.getText(4), nullptr, false);
    r.featureVersion = int(st.getInt(5));
    r.seconds = st.getDouble(6);
    if (withResult)
        r.result = nlohmann::json::parse(st.getText(7), nullptr, false);
    return r;
}

} // namespace

std::optional<EvaluationRecord> EvaluationLog::latest(const std::string& kind)
{
    auto st = m_db.prepare("SELECT id, kind, created_at, created_by, params, feature_version, seconds, result"
                           " FROM model_evaluations WHERE kind = ? ORDER BY id DESC LIMIT 1");
    st.bindAll(kind);
    if (!st.step())
        return std::nullopt;
    return recordOf(st, true);
}

std::vector<EvaluationRecord> EvaluationLog::list()
{
    std::vector<EvaluationRecord> out;
    auto st = m_db.prepare("SELECT id, kind, created_at, created_by, params, feature_version, seconds, ''"
                           " FROM model_evaluations ORDER BY id DESC");
    while (st.step())
        out.push_back(recordOf(st, false));
    return out;
}

namespace {

std::pair<double, double> pairOf(const nlohmann::json& a)
{
    return {a.at(0).get<double>(), a.at(1).get<double>()};
}

Date dateAt(const nlohmann::json& j, const char* key) { return Date::parse(j.at(key).get<std::string>()).value_or(Date()); }

} // namespace

std::optional<WalkForward> walkForwardFromJson(const nlohmann::json& j)
{
    try {
        WalkForward w;
        for (const auto& f : j.at("folds")) {
            Fold fold;
            fold.month = f.at("month").get<std::string>();
            fold.season = f.at("season").get<std::string>();
            const auto& train = f.at("train");
            const auto& valid = f.at("valid");
            const auto& test = f.at("test");
            fold.trainFrom = dateAt(train, "from");
            fold.trainUntil = dateAt(train, "until");
            fold.trainRows = train.at("rows").get<size_t>();
            fold.validFrom = dateAt(valid, "from");
            fold.validUntil = dateAt(valid, "until");
            fold.validRows = valid.at("rows").get<size_t>();
            fold.testFrom = dateAt(test, "from");
            fold.testUntil = dateAt(test, "until");
            fold.testRows = test.at("rows").get<size_t>();
            fold.trees = f.at("trees").get<int>();
            fold.seconds = f.at("seconds").get<double>();
            fold.validMae = f.value("valid_mae", 0.0);
            fold.modelMae = f.at("model_mae").get<double>();
            fold.baselineMae = f.at("baseline_mae").get<std::map<std::string, double>>();
            fold.bestBaseline = f.at("best_baseline").get<std::string>();
            if (!fold.baselineMae.count(fold.bestBaseline))
                return std::nullopt;
            for (const auto& [bucket, m] : f.at("by_minutes").items())
                fold.byMinutes[bucket] = {m.at("model_mae").get<double>(), m.at("baseline_mae").get<double>()};
            w.folds.push_back(std::move(fold));
        }
        w.skipped = j.at("skipped").get<std::vector<std::string>>();
        const auto& mean = j.at("mean");
        w.meanModelMae = mean.at("model_mae").get<double>();
        w.meanBaselineMae = mean.at("baseline_mae").get<double>();
        w.meanDiff = mean.at("diff").get<double>();
        w.meanDiffCi95 = pairOf(mean.at("diff_ci95"));
        w.improvementPct = mean.at("improvement_pct").get<double>();
        w.foldsBetter = mean.at("folds_better").get<int>();
        const auto& pooled = j.at("pooled");
        w.pooledRows = pooled.at("rows").get<int64_t>();
        w.pooledModelMae = pooled.at("model_mae").get<double>();
        w.pooledBaselineMae = pooled.at("baseline_mae").get<double>();
        w.pooledBestBaseline = pooled.at("best_baseline").get<std::string>();
        w.pooledDiffCi95 = pairOf(pooled.at("diff_ci95"));
        w.seconds = j.at("seconds").get<double>();
        return w;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

std::optional<Ablation> ablationFromJson(const nlohmann::json& j)
{
    try {
        Ablation a;
        auto all = walkForwardFromJson(j.at("all_features"));
        if (!all)
            return std::nullopt;
        a.all = std::move(*all);
        for (const auto& r : j.at("without")) {
            AblationRow row;
            row.family = r.at("family").get<std::string>();
            row.dropped = r.at("dropped").get<std::vector<std::string>>();
            row.meanModelMae = r.at("model_mae").get<double>();
            row.rise = r.at("rise").get<double>();
            row.riseCi95 = pairOf(r.at("rise_ci95"));
            row.monthsWorse = r.at("months_worse").get<int>();
            a.rows.push_back(std::move(row));
        }
        a.seconds = j.at("seconds").get<double>();
        return a;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

} // namespace nbaops::model
