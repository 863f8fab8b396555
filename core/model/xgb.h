#pragma once

// A thin, owning C++ face over the XGBoost C API (Debian's libxgboost 1.7).

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace nbaops::model::xgb {

// A dense float matrix, row-major, NaN for missing, with optional labels.
class Matrix
{
public:
    Matrix(const std::vector<float>& values, size_t rows, size_t cols, const std::vector<float>& labels = {});
    ~Matrix();
    Matrix(const Matrix&) = delete;
    Matrix& operator=(const Matrix&) = delete;
    Matrix(Matrix&& o) noexcept : m_handle(std::exchange(o.m_handle, nullptr)), m_rows(o.m_rows) {}
    void* handle() const { return m_handle; }
    size_t rows() const { return m_rows; }

private:
    void* m_handle = nullptr;
    size_t m_rows = 0;
};

class Booster
{
public:
    // A booster to train, caching the given matrices.
    explicit Booster(const std::vector<const Matrix*>& cache);
    // A trained booster from its saved bytes (UBJSON or JSON).
    static Booster load(const std::string& bytes);
    ~Booster();
    Booster(const Booster&) = delete;
    Booster& operator=(const Booster&) = delete;
    Booster(Booster&& o) noexcept : m_handle(std::exchange(o.m_handle, nullptr)) {}

    void setParam(const std::string& name, const std::string& value);
    void updateOneIter(int iteration, const Matrix& train);
    // Predictions from trees [0, iterationEnd) (0: all trees).
    std::vector<float> predict(const Matrix& m, int iterationEnd = 0) const;
    // A copy holding only the trees of iterations [0, end).
    Booster slice(int end) const;
    int rounds() const;
    // A string kept with the model (saved and loaded with it); empty when absent.
    void setAttribute(const std::string& key, const std::string& value);
    std::string attribute(const std::string& key) const;
    std::string save(const char* format = "ubj") const;
    // Importance per feature name ("gain", "weight", "cover", "total_gain"...); features never
    // used in a split are absent.
    std::vector<std::pair<std::string, double>> importance(const std::string& type,
                                                           const std::vector<std::string>& names) const;

private:
    Booster() = default;
    void* m_handle = nullptr;
};

std::string version();
// Messages XGBoost logged since the last call (it would print them to stdout otherwise).
std::vector<std::string> takeLog();

} // namespace nbaops::model::xgb
