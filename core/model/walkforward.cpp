#include "walkforward.h"

#include "util/errors.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>

namespace nbaops::model {

namespace {

std::string monthOf(Date d) { return d.iso().substr(0, 7); }

// The rows of [from, until] (by date; `rows` is in date order).
std::pair<size_t, size_t> span(const std::vector<Example>& rows, Date from, Date until)
{
    const auto lo = std::lower_bound(rows.begin(), rows.end(), from, [](const Example& e, Date d) { return e.date < d; });
    const auto hi = std::upper_bound(rows.begin(), rows.end(), until, [](Date d, const Example& e) { return d < e.date; });
    return {size_t(lo - rows.begin()), size_t(hi - rows.begin())};
}

double mean(const std::vector<double>& v)
{
    double s = 0;
    for (double x : v)
        s += x;
    return v.empty() ? 0.0 : s / double(v.size());
}

} // namespace

std::pair<double, double> tInterval(const std::vector<double>& values)
{
    const double m = mean(values);
    if (values.size() < 2)
        return {m, m};
    double ss = 0;
    for (double v : values)
        ss += (v - m) * (v - m);
    const double se = std::sqrt(ss / double(values.size() - 1)) / std::sqrt(double(values.size()));
    const double h = tQuantile975(int(values.size()) - 1) * se;
    return {m - h, m + h};
}

double tQuantile975(int df)
{
    static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                   2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                   2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (df < 1)
        return std::numeric_limits<double>::infinity();
    if (df <= 30)
        return table[df - 1];
    return df <= 60 ? 2.000 : (df <= 120 ? 1.980 : 1.960);
}

nlohmann::json Fold::toJson() const
{
    nlohmann::json mins = nlohmann::json::object();
    for (const auto& [bucket, m] : byMinutes)
        mins[bucket] = {{"model_mae", m.first}, {"baseline_mae", m.second}};
    return {{"month", month},
            {"season", season},
            {"train", {{"from", trainFrom.iso()}, {"until", trainUntil.iso()}, {"rows", trainRows}}},
            {"valid", {{"from", validFrom.iso()}, {"until", validUntil.iso()}, {"rows", validRows}}},
            {"test", {{"from", testFrom.iso()}, {"until", testUntil.iso()}, {"rows", testRows}}},
            {"trees", trees},
            {"seconds", seconds},
            {"valid_mae", validMae},
            {"model_mae", modelMae},
            {"baseline_mae", baselineMae},
            {"best_baseline", bestBaseline},
            {"diff", modelMae - bestBaselineMae()},
            {"by_minutes", mins}};
}

nlohmann::json WalkForward::toJson() const
{
    nlohmann::json f = nlohmann::json::array();
    for (const auto& fold : folds)
        f.push_back(fold.toJson());
    return {{"folds", f},
            {"skipped", skipped},
            {"mean", {{"model_mae", meanModelMae},
                      {"baseline_mae", meanBaselineMae},
                      {"diff", meanDiff},
                      {"diff_ci95", {meanDiffCi95.first, meanDiffCi95.second}},
                      {"improvement_pct", improvementPct},
                      {"folds_better", foldsBetter}}},
            {"pooled", {{"rows", pooledRows},
                        {"model_mae", pooledModelMae},
                        {"baseline_mae", pooledBaselineMae},
                        {"best_baseline", pooledBestBaseline},
                        {"diff_ci95", {pooledDiffCi95.first, pooledDiffCi95.second}}}},
            {"population", kPopulation},
            {"seconds", seconds}};
}

FoldPlans planFolds(const Dataset& data, const DataCalendar& calendar, const WalkForwardOptions& options)
{
    if (options.seasons < 1 || options.validDates < 1)
        throw UsageError("walk-forward needs at least one season to test and one validation date");
    // The seasons, oldest first, and the months of the last ones.
    std::vector<std::string> seasons;
    for (const auto& [d, s] : calendar.dates)
        if (seasons.empty() || seasons.back() != s)
            seasons.push_back(s);
    if (seasons.size() < 2)
        throw OpsError("walk-forward needs at least two seasons of history (there is " + std::to_string(seasons.size()) +
                       "): every month it tests trains on the seasons before it. Import more history first.");
    const std::set<std::string> tested(seasons.end() - std::min<ptrdiff_t>(options.seasons, ptrdiff_t(seasons.size()) - 1),
                                       seasons.end());
    struct Month
    {
        std::string month, season;
        size_t firstDate = 0, lastDate = 0; // indices into calendar.dates
    };
    std::vector<Month> months;
    for (size_t i = 0; i < calendar.dates.size(); ++i) {
        const auto& [d, s] = calendar.dates[i];
        if (!tested.count(s) || (options.testBefore && d >= *options.testBefore))
            continue;
        if (months.empty() || months.back().month != monthOf(d) || months.back().season != s)
            months.push_back({monthOf(d), s, i, i});
        months.back().lastDate = i;
    }
    FoldPlans plans;
    for (const Month& mo : months) {
        FoldPlan p;
        Fold& f = p.fold;
        f.month = mo.month;
        f.season = mo.season;
        f.testFrom = calendar.dates[mo.firstDate].first;
        f.testUntil = calendar.dates[mo.lastDate].first;
        const size_t validFirst = mo.firstDate >= size_t(options.validDates) ? mo.firstDate - size_t(options.validDates) : 0;
        if (validFirst == 0) {
            plans.skipped.push_back(f.month + ": fewer than " + std::to_string(options.validDates + 1) +
                                    " game dates before it to train and validate on");
            continue;
        }
        f.validFrom = calendar.dates[validFirst].first;
        f.validUntil = calendar.dates[mo.firstDate - 1].first;
        f.trainFrom = calendar.dates.front().first;
        f.trainUntil = calendar.dates[validFirst - 1].first;
        const auto [t0, t1] = span(data.rows, f.trainFrom, f.trainUntil);
        for (size_t i = t0; i < t1; ++i)
            p.train.push_back(&data.rows[i]);
        const auto [v0, v1] = span(data.rows, f.validFrom, f.validUntil);
        for (size_t i = v0; i < v1; ++i)
            if (data.rows[i].inPopulation())
                p.valid.push_back(&data.rows[i]);
        const auto [s0, s1] = span(data.rows, f.testFrom, f.testUntil);
        for (size_t i = s0; i < s1; ++i)
            if (data.rows[i].inPopulation())
                p.test.push_back(&data.rows[i]);
        if (p.train.size() < 100 || p.valid.size() < 20 || p.test.size() < options.minTestRows) {
            plans.skipped.push_back(f.month + ": " + std::to_string(p.train.size()) + " training, " +
                                    std::to_string(p.valid.size()) + " validation and " +
                                    std::to_string(p.test.size()) + " test rows (a fold needs at least 100, 20 and " +
                                    std::to_string(options.minTestRows) + ")");
            continue;
        }
        f.trainRows = p.train.size();
        f.validRows = p.valid.size();
        f.testRows = p.test.size();
        plans.folds.push_back(std::move(p));
    }
    return plans;
}

std::optional<Fold> runFold(const FoldPlan& plan, const Params& params, const std::vector<std::string>& names,
                            const std::atomic<bool>* cancel, std::vector<float>* predictedOut)
{
    const Fit fitted = fit(plan.train, plan.valid, params, {}, cancel, names);
    if (fitted.cancelled)
        return std::nullopt;
    const auto predicted = predict(fitted.artifact, names, plan.test);
    const Evaluation ev = evaluate(plan.test, predicted);
    Fold f = plan.fold;
    f.trees = fitted.bestIteration + 1;
    f.seconds = fitted.seconds;
    f.validMae = fitted.bestValidMae;
    f.modelMae = ev.model.overall.mae;
    for (const auto& [name, seg] : ev.baselines)
        f.baselineMae[name] = seg.overall.mae;
    f.bestBaseline = ev.bestBaseline;
    const auto& best = ev.baselines.at(ev.bestBaseline);
    for (const auto& [bucket, metrics] : ev.model.byMinutes)
        if (metrics.n > 0)
            f.byMinutes[bucket] = {metrics.mae, best.byMinutes.at(bucket).mae};
    if (predictedOut)
        *predictedOut = predicted;
    return f;
}

WalkForward walkForward(const Dataset& data, const DataCalendar& calendar, const Params& params,
                        const WalkForwardOptions& options, const FoldProgressFn& progress,
                        const std::atomic<bool>* cancel)
{
    const auto t0 = std::chrono::steady_clock::now();
    const FoldPlans plans = planFolds(data, calendar, options);
    WalkForward wf;
    wf.skipped = plans.skipped;
    const auto names = options.features.empty() ? featureNames() : options.features;
    std::vector<const Example*> pooled;
    std::vector<float> pooledPredicted;
    std::vector<double> diffs;
    const int total = int(plans.folds.size());
    for (int m = 0; m < total; ++m) {
        const FoldPlan& plan = plans.folds[size_t(m)];
        if (cancel && cancel->load()) {
            wf.cancelled = true;
            break;
        }
        if (progress)
            progress(m, total, plan.fold.month, nullptr);
        std::vector<float> predicted;
        auto f = runFold(plan, params, names, cancel, &predicted);
        if (!f) {
            wf.cancelled = true;
            break;
        }
        diffs.push_back(f->modelMae - f->bestBaselineMae());
        pooled.insert(pooled.end(), plan.test.begin(), plan.test.end());
        pooledPredicted.insert(pooledPredicted.end(), predicted.begin(), predicted.end());
        wf.folds.push_back(std::move(*f));
        if (progress)
            progress(m, total, plan.fold.month, &wf.folds.back());
    }
    if (wf.folds.empty()) {
        if (wf.cancelled)
            return wf;
        throw OpsError("walk-forward found no month it could test" +
                       (wf.skipped.empty() ? std::string() : ": " + wf.skipped.front()));
    }
    std::vector<double> modelMaes, baseMaes;
    for (const auto& f : wf.folds) {
        modelMaes.push_back(f.modelMae);
        baseMaes.push_back(f.bestBaselineMae());
        wf.foldsBetter += f.modelMae < f.bestBaselineMae() ? 1 : 0;
    }
    wf.meanModelMae = mean(modelMaes);
    wf.meanBaselineMae = mean(baseMaes);
    wf.meanDiff = mean(diffs);
    wf.improvementPct = wf.meanBaselineMae > 0 ? -100.0 * wf.meanDiff / wf.meanBaselineMae : 0.0;
    wf.meanDiffCi95 = tInterval(diffs);
    const Evaluation all = evaluate(pooled, pooledPredicted);
    wf.pooledRows = all.rows;
    wf.pooledModelMae = all.model.overall.mae;
    wf.pooledBestBaseline = all.bestBaseline;
    wf.pooledBaselineMae = all.baselines.at(all.bestBaseline).overall.mae;
    wf.pooledDiffCi95 = all.maeDiffCi95;
    wf.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return wf;
}

nlohmann::json Ablation::toJson() const
{
    nlohmann::json r = nlohmann::json::array();
    for (const auto& row : rows)
        r.push_back({{"family", row.family},
                     {"dropped", row.dropped},
                     {"model_mae", row.meanModelMae},
                     {"rise", row.rise},
                     {"rise_ci95", {row.riseCi95.first, row.riseCi95.second}},
                     {"months_worse", row.monthsWorse}});
    return {{"all_features", all.toJson()}, {"without", r}, {"seconds", seconds}};
}

Ablation ablate(const Dataset& data, const DataCalendar& calendar, const Params& params,
                const WalkForwardOptions& options, const std::vector<std::string>& families,
                const AblationProgressFn& progress, const std::atomic<bool>* cancel)
{
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<const features::Family*> chosen;
    for (const auto& f : features::families())
        if (families.empty() || std::find(families.begin(), families.end(), f.name) != families.end())
            chosen.push_back(&f);
    for (const auto& name : families)
        if (std::none_of(chosen.begin(), chosen.end(), [&](const auto* f) { return f->name == name; })) {
            std::string known;
            for (const auto& f : features::families())
                known += (known.empty() ? "" : ", ") + std::string(f.name);
            throw UsageError("no feature family '" + name + "'; the families are: " + known);
        }
    const int total = int(chosen.size()) + 1;
    Ablation a;
    if (progress)
        progress("every feature", 0, total);
    a.all = walkForward(data, calendar, params, options, {}, cancel);
    if (a.all.cancelled) {
        a.cancelled = true;
        return a;
    }
    const auto all = options.features.empty() ? featureNames() : options.features;
    for (size_t i = 0; i < chosen.size(); ++i) {
        if (progress)
            progress("without " + std::string(chosen[i]->name), int(i) + 1, total);
        WalkForwardOptions o = options;
        o.features.clear();
        AblationRow row;
        row.family = chosen[i]->name;
        for (const auto& n : all) {
            const bool drop = std::find(chosen[i]->members.begin(), chosen[i]->members.end(), n) != chosen[i]->members.end();
            (drop ? row.dropped : o.features).push_back(n);
        }
        const WalkForward w = walkForward(data, calendar, params, o, {}, cancel);
        if (w.cancelled) {
            a.cancelled = true;
            return a;
        }
        std::vector<double> rises;
        for (const auto& f : w.folds)
            for (const auto& base : a.all.folds)
                if (base.month == f.month) {
                    rises.push_back(f.modelMae - base.modelMae);
                    row.monthsWorse += f.modelMae > base.modelMae ? 1 : 0;
                }
        row.meanModelMae = w.meanModelMae;
        row.rise = mean(rises);
        row.riseCi95 = tInterval(rises);
        a.rows.push_back(std::move(row));
    }
    if (progress)
        progress("done", total, total);
    a.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return a;
}

} // namespace nbaops::model
