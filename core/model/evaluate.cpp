#include "evaluate.h"

#include "calibration.h"
#include "sources/teams.h"
#include "store/database.h"
#include "util/rng.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace nbaops::model {

namespace {

struct Acc
{
    int64_t n = 0;
    double abs = 0, sq = 0;
    void add(double err)
    {
        ++n;
        abs += std::abs(err);
        sq += err * err;
    }
    Metrics metrics() const
    {
        Metrics m;
        m.n = n;
        if (n > 0) {
            m.mae = abs / double(n);
            m.rmse = std::sqrt(sq / double(n));
        }
        return m;
    }
};

std::optional<double> feature(const Example& e, std::string_view name)
{
    return e.x[*features::indexOf(name)];
}

std::string restBucket(const Example& e)
{
    const auto r = feature(e, "rest_days");
    if (!r)
        return "unknown";
    return *r <= 0 ? "0" : (*r < 2 ? "1" : "2+");
}

Segmented segment(const std::vector<const Example*>& rows, const std::vector<double>& predicted)
{
    Acc all;
    std::map<std::string, Acc> mins, venue, rest;
    for (size_t i = 0; i < rows.size(); ++i) {
        const double err = double(rows[i]->points) - predicted[i];
        all.add(err);
        mins[minutesBucket(*rows[i])].add(err);
        venue[feature(*rows[i], "home").value_or(0) > 0.5 ? "home" : "away"].add(err);
        rest[restBucket(*rows[i])].add(err);
    }
    Segmented s;
    s.overall = all.metrics();
    for (const char* b : {"<15", "15-30", ">30"})
        s.byMinutes[b] = mins[b].metrics();
    for (const auto& [k, a] : venue)
        s.byVenue[k] = a.metrics();
    for (const auto& [k, a] : rest)
        s.byRest[k] = a.metrics();
    return s;
}

nlohmann::json metricsJson(const Metrics& m)
{
    return {{"mae", m.mae}, {"rmse", m.rmse}, {"rows", m.n}};
}

double quantile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    const size_t k = std::min(v.size() - 1, size_t(std::lround(q * double(v.size() - 1))));
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
    return v[k];
}

} // namespace

std::optional<double> baseline(const Example& e, const std::string& name)
{
    if (name == "season_mean")
        return feature(e, "pts_season");
    if (name == "last10_mean")
        return feature(e, "pts_last10");
    if (name == "ewm")
        return feature(e, "pts_ewm");
    return std::nullopt;
}

nlohmann::json Segmented::toJson() const
{
    nlohmann::json j = metricsJson(overall);
    const auto group = [](const std::map<std::string, Metrics>& m) {
        nlohmann::json g = nlohmann::json::object();
        for (const auto& [k, v] : m)
            g[k] = v.mae;
        return g;
    };
    j["by_minutes"] = group(byMinutes);
    j["by_venue"] = group(byVenue);
    j["by_rest"] = group(byRest);
    nlohmann::json counts = nlohmann::json::object();
    for (const auto& [k, v] : byMinutes)
        counts[k] = v.n;
    j["by_minutes_rows"] = counts;
    return j;
}

std::pair<double, double> wilson(int64_t hits, int64_t n)
{
    if (n <= 0)
        return {0, 0};
    const double z = 1.959964, p = double(hits) / double(n), nn = double(n);
    const double centre = (p + z * z / (2 * nn)) / (1 + z * z / nn);
    const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / (1 + z * z / nn);
    return {centre - half, centre + half};
}

std::pair<double, double> bootstrapDiff(const std::vector<const Example*>& rows, const std::vector<double>& errA,
                                        const std::vector<double>& errB, int resamples, uint64_t seed)
{
    // Per date: the sum of |a| - |b| and the row count; resample whole dates.
    std::vector<std::pair<double, int64_t>> perDate;
    Date current;
    for (size_t i = 0; i < rows.size(); ++i) {
        if (perDate.empty() || rows[i]->date != current) {
            perDate.emplace_back(0.0, 0);
            current = rows[i]->date;
        }
        perDate.back().first += std::abs(errA[i]) - std::abs(errB[i]);
        ++perDate.back().second;
    }
    if (perDate.empty())
        return {0, 0};
    Rng rng(seed);
    std::vector<double> diffs;
    diffs.reserve(size_t(resamples));
    const int days = int(perDate.size());
    for (int b = 0; b < resamples; ++b) {
        double sum = 0;
        int64_t n = 0;
        for (int k = 0; k < days; ++k) {
            const auto& d = perDate[size_t(rng.below(days))];
            sum += d.first;
            n += d.second;
        }
        diffs.push_back(n > 0 ? sum / double(n) : 0.0);
    }
    std::sort(diffs.begin(), diffs.end());
    const auto at = [&](double q) { return diffs[std::min(diffs.size() - 1, size_t(q * double(diffs.size())))]; };
    return {at(0.025), at(0.975)};
}

Evaluation evaluate(const std::vector<const Example*>& rows, const std::vector<float>& predicted)
{
    Evaluation ev;
    ev.rows = int64_t(rows.size());
    if (rows.empty())
        return ev;
    ev.from = rows.front()->date;
    ev.until = rows.back()->date;
    Date last;
    for (const auto* r : rows) {
        if (ev.dates == 0 || r->date != last) {
            ++ev.dates;
            last = r->date;
        }
    }
    const std::vector<double> model(predicted.begin(), predicted.end());
    ev.model = segment(rows, model);
    std::map<std::string, std::vector<double>> basePred;
    for (const std::string name : kBaselines) {
        auto& p = basePred[name];
        p.reserve(rows.size());
        for (size_t i = 0; i < rows.size(); ++i)
            p.push_back(baseline(*rows[i], name).value_or(0.0)); // the population always has it
        ev.baselines[name] = segment(rows, p);
        if (ev.bestBaseline.empty() || ev.baselines[name].overall.mae < ev.baselines[ev.bestBaseline].overall.mae)
            ev.bestBaseline = name;
    }
    const double best = ev.baselines[ev.bestBaseline].overall.mae;
    ev.maeDiff = ev.model.overall.mae - best;
    ev.improvementPct = best > 0 ? -100.0 * ev.maeDiff / best : 0.0;
    std::vector<double> errModel, errBase, residuals;
    for (size_t i = 0; i < rows.size(); ++i) {
        errModel.push_back(double(rows[i]->points) - model[i]);
        errBase.push_back(double(rows[i]->points) - basePred[ev.bestBaseline][i]);
    }
    ev.maeDiffCi95 = bootstrapDiff(rows, errModel, errBase);
    for (size_t i = 0; i < rows.size(); ++i) {
        const Date d = rows[i]->date;
        const Date monday = d.addDays(-((d.weekday() + 6) % 7));
        if (ev.weekly.empty() || ev.weekly.back().start != monday)
            ev.weekly.push_back({monday, 0, 0, 0});
        auto& w = ev.weekly.back();
        ++w.rows;
        w.modelMae += std::abs(errModel[i]);
        w.baselineMae += std::abs(errBase[i]);
    }
    for (auto& w : ev.weekly) {
        w.modelMae /= double(w.rows);
        w.baselineMae /= double(w.rows);
    }

    residuals = errModel;
    double sum = 0, sq = 0;
    for (double r : residuals) {
        sum += r;
        sq += r * r;
    }
    const double n = double(residuals.size());
    ev.residuals.mean = sum / n;
    ev.residuals.sd = std::sqrt(std::max(0.0, sq / n - ev.residuals.mean * ev.residuals.mean));
    ev.residuals.p05 = quantile(residuals, 0.05);
    ev.residuals.p50 = quantile(residuals, 0.5);
    ev.residuals.p95 = quantile(residuals, 0.95);
    ev.residuals.firstEdge = -30;
    ev.residuals.counts.assign(30, 0); // [-30, 30) in 2-point bins; the ends hold the tails
    for (double r : residuals) {
        const int bin = std::clamp(int(std::floor((r - ev.residuals.firstEdge) / ev.residuals.binWidth)), 0, 29);
        ++ev.residuals.counts[size_t(bin)];
    }
    const size_t step = std::max<size_t>(1, rows.size() / 2000);
    for (size_t i = 0; i < rows.size(); i += step)
        ev.sample.emplace_back(predicted[i], rows[i]->points);
    return ev;
}

std::optional<PropGrading> gradeProps(store::Database& db, const std::vector<const Example*>& rows,
                                      const std::vector<float>& predicted)
{
    if (rows.empty())
        return std::nullopt;
    std::map<std::pair<std::string, std::string>, std::vector<double>> lines; // (date, name key)
    auto st = db.prepare("SELECT game_date, player_name, point FROM raw_odds_player_points WHERE game_date BETWEEN ? AND ?");
    st.bindAll(rows.front()->date.iso(), rows.back()->date.iso());
    while (st.step())
        lines[{st.getText(0), sources::matchKey(st.getText(1))}].push_back(st.getDouble(2));
    if (lines.empty())
        return std::nullopt;
    PropGrading g;
    for (size_t i = 0; i < rows.size(); ++i) {
        auto it = lines.find({rows[i]->date.iso(), sources::matchKey(rows[i]->playerName)});
        if (it == lines.end())
            continue;
        auto& pts = it->second;
        std::sort(pts.begin(), pts.end());
        const double line = pts[pts.size() / 2];
        ++g.withLine;
        const double actual = rows[i]->points;
        if (actual == line || double(predicted[i]) == line)
            continue; // a push, or no side taken
        ++g.graded;
        g.hits += (double(predicted[i]) > line) == (actual > line);
    }
    if (g.withLine == 0)
        return std::nullopt;
    g.hitRate = g.graded > 0 ? double(g.hits) / double(g.graded) : 0.0;
    g.ci95 = wilson(g.hits, g.graded);
    return g;
}

nlohmann::json Evaluation::toJson() const
{
    nlohmann::json j;
    j["population"] = {{"definition", definition},
                       {"test_rows", rows},
                       {"test_dates", dates},
                       {"from", rows ? from.iso() : ""},
                       {"until", rows ? until.iso() : ""}};
    j["model"] = model.toJson();
    nlohmann::json b = nlohmann::json::object();
    for (const auto& [name, s] : baselines)
        b[name] = s.toJson();
    j["baselines"] = b;
    j["best_baseline"] = bestBaseline;
    j["mae_diff"] = maeDiff;
    j["mae_diff_ci95"] = {maeDiffCi95.first, maeDiffCi95.second};
    j["improvement_pct"] = improvementPct;
    j["residuals"] = {{"definition", "actual - predicted points"},
                      {"mean", residuals.mean},
                      {"sd", residuals.sd},
                      {"p05", residuals.p05},
                      {"p50", residuals.p50},
                      {"p95", residuals.p95},
                      {"bin_width", residuals.binWidth},
                      {"first_edge", residuals.firstEdge},
                      {"counts", residuals.counts}};
    if (props)
        j["props"] = {{"with_line", props->withLine},
                      {"graded", props->graded},
                      {"hits", props->hits},
                      {"hit_rate", props->hitRate},
                      {"hit_rate_ci95", {props->ci95.first, props->ci95.second}}};
    else
        j["props"] = nullptr;
    nlohmann::json weeks = nlohmann::json::array();
    for (const auto& w : weekly)
        weeks.push_back({{"week", w.start.iso()}, {"rows", w.rows}, {"mae", w.modelMae}, {"baseline_mae", w.baselineMae}});
    j["weekly"] = weeks;
    nlohmann::json s = nlohmann::json::array();
    for (const auto& [p, a] : sample)
        s.push_back({p, a});
    j["sample"] = s;
    return j;
}

} // namespace nbaops::model
