#include "search.h"

#include "util/errors.h"
#include "util/rng.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>

namespace nbaops::model {

nlohmann::json SearchPlan::toJson() const { return {{"months", months}, {"rung_folds", rungFolds}}; }

SearchPlan searchPlan(const std::vector<std::string>& monthsOldestFirst, int reduction)
{
    if (reduction < 2)
        throw UsageError("the search keeps the best 1/N of each rung: N must be 2 or more");
    SearchPlan plan;
    const int n = int(monthsOldestFirst.size());
    if (n == 0)
        return plan;
    // Greedy spread: the latest month first (the nearest to what the model will serve), then
    // each time the month farthest from those already taken (the later on a tie).
    std::vector<int> taken = {n - 1};
    while (int(taken.size()) < n) {
        int pick = -1, far = -1;
        for (int i = n - 1; i >= 0; --i) {
            if (std::find(taken.begin(), taken.end(), i) != taken.end())
                continue;
            int nearest = n;
            for (int t : taken)
                nearest = std::min(nearest, std::abs(t - i));
            if (nearest > far) {
                far = nearest;
                pick = i;
            }
        }
        taken.push_back(pick);
    }
    for (int i : taken)
        plan.months.push_back(monthsOldestFirst[size_t(i)]);
    plan.rungFolds = {n};
    while (plan.rungFolds.front() > 1) {
        const int next = std::max(1, plan.rungFolds.front() / reduction);
        plan.rungFolds.insert(plan.rungFolds.begin(), next);
    }
    return plan;
}

namespace {

std::string sig3(double v)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.3g", v);
    return b;
}

double logUniform(Rng& rng, double lo, double hi) { return std::exp(rng.uniform(std::log(lo), std::log(hi))); }

} // namespace

Params drawConfig(const Params& base, uint64_t seed, int index)
{
    if (index == 0)
        return base;
    Rng rng(seed * 0x9E3779B97F4A7C15ull + uint64_t(index));
    Params p = base;
    p.xgb["max_depth"] = std::to_string(2 + rng.below(7)); // 2..8
    const double eta = logUniform(rng, 0.03, 0.15);
    p.xgb["eta"] = sig3(eta);
    p.xgb["min_child_weight"] = sig3(logUniform(rng, 1, 200));
    p.xgb["subsample"] = sig3(rng.uniform(0.6, 1.0));
    p.xgb["colsample_bytree"] = sig3(rng.uniform(0.4, 1.0));
    p.xgb["gamma"] = sig3(rng.uniform(0, 2));
    p.xgb["lambda"] = sig3(logUniform(rng, 0.5, 30));
    // The slope is on the scale the trees learn: points, or their square root.
    const double slope = base.target == "sqrt" ? logUniform(rng, 0.1, 2) : logUniform(rng, 0.5, 10);
    if (p.xgb["objective"] == "reg:pseudohubererror")
        p.xgb["huber_slope"] = sig3(slope);
    // Early stopping ends a fit; the cap only has to leave a slow learning rate room.
    p.maxRounds = std::max(base.maxRounds, int(std::ceil(30.0 / std::stod(p.xgb["eta"]))));
    return p;
}

namespace {

class Ladder
{
public:
    Ladder(const SearchPlan& plan, const Params& base, const SearchOptions& options)
        : m_plan(plan), m_base(base), m_options(options)
    {
    }

    void add(const SearchFit& f) { m_fits[f.config][f.month] = f; }
    int configs() const { return m_fits.empty() ? 0 : m_fits.rbegin()->first + 1; }

    // The months of the plan a configuration has done, as a prefix.
    int prefix(int config) const
    {
        const auto it = m_fits.find(config);
        int k = 0;
        while (it != m_fits.end() && k < int(m_plan.months.size()) && it->second.count(m_plan.months[size_t(k)]))
            ++k;
        return k;
    }
    int rungOf(int config) const
    {
        const int done = prefix(config);
        int rung = -1;
        for (size_t r = 0; r < m_plan.rungFolds.size(); ++r)
            if (m_plan.rungFolds[r] <= done)
                rung = int(r);
        return rung;
    }
    // The mean of `field` over the months of `rung` (the configuration finished them).
    double meanAt(int config, int rung, double SearchFit::*field = &SearchFit::mae) const
    {
        const auto& fits = m_fits.at(config);
        const int n = m_plan.rungFolds[size_t(rung)];
        double sum = 0;
        for (int k = 0; k < n; ++k)
            sum += fits.at(m_plan.months[size_t(k)]).*field;
        return sum / n;
    }
    double maeAt(int config, int rung) const { return meanAt(config, rung); }

    SearchConfig standing(int config) const
    {
        SearchConfig c;
        c.config = config;
        c.params = drawConfig(m_base, m_options.seed, config);
        c.rung = rungOf(config);
        const auto it = m_fits.find(config);
        if (it == m_fits.end())
            return c;
        for (const auto& [month, f] : it->second)
            c.seconds += f.seconds;
        if (c.rung >= 0) {
            c.months = m_plan.rungFolds[size_t(c.rung)];
            c.mae = maeAt(config, c.rung);
            c.baselineMae = meanAt(config, c.rung, &SearchFit::baselineMae);
        }
        return c;
    }

    std::vector<SearchConfig> standings() const
    {
        std::vector<SearchConfig> all;
        for (const auto& [config, fits] : m_fits)
            all.push_back(standing(config));
        std::sort(all.begin(), all.end(), [](const SearchConfig& a, const SearchConfig& b) {
            if (a.rung != b.rung)
                return a.rung > b.rung;
            if (a.mae != b.mae)
                return a.mae < b.mae;
            return a.config < b.config;
        });
        return all;
    }
    std::vector<double> bestPerRung() const
    {
        std::vector<double> best(m_plan.rungFolds.size(), std::numeric_limits<double>::quiet_NaN());
        for (const auto& [config, fits] : m_fits)
            for (int r = 0; r <= rungOf(config); ++r) {
                const double mae = maeAt(config, r);
                if (std::isnan(best[size_t(r)]) || mae < best[size_t(r)])
                    best[size_t(r)] = mae;
            }
        return best;
    }
    std::optional<SearchConfig> best() const
    {
        const auto all = standings();
        if (all.empty() || all.front().rung < 0)
            return std::nullopt;
        return all.front();
    }

    // The next fit: (configuration, month), or nullopt when every rung is as full as it gets.
    std::optional<std::pair<int, int>> next() const
    {
        const int months = int(m_plan.months.size());
        // A configuration half-way through a rung finishes it first.
        for (const auto& [config, fits] : m_fits) {
            const int done = prefix(config);
            if (done > 0 && done < months &&
                std::find(m_plan.rungFolds.begin(), m_plan.rungFolds.end(), done) == m_plan.rungFolds.end())
                return std::pair{config, done};
        }
        const bool canDraw = m_options.maxConfigs <= 0 || configs() < m_options.maxConfigs;
        if (auto p = promotion(!canDraw))
            return p;
        if (canDraw)
            return std::pair{configs(), 0};
        return std::nullopt;
    }

private:
    // The best 1/reduction of those that finished rung k go on to rung k + 1; the top rungs
    // first. Draining (no more draws): at least the best one goes on.
    std::optional<std::pair<int, int>> promotion(bool draining) const
    {
        for (int k = int(m_plan.rungFolds.size()) - 2; k >= 0; --k) {
            std::vector<std::pair<double, int>> finished;
            for (const auto& [config, fits] : m_fits)
                if (rungOf(config) >= k)
                    finished.emplace_back(maeAt(config, k), config);
            std::sort(finished.begin(), finished.end());
            size_t quota = finished.size() / size_t(m_options.reduction);
            if (draining)
                quota = std::max<size_t>(quota, std::min<size_t>(1, finished.size()));
            for (size_t i = 0; i < quota; ++i)
                if (rungOf(finished[i].second) == k)
                    return std::pair{finished[i].second, prefix(finished[i].second)};
        }
        return std::nullopt;
    }

    const SearchPlan& m_plan;
    const Params& m_base;
    const SearchOptions& m_options;
    std::map<int, std::map<std::string, SearchFit>> m_fits;
};

} // namespace

nlohmann::json SearchOutcome::toJson() const
{
    nlohmann::json cs = nlohmann::json::array();
    for (const auto& c : configs)
        cs.push_back({{"config", c.config},
                      {"rung", c.rung},
                      {"months", c.months},
                      {"mae", c.mae},
                      {"baseline_mae", c.baselineMae},
                      {"seconds", c.seconds},
                      {"params", c.params.toJson()}});
    nlohmann::json curve = nlohmann::json::array();
    for (const auto& rungs : bestAfterFit) {
        nlohmann::json row = nlohmann::json::array();
        for (double mae : rungs)
            row.push_back(std::isnan(mae) ? nlohmann::json() : nlohmann::json(mae));
        curve.push_back(row);
    }
    nlohmann::json j = {{"plan", plan.toJson()},
                        {"fits", fits.size()},
                        {"fits_this_session", fitsThisSession},
                        {"configs", cs},
                        {"best_after_fit", curve},
                        {"stopped_by", stoppedBy},
                        {"spent_seconds", spentSeconds}};
    if (best)
        j["best"] = {{"config", best->config}, {"rung", best->rung}, {"mae", best->mae}, {"params", best->params.toJson()}};
    return j;
}

SearchOutcome search(const std::vector<FoldPlan>& folds, const Params& base, const SearchOptions& options,
                     const std::vector<SearchFit>& prior, const std::function<void(const SearchProgress&)>& progress,
                     const std::atomic<bool>* cancel)
{
    const auto t0 = std::chrono::steady_clock::now();
    if (folds.empty())
        throw OpsError("the search has no walk-forward month to judge on: it needs months of the last seasons that end "
                       "before the test window. Import more history or move --test-from later.");
    std::vector<std::string> months;
    std::map<std::string, const FoldPlan*> byMonth;
    for (const auto& f : folds) {
        months.push_back(f.fold.month);
        byMonth[f.fold.month] = &f;
    }
    SearchOutcome out;
    out.plan = searchPlan(months, options.reduction);
    Ladder ladder(out.plan, base, options);
    for (const auto& f : prior) {
        if (!byMonth.count(f.month))
            throw OpsError("the search being resumed walked " + f.month +
                           ", which is not one of this data's months; start a new search");
        ladder.add(f);
        out.fits.push_back(f);
        out.bestAfterFit.push_back(ladder.bestPerRung());
    }
    const auto spent = [&] {
        return options.spentBefore + std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    const auto names = featureNames();
    for (;;) {
        if (cancel && cancel->load()) {
            out.stoppedBy = "cancelled";
            break;
        }
        if (spent() >= options.budgetSeconds) {
            out.stoppedBy = "budget_spent";
            break;
        }
        const auto next = ladder.next();
        if (!next) {
            out.stoppedBy = "finished";
            break;
        }
        const auto [config, monthIndex] = *next;
        SearchFit f;
        f.config = config;
        f.month = out.plan.months[size_t(monthIndex)];
        f.rung = 0;
        while (out.plan.rungFolds[size_t(f.rung)] <= monthIndex)
            ++f.rung;
        f.params = drawConfig(base, options.seed, config);
        // Configurations are ranked by their early-stopped fits: the refit would double each
        // fit's cost and rarely changes the order.
        Params judged = f.params;
        judged.refit = false;
        const auto fold = runFold(*byMonth.at(f.month), judged, names, cancel);
        if (!fold) {
            out.stoppedBy = "cancelled";
            break;
        }
        f.mae = fold->modelMae;
        f.baselineMae = fold->bestBaselineMae();
        f.validMae = fold->validMae;
        f.trees = fold->trees;
        f.seconds = fold->seconds;
        ladder.add(f);
        out.fits.push_back(f);
        ++out.fitsThisSession;
        out.bestAfterFit.push_back(ladder.bestPerRung());
        const auto b = ladder.best();
        if (progress)
            progress({out.fitsThisSession, spent(), options.budgetSeconds, b, &out.fits.back()});
    }
    out.configs = ladder.standings();
    out.best = ladder.best();
    out.spentSeconds = spent();
    return out;
}

double parseBudget(const std::string& text)
{
    const auto bad = [&] {
        return UsageError("--budget takes a time such as 90s, 10m, 1h30m or 2h (a plain number is minutes), got '" +
                          text + "'");
    };
    if (text.empty())
        throw bad();
    double total = 0;
    size_t i = 0;
    bool any = false;
    while (i < text.size()) {
        size_t j = i;
        while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.'))
            ++j;
        if (j == i)
            throw bad();
        double v = 0;
        try {
            v = std::stod(text.substr(i, j - i));
        } catch (const std::exception&) {
            throw bad();
        }
        double unit = 60;
        if (j < text.size()) {
            const char u = text[j];
            unit = u == 's' ? 1 : u == 'm' ? 60 : u == 'h' ? 3600 : -1;
            if (unit < 0)
                throw bad();
            ++j;
        } else if (any) {
            throw bad(); // "1h30" : the unit of 30 is not said
        }
        total += v * unit;
        any = true;
        i = j;
    }
    if (total < 1 || total > 7 * 24 * 3600)
        throw UsageError("--budget must be from 1 second to 7 days, got '" + text + "'");
    return total;
}

} // namespace nbaops::model
