#include "versions.h"

#include "store/audit.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/files.h"

#include <cstdlib>

namespace nbaops::model {

namespace {

const char* kColumns = "version, created_at, created_by, objective, params, feature_version, features, train_from,"
                       " train_until, valid_until, test_from, test_until, train_rows, valid_rows, test_rows,"
                       " best_iteration, trees, train_seconds, valid_mae, test_mae, report, artifact, sha256, warnings";

Date dateOf(const std::string& iso) { return Date::parse(iso).value_or(Date()); }

} // namespace

nlohmann::json ModelVersion::summary() const
{
    return {{"version", version},       {"created_at", createdAt},    {"created_by", createdBy},
            {"objective", objective},   {"aliases", aliases},         {"split", split.toJson()},
            {"test_rows", testRows},    {"trees", trees},             {"best_iteration", bestIteration},
            {"valid_mae", validMae},    {"test_mae", testMae},        {"train_seconds", trainSeconds},
            {"best_baseline_mae", report.value("baselines", nlohmann::json::object())
                                      .value(report.value("best_baseline", ""), nlohmann::json::object())
                                      .value("mae", 0.0)},
            {"improvement_pct", report.value("improvement_pct", 0.0)},
            {"sha256", sha256}};
}

nlohmann::json Comparison::toJson() const
{
    return {{"candidate", candidate},
            {"reference", reference},
            {"window", {{"from", from.iso()}, {"until", until.iso()}}},
            {"population", {{"definition", kPopulation}, {"rows", rows}}},
            {"candidate_mae", candidateMae},
            {"reference_mae", referenceMae},
            {"mae_diff", candidateMae - referenceMae},
            {"mae_diff_ci95", {diffCi95.first, diffCi95.second}},
            {"fair", fair},
            {"candidate_better", candidateBetter()},
            {"note", note}};
}

void setAlias(store::Database& db, const std::string& alias, const std::string& version, const std::string& actor)
{
    db.prepare("INSERT INTO model_aliases(alias, version, set_at, set_by) VALUES (?, ?, ?, ?)"
               " ON CONFLICT(alias) DO UPDATE SET version = excluded.version, set_at = excluded.set_at,"
               " set_by = excluded.set_by")
        .bindAll(alias, version, nowIsoUtc(), actor)
        .run();
}

ModelVersions::ModelVersions(store::Database& db, std::filesystem::path dataDir)
    : m_db(db), m_dataDir(std::move(dataDir))
{
}

std::string ModelVersions::add(ModelVersion v, const std::string& bytes)
{
    if (bytes.empty())
        throw OpsError("the model has no trees (training stopped before the first); nothing was registered");
    auto next = m_db.prepare("SELECT coalesce(max(CAST(substr(version, 2) AS INTEGER)), 0) + 1 FROM model_versions");
    next.step();
    char name[32];
    std::snprintf(name, sizeof name, "m%04lld", static_cast<long long>(next.getInt(0)));
    v.version = name;
    v.report["version"] = v.version;
    const auto rel = std::filesystem::path("models") / (v.version + ".ubj");
    writeFileAtomically(m_dataDir / rel, bytes);
    v.artifact = rel.string();
    v.sha256 = sha256Hex(bytes);
    if (v.createdAt.empty())
        v.createdAt = nowIsoUtc();
    {
        store::Transaction tx(m_db);
        auto ins = m_db.prepare(std::string("INSERT INTO model_versions(") + kColumns +
                                ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        ins.bindAll(v.version, v.createdAt, v.createdBy, v.objective, v.params.dump(), int64_t(v.featureVersion),
                    nlohmann::json(v.features).dump(), v.split.trainFrom.iso(), v.split.trainUntil.iso(),
                    v.split.validUntil.iso(), v.split.testFrom.iso(), v.split.testUntil.iso(), v.trainRows,
                    v.validRows, v.testRows, int64_t(v.bestIteration), int64_t(v.trees), v.trainSeconds, v.validMae,
                    v.testMae, v.report.dump(), v.artifact, v.sha256, nlohmann::json(v.warnings).dump());
        ins.run();
        audit(v.createdBy, "model.train", v.version + " test MAE " + std::to_string(v.testMae));
        tx.commit();
    }
    return v.version;
}

std::vector<ModelVersion> ModelVersions::list()
{
    std::vector<ModelVersion> out;
    auto st = m_db.prepare(std::string("SELECT ") + kColumns + " FROM model_versions ORDER BY version");
    while (st.step()) {
        ModelVersion v;
        int c = 0;
        v.version = st.getText(c++);
        v.createdAt = st.getText(c++);
        v.createdBy = st.getText(c++);
        v.objective = st.getText(c++);
        v.params = nlohmann::json::parse(st.getText(c++), nullptr, false);
        v.featureVersion = int(st.getInt(c++));
        const auto feats = nlohmann::json::parse(st.getText(c++), nullptr, false);
        if (feats.is_array())
            for (const auto& f : feats)
                v.features.push_back(f.get<std::string>());
        v.split.trainFrom = dateOf(st.getText(c++));
        v.split.trainUntil = dateOf(st.getText(c++));
        v.split.validUntil = dateOf(st.getText(c++));
        v.split.testFrom = dateOf(st.getText(c++));
        v.split.testUntil = dateOf(st.getText(c++));
        v.trainRows = st.getInt(c++);
        v.validRows = st.getInt(c++);
        v.testRows = st.getInt(c++);
        v.bestIteration = int(st.getInt(c++));
        v.trees = int(st.getInt(c++));
        v.trainSeconds = st.getDouble(c++);
        v.validMae = st.getDouble(c++);
        v.testMae = st.getDouble(c++);
        v.report = nlohmann::json::parse(st.getText(c++), nullptr, false);
        v.artifact = st.getText(c++);
        v.sha256 = st.getText(c++);
        const auto warns = nlohmann::json::parse(st.getOptText(c++).value_or("[]"), nullptr, false);
        if (warns.is_array())
            for (const auto& w : warns)
                v.warnings.push_back(w.get<std::string>());
        out.push_back(std::move(v));
    }
    auto al = m_db.prepare("SELECT alias, version FROM model_aliases ORDER BY alias");
    while (al.step()) {
        for (auto& v : out)
            if (v.version == al.getText(1))
                v.aliases.push_back(al.getText(0));
    }
    return out;
}

ModelVersion ModelVersions::get(const std::string& version)
{
    std::string wanted = version;
    if (version == "champion" || version == "challenger") {
        const auto a = alias(version);
        if (!a)
            throw OpsError("there is no " + version + " yet; promote a version first (nbaops model promote VERSION)");
        wanted = *a;
    }
    for (auto& v : list())
        if (v.version == wanted)
            return v;
    throw OpsError("there is no model version '" + version + "'; nbaops model list shows them");
}

std::optional<std::string> ModelVersions::alias(const std::string& name)
{
    auto st = m_db.prepare("SELECT version FROM model_aliases WHERE alias = ?");
    st.bindAll(name);
    if (st.step())
        return st.getText(0);
    return std::nullopt;
}

std::string ModelVersions::loadArtifact(const ModelVersion& v)
{
    const auto path = m_dataDir / v.artifact;
    if (!std::filesystem::exists(path))
        throw OpsError("the artifact of " + v.version + " is missing (" + path.string() +
                       "); restore the data folder from a backup or retrain");
    std::string bytes = readFile(path);
    const std::string sum = sha256Hex(bytes);
    if (sum != v.sha256)
        throw OpsError("the artifact of " + v.version + " (" + path.string() + ") has SHA-256 " + sum.substr(0, 16) +
                       "..., the registry recorded " + v.sha256.substr(0, 16) +
                       "...: it was changed or damaged and is not used. Restore it from a backup or retrain.");
    return bytes;
}

Comparison ModelVersions::compare(const std::string& candidateName, const std::string& referenceName)
{
    const ModelVersion cand = get(candidateName), ref = get(referenceName);
    Comparison c;
    c.candidate = cand.version;
    c.reference = ref.version;
    c.from = cand.split.testFrom;
    c.until = cand.split.testUntil;
    if (!(ref.split.validUntil < c.from)) {
        c.fair = false;
        c.note = ref.version + " trained or validated on dates up to " + ref.split.validUntil.iso() +
                 ", inside " + cand.version + "'s test window from " + c.from.iso() +
                 "; its error there is not a fair measure";
    }
    const Dataset data = loadDataset(m_db, c.from, c.until);
    std::vector<const Example*> rows;
    for (const auto& e : data.rows)
        if (e.inPopulation())
            rows.push_back(&e);
    c.rows = int64_t(rows.size());
    if (rows.empty()) {
        c.fair = false;
        c.note = "no evaluation rows between " + c.from.iso() + " and " + c.until.iso();
        return c;
    }
    const auto pc = predict(loadArtifact(cand), cand.features, rows);
    const auto pr = predict(loadArtifact(ref), ref.features, rows);
    std::vector<double> ec, er;
    double sc = 0, sr = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        ec.push_back(double(rows[i]->points) - pc[i]);
        er.push_back(double(rows[i]->points) - pr[i]);
        sc += std::abs(ec.back());
        sr += std::abs(er.back());
    }
    c.candidateMae = sc / double(rows.size());
    c.referenceMae = sr / double(rows.size());
    c.diffCi95 = bootstrapDiff(rows, ec, er);
    return c;
}

std::string ModelVersions::promote(const std::string& version, const std::string& actor, bool force)
{
    const ModelVersion v = get(version);
    loadArtifact(v); // a damaged artifact is never promoted
    const auto champion = alias("champion");
    std::string detail;
    if (champion && *champion == v.version)
        return v.version + " is already the champion";
    if (champion && !force) {
        const Comparison c = compare(v.version, *champion);
        if (!c.fair)
            throw OpsError("not promoted: " + c.note + ". Retrain " + v.version +
                           " with a later test window, or pass --force to promote without the check.");
        if (!c.candidateBetter()) {
            char msg[320];
            std::snprintf(msg, sizeof msg,
                          "not promoted: on %s..%s (%lld player-games) %s has MAE %.3f, the champion %s %.3f. "
                          "A new champion must beat the current one on the same test window.",
                          c.from.iso().c_str(), c.until.iso().c_str(), static_cast<long long>(c.rows),
                          v.version.c_str(), c.candidateMae, champion->c_str(), c.referenceMae);
            throw OpsError(msg);
        }
        char msg[240];
        std::snprintf(msg, sizeof msg, "beat %s on %s..%s: MAE %.3f vs %.3f (%lld player-games)", champion->c_str(),
                      c.from.iso().c_str(), c.until.iso().c_str(), c.candidateMae, c.referenceMae,
                      static_cast<long long>(c.rows));
        detail = msg;
    } else {
        detail = champion ? "forced over " + *champion + " without the comparison" : "first champion";
    }
    {
        store::Transaction tx(m_db);
        setAlias(m_db, "champion", v.version, actor);
        m_db.prepare("DELETE FROM model_aliases WHERE alias = 'challenger' AND version = ?").bindAll(v.version).run();
        audit(actor, force ? "model.promote.forced" : "model.promote", v.version + ": " + detail);
        tx.commit();
    }
    return v.version + " is the champion (" + detail + ")";
}

void ModelVersions::setChallenger(const std::string& version, const std::string& actor)
{
    const ModelVersion v = get(version);
    {
        store::Transaction tx(m_db);
        setAlias(m_db, "challenger", v.version, actor);
        audit(actor, "model.challenger", v.version);
        tx.commit();
    }
}

void ModelVersions::audit(const std::string& actor, const std::string& action, const std::string& detail)
{
    store::writeAudit(m_db, actor, action, detail);
}

} // namespace nbaops::model
