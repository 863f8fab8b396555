#include "train.h"

#include "util/errors.h"
#include "xgb.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <set>

namespace nbaops::model {

nlohmann::json Split::toJson() const
{
    return {{"train_from", trainFrom.iso()},   {"train_until", trainUntil.iso()}, {"valid_until", validUntil.iso()},
            {"test_from", testFrom.iso()},     {"test_until", testUntil.iso()}};
}

Split resolveSplit(const DataCalendar& calendar, const SplitRequest& req)
{
    const auto& dates = calendar.dates;
    if (dates.size() < 20)
        throw OpsError("only " + std::to_string(dates.size()) +
                       " dates hold feature rows with box scores; training needs at least 20. Import history "
                       "(nbaops import boxscores FILE) or run the pipeline over more dates first.");
    Split s;
    s.trainFrom = dates.front().first;
    const auto at = [&](double fraction, size_t from, size_t to) {
        return dates[std::min(to - 1, from + size_t(fraction * double(to - from)))].first;
    };
    std::set<std::string> seasons;
    for (const auto& d : dates)
        seasons.insert(d.second);
    const std::string last = dates.back().second;
    size_t lastStart = 0;
    while (lastStart < dates.size() && dates[lastStart].second != last)
        ++lastStart;
    if (seasons.size() >= 2 && dates.size() - lastStart >= 20) {
        s.trainUntil = dates[lastStart - 1].first;
        s.validUntil = at(0.35, lastStart, dates.size());
    } else {
        s.trainUntil = at(0.6, 0, dates.size());
        s.validUntil = at(0.8, 0, dates.size());
    }
    s.testUntil = dates.back().first;
    if (req.trainUntil)
        s.trainUntil = *req.trainUntil;
    if (req.validUntil)
        s.validUntil = *req.validUntil;
    else if (req.trainUntil && s.validUntil <= s.trainUntil)
        s.validUntil = at(0.5, size_t(std::lower_bound(dates.begin(), dates.end(), std::make_pair(*req.trainUntil, std::string()))
                                          - dates.begin()), dates.size());
    s.testFrom = req.testFrom ? *req.testFrom : s.validUntil.addDays(1);
    if (req.testUntil)
        s.testUntil = *req.testUntil;
    if (!(s.trainUntil < s.validUntil) || !(s.validUntil < s.testFrom) || s.testUntil < s.testFrom ||
        s.trainUntil < s.trainFrom)
        throw OpsError("the split is out of order: train " + s.trainFrom.iso() + ".." + s.trainUntil.iso() +
                       ", validate to " + s.validUntil.iso() + ", test " + s.testFrom.iso() + ".." +
                       s.testUntil.iso() + ". Dates must satisfy train-until < valid-until < test-from <= test-until.");
    return s;
}

nlohmann::json Params::toJson() const
{
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : xgb) {
        char* end = nullptr;
        const double d = std::strtod(v.c_str(), &end);
        if (end && *end == '\0' && !v.empty())
            j[k] = d;
        else
            j[k] = v;
    }
    j["rounds"] = maxRounds;
    j["early_stopping_rounds"] = earlyStopping;
    j["refit"] = refit;
    j["target"] = target;
    return j;
}

namespace {
// The default pseudo-Huber slopes on each scale (the walk-forward's choices).
constexpr const char* kSqrtSlope = "0.5";
constexpr const char* kPointsSlope = "3";
} // namespace

Params defaultParams()
{
    Params p;
    p.xgb = {{"objective", "reg:pseudohubererror"},
             {"huber_slope", kSqrtSlope},
             {"tree_method", "hist"},
             {"max_depth", "4"},
             {"eta", "0.05"},
             {"min_child_weight", "100"},
             {"subsample", "0.8"},
             {"colsample_bytree", "0.4"},
             {"gamma", "0.1"},
             {"nthread", "2"},
             {"seed", "7"}};
    return p;
}

namespace {

const std::set<std::string> kNumeric = {"max_depth", "eta", "learning_rate", "min_child_weight", "subsample",
                                        "colsample_bytree", "colsample_bylevel", "colsample_bynode", "gamma",
                                        "lambda", "reg_lambda", "alpha", "reg_alpha", "max_bin", "huber_slope",
                                        "nthread", "seed", "base_score", "max_delta_step", "max_leaves"};
const std::set<std::string> kText = {"objective", "tree_method", "grow_policy", "booster"};

bool isNumber(const std::string& v)
{
    char* end = nullptr;
    std::strtod(v.c_str(), &end);
    return !v.empty() && end && *end == '\0';
}

} // namespace

void applyParam(Params& p, const std::string& assignment)
{
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        throw UsageError("--param takes key=value, got '" + assignment + "'");
    std::string key = assignment.substr(0, eq);
    const std::string value = assignment.substr(eq + 1);
    if (key == "learning_rate")
        key = "eta";
    if (key == "rounds" || key == "n_estimators" || key == "num_boost_round" || key == "early_stopping_rounds") {
        if (!isNumber(value) || std::stod(value) < 1 || std::stod(value) > 20000)
            throw UsageError("--param " + key + " needs a whole number from 1 to 20000, got '" + value + "'");
        (key == "early_stopping_rounds" ? p.earlyStopping : p.maxRounds) = std::stoi(value);
        return;
    }
    if (key == "target") {
        if (value != "sqrt" && value != "points")
            throw UsageError("--param target takes sqrt (the trees learn the square root of the points, the default) "
                             "or points, got '" + value + "'");
        const auto slope = p.xgb.find("huber_slope");
        if (value != p.target && slope != p.xgb.end() && slope->second == (value == "sqrt" ? kPointsSlope : kSqrtSlope))
            slope->second = value == "sqrt" ? kSqrtSlope : kPointsSlope;
        p.target = value;
        return;
    }
    if (key == "refit") {
        if (value != "0" && value != "1" && value != "true" && value != "false")
            throw UsageError("--param refit takes 1 (train the chosen trees again on training and validation rows, the "
                             "default) or 0 (keep the early-stopped model), got '" + value + "'");
        p.refit = value == "1" || value == "true";
        return;
    }
    if (kNumeric.count(key)) {
        if (!isNumber(value))
            throw UsageError("--param " + key + " needs a number, got '" + value + "'");
    } else if (!kText.count(key)) {
        throw UsageError("--param " + key + " is not a parameter nbaops passes to XGBoost (numbers: max_depth, eta, "
                         "min_child_weight, subsample, colsample_bytree, gamma, lambda, alpha, max_bin, huber_slope, "
                         "nthread, seed, base_score; text: objective, tree_method, grow_policy; and rounds, "
                         "early_stopping_rounds, refit, target)");
    }
    p.xgb[key] = value;
}

void toTargetScale(std::vector<float>& labels, const std::string& target)
{
    if (target == "sqrt")
        for (float& l : labels)
            l = std::sqrt(std::max(l, 0.0f));
}

bool absoluteErrorIgnoresLearningRate()
{
    static std::once_flag once;
    static bool defect = false;
    std::call_once(once, [] {
        const size_t n = 200;
        std::vector<float> x(n), y(n);
        for (size_t i = 0; i < n; ++i) {
            x[i] = float(i) / float(n);
            y[i] = 10.0f * x[i];
        }
        const xgb::Matrix m(x, n, 1, y);
        const auto firstTree = [&](const char* eta) {
            xgb::Booster b({&m});
            for (const auto& [k, v] : std::map<std::string, std::string>{{"objective", "reg:absoluteerror"},
                                                                         {"eta", eta},
                                                                         {"base_score", "0"},
                                                                         {"max_depth", "2"},
                                                                         {"tree_method", "hist"},
                                                                         {"nthread", "1"}})
                b.setParam(k, v);
            b.updateOneIter(0, m);
            return b.predict(m);
        };
        const auto slow = firstTree("0.1"), full = firstTree("1");
        double diff = 0;
        for (size_t i = 0; i < n; ++i)
            diff = std::max(diff, double(std::abs(slow[i] - full[i])));
        defect = diff < 1e-4; // with the learning rate applied, the first predictions differ tenfold
        xgb::takeLog();
    });
    return defect;
}

namespace {

// The scale a saved model's trees predict on ("sqrt" or "points"; models from before it was
// kept predict points).
constexpr const char* kTargetAttribute = "nbaops_target";

// A prediction of the learnt scale back in points.
float toPoints(float learnt, bool sqrtScale)
{
    return sqrtScale ? std::max(0.0f, learnt) * std::max(0.0f, learnt) : learnt;
}

double pointsMae(const std::vector<float>& predicted, const std::vector<float>& points, bool sqrtScale)
{
    double sum = 0;
    for (size_t i = 0; i < points.size(); ++i)
        sum += std::abs(double(toPoints(predicted[i], sqrtScale)) - double(points[i]));
    return points.empty() ? 0.0 : sum / double(points.size());
}

float median(std::vector<float> v)
{
    if (v.empty())
        return 0;
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
    return v[v.size() / 2];
}

// Trains the fit's best number of trees again on the training and validation rows together.
void refit(Fit& f, const Columns& train, const Columns& valid, size_t columns, const ProgressFn& progress,
           const std::atomic<bool>* cancel)
{
    const auto t0 = std::chrono::steady_clock::now();
    Columns all;
    all.rows = train.rows + valid.rows;
    all.values.reserve(train.values.size() + valid.values.size());
    all.values.insert(all.values.end(), train.values.begin(), train.values.end());
    all.values.insert(all.values.end(), valid.values.begin(), valid.values.end());
    all.labels.reserve(all.rows);
    all.labels.insert(all.labels.end(), train.labels.begin(), train.labels.end());
    all.labels.insert(all.labels.end(), valid.labels.begin(), valid.labels.end());
    const xgb::Matrix dall(all.values, all.rows, columns, all.labels);
    xgb::Booster booster({&dall});
    for (const auto& [k, v] : f.params.xgb)
        booster.setParam(k, v);
    const int trees = f.bestIteration + 1;
    for (int it = 0; it < trees; ++it) {
        if (cancel && cancel->load()) {
            f.cancelled = true;
            return;
        }
        booster.updateOneIter(it, dall);
        if (progress) {
            FitProgress p;
            p.point.iteration = it;
            p.bestIteration = f.bestIteration;
            p.bestValidMae = f.bestValidMae;
            p.maxRounds = trees;
            p.refitting = true;
            progress(p);
        }
    }
    booster.setAttribute(kTargetAttribute, f.params.target);
    f.artifact = booster.save("ubj");
    f.refitRows = all.rows;
    f.refitSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

Fit fit(const std::vector<const Example*>& train, const std::vector<const Example*>& valid, Params params,
        const ProgressFn& progress, const std::atomic<bool>* cancel, const std::vector<std::string>& features)
{
    if (train.size() < 100)
        throw OpsError("only " + std::to_string(train.size()) +
                       " training rows in the window; move --train-until later or import more history");
    if (valid.size() < 20)
        throw OpsError("only " + std::to_string(valid.size()) +
                       " validation rows (the evaluation population) in the window; widen --valid-until");
    Fit f;
    f.trainRows = train.size();
    f.validRows = valid.size();
    const auto t0 = std::chrono::steady_clock::now();
    if (params.xgb["objective"] == "reg:absoluteerror" && absoluteErrorIgnoresLearningRate()) {
        f.warnings.push_back("This libxgboost (" + xgb::version() +
                             ") ignores the learning rate with reg:absoluteerror (its adaptive leaves are written "
                             "unscaled; fixed in later XGBoost), so that objective overfits from the first tree. "
                             "Trained with reg:pseudohubererror instead.");
        params.xgb["objective"] = "reg:pseudohubererror";
        params.xgb.try_emplace("huber_slope", params.target == "sqrt" ? kSqrtSlope : kPointsSlope);
    }
    if (params.target != "sqrt" && params.target != "points")
        throw UsageError("target must be sqrt or points, got '" + params.target + "'");
    const bool sqrtScale = params.target == "sqrt";
    const auto names = features.empty() ? featureNames() : features;
    Columns tc = toColumns(train, names), vc = toColumns(valid, names);
    const std::vector<float> trainPoints = tc.labels, validPoints = vc.labels;
    toTargetScale(tc.labels, params.target);
    toTargetScale(vc.labels, params.target);
    if (!params.xgb.count("base_score")) {
        // XGBoost 1.7 starts every objective at 0.5; start at the typical player-game instead.
        double base = median(tc.labels);
        if (params.xgb["objective"] == "reg:squarederror") {
            double sum = 0;
            for (float l : tc.labels)
                sum += l;
            base = sum / double(tc.labels.size());
        }
        params.xgb["base_score"] = std::to_string(base);
    }
    f.params = params;
    const xgb::Matrix dtrain(tc.values, tc.rows, names.size(), tc.labels);
    const xgb::Matrix dvalid(vc.values, vc.rows, names.size(), vc.labels);
    xgb::Booster booster({&dtrain, &dvalid});
    for (const auto& [k, v] : params.xgb)
        booster.setParam(k, v);
    f.bestValidMae = std::numeric_limits<double>::infinity();
    for (int it = 0; it < params.maxRounds; ++it) {
        if (cancel && cancel->load()) {
            f.cancelled = true;
            break;
        }
        booster.updateOneIter(it, dtrain);
        // The MAE in points, whatever the scale the trees learn (the predictions of the cached
        // matrices only add the newest tree).
        IterationPoint p{it, pointsMae(booster.predict(dtrain), trainPoints, sqrtScale),
                         pointsMae(booster.predict(dvalid), validPoints, sqrtScale)};
        f.curve.push_back(p);
        f.rounds = it + 1;
        if (p.validMae < f.bestValidMae - 1e-9) {
            f.bestValidMae = p.validMae;
            f.bestIteration = it;
        }
        if (progress)
            progress({p, f.bestIteration, f.bestValidMae, params.maxRounds});
        if (it - f.bestIteration >= params.earlyStopping)
            break;
    }
    if (f.rounds > 0) {
        auto selection = booster.slice(f.bestIteration + 1);
        selection.setAttribute(kTargetAttribute, params.target);
        f.selectionArtifact = selection.save("ubj");
        f.artifact = f.selectionArtifact;
        if (params.refit && !f.cancelled)
            refit(f, tc, vc, names.size(), progress, cancel);
    }
    for (auto& m : xgb::takeLog())
        f.warnings.push_back("XGBoost: " + m);
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return f;
}

std::vector<float> predict(const std::string& artifact, const std::vector<std::string>& names,
                           const std::vector<const Example*>& rows)
{
    if (rows.empty())
        return {};
    const auto booster = xgb::Booster::load(artifact);
    const Columns c = toColumns(rows, names);
    const xgb::Matrix m(c.values, c.rows, names.size());
    auto out = booster.predict(m);
    const bool sqrtScale = booster.attribute(kTargetAttribute) == "sqrt";
    for (float& p : out)
        p = toPoints(p, sqrtScale);
    return out;
}

nlohmann::json importance(const std::string& artifact, const std::vector<std::string>& names)
{
    const auto booster = xgb::Booster::load(artifact);
    nlohmann::json j = nlohmann::json::object();
    const std::pair<const char*, const char*> kinds[] = {
        {"gain", "average loss reduction of the splits on the feature"},
        {"weight", "number of splits on the feature"},
        {"cover", "average number of rows (hessian) covered by the splits on the feature"}};
    for (const auto& [type, label] : kinds) {
        auto scores = booster.importance(type, names);
        std::sort(scores.begin(), scores.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        nlohmann::json list = nlohmann::json::array();
        for (const auto& [n, v] : scores)
            list.push_back({{"feature", n}, {"value", v}});
        j[type] = {{"label", label}, {"features", list}};
    }
    return j;
}

} // namespace nbaops::model
