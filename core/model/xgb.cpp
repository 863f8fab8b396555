#include "xgb.h"

#include "util/errors.h"

#include <xgboost/c_api.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <mutex>

namespace nbaops::model::xgb {

namespace {

std::mutex g_logMutex;
std::vector<std::string> g_log;

void logCallback(const char* msg)
{
    std::lock_guard lock(g_logMutex);
    if (g_log.size() < 200)
        g_log.emplace_back(msg);
}

void installLog()
{
    static std::once_flag once;
    std::call_once(once, [] {
        XGBRegisterLogCallback(&logCallback);
        XGBSetGlobalConfig(R"({"verbosity": 1})");
    });
}

void check(int rc, const char* what)
{
    if (rc != 0)
        throw OpsError(std::string("XGBoost could not ") + what + ": " + XGBGetLastError());
}

} // namespace

Matrix::Matrix(const std::vector<float>& values, size_t rows, size_t cols, const std::vector<float>& labels)
    : m_rows(rows)
{
    installLog();
    if (values.size() != rows * cols)
        throw OpsError("feature matrix has " + std::to_string(values.size()) + " values, expected " +
                       std::to_string(rows * cols));
    DMatrixHandle h = nullptr;
    // Rows are copied on every core (the same matrix as one thread builds, in less time).
    check(XGDMatrixCreateFromMat_omp(values.data(), bst_ulong(rows), bst_ulong(cols), std::nanf(""), &h, 0),
          "build a feature matrix");
    m_handle = h;
    if (!labels.empty())
        check(XGDMatrixSetFloatInfo(h, "label", labels.data(), bst_ulong(labels.size())), "set the labels");
}

Matrix::~Matrix()
{
    if (m_handle)
        XGDMatrixFree(m_handle);
}

Booster::Booster(const std::vector<const Matrix*>& cache)
{
    installLog();
    std::vector<DMatrixHandle> hs;
    hs.reserve(cache.size());
    for (const auto* m : cache)
        hs.push_back(m->handle());
    BoosterHandle h = nullptr;
    check(XGBoosterCreate(hs.data(), bst_ulong(hs.size()), &h), "create a booster");
    m_handle = h;
}

Booster Booster::load(const std::string& bytes)
{
    installLog();
    Booster b;
    BoosterHandle h = nullptr;
    check(XGBoosterCreate(nullptr, 0, &h), "create a booster");
    b.m_handle = h;
    check(XGBoosterLoadModelFromBuffer(h, bytes.data(), bst_ulong(bytes.size())), "read the model");
    return b;
}

Booster::~Booster()
{
    if (m_handle)
        XGBoosterFree(m_handle);
}

void Booster::setParam(const std::string& name, const std::string& value)
{
    check(XGBoosterSetParam(m_handle, name.c_str(), value.c_str()), ("set " + name + "=" + value).c_str());
}

void Booster::updateOneIter(int iteration, const Matrix& train)
{
    check(XGBoosterUpdateOneIter(m_handle, iteration, train.handle()), "train a tree");
}

std::vector<float> Booster::predict(const Matrix& m, int iterationEnd) const
{
    const nlohmann::json config = {{"type", 0},
                                   {"training", false},
                                   {"iteration_begin", 0},
                                   {"iteration_end", iterationEnd},
                                   {"strict_shape", false}};
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* out = nullptr;
    check(XGBoosterPredictFromDMatrix(m_handle, m.handle(), config.dump().c_str(), &shape, &dim, &out), "predict");
    return std::vector<float>(out, out + m.rows());
}

Booster Booster::slice(int end) const
{
    Booster b;
    BoosterHandle h = nullptr;
    check(XGBoosterSlice(m_handle, 0, end, 1, &h), "keep the best iteration's trees");
    b.m_handle = h;
    return b;
}

void Booster::setAttribute(const std::string& key, const std::string& value)
{
    check(XGBoosterSetAttr(m_handle, key.c_str(), value.c_str()), ("keep " + key + " with the model").c_str());
}

std::string Booster::attribute(const std::string& key) const
{
    const char* out = nullptr;
    int found = 0;
    check(XGBoosterGetAttr(m_handle, key.c_str(), &out, &found), ("read " + key + " of the model").c_str());
    return found && out ? out : "";
}

int Booster::rounds() const
{
    int n = 0;
    check(XGBoosterBoostedRounds(m_handle, &n), "count the trees");
    return n;
}

std::string Booster::save(const char* format) const
{
    const nlohmann::json config = {{"format", format}};
    bst_ulong len = 0;
    const char* data = nullptr;
    check(XGBoosterSaveModelToBuffer(m_handle, config.dump().c_str(), &len, &data), "save the model");
    return std::string(data, len);
}

std::vector<std::pair<std::string, double>> Booster::importance(const std::string& type,
                                                                const std::vector<std::string>& names) const
{
    const nlohmann::json config = {{"importance_type", type}, {"feature_names", names}};
    bst_ulong n = 0, dim = 0;
    const char** features = nullptr;
    const bst_ulong* shape = nullptr;
    const float* scores = nullptr;
    check(XGBoosterFeatureScore(m_handle, config.dump().c_str(), &n, &features, &dim, &shape, &scores),
          ("compute the " + type + " importance").c_str());
    std::vector<std::pair<std::string, double>> out;
    for (bst_ulong i = 0; i < n; ++i)
        out.emplace_back(features[i], double(scores[i]));
    return out;
}

std::string version()
{
    int major = 0, minor = 0, patch = 0;
    XGBoostVersion(&major, &minor, &patch);
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::vector<std::string> takeLog()
{
    std::lock_guard lock(g_logMutex);
    return std::exchange(g_log, {});
}

} // namespace nbaops::model::xgb
