#include "report.h"

#include "store/database.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace nbaops::model {

namespace {

using nlohmann::json;

template <typename T>
T get(const json& j, const char* key, T fallback)
{
    if (!j.is_object())
        return fallback;
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return fallback;
    try {
        return it->get<T>();
    } catch (const json::exception&) {
        return fallback; // a field of another type: an older report's; keep the default
    }
}

// A member of an object by reference (no copy of the subtree), or null when absent.
const json& field(const json& j, const char* key)
{
    static const json kNull;
    if (!j.is_object())
        return kNull;
    const auto it = j.find(key);
    return it == j.end() ? kNull : *it;
}

std::pair<double, double> pairOf(const json& j, const char* key)
{
    const auto a = get<std::vector<double>>(j, key, {});
    return a.size() == 2 ? std::pair{a[0], a[1]} : std::pair{0.0, 0.0};
}

std::map<std::string, double> numbers(const json& j)
{
    std::map<std::string, double> out;
    if (!j.is_object())
        return out;
    for (const auto& [k, v] : j.items())
        if (v.is_number())
            out[k] = v.get<double>();
    return out;
}

SegmentedMae segmented(const json& j)
{
    SegmentedMae s;
    if (!j.is_object())
        return s;
    if (j.contains("mae") && j["mae"].is_number())
        s.mae = j["mae"].get<double>();
    if (j.contains("rmse") && j["rmse"].is_number())
        s.rmse = j["rmse"].get<double>();
    s.byMinutes = numbers(field(j, "by_minutes"));
    s.byVenue = numbers(field(j, "by_venue"));
    s.byRest = numbers(field(j, "by_rest"));
    return s;
}

void readEvaluation(const json& j, TrainingReport& r)
{
    const json& pop = field(j, "population");
    r.population = get<std::string>(pop, "definition", "");
    r.testRows = get<int64_t>(pop, "test_rows", 0);
    r.testDates = get<int>(pop, "test_dates", 0);
    r.model = segmented(j.at("model"));
    const json& baselines = field(j, "baselines");
    for (const auto& [name, b] : baselines.items())
        r.baselines[name] = segmented(b);
    r.bestBaseline = get<std::string>(j, "best_baseline", "");
    r.maeDiff = get<double>(j, "mae_diff", 0);
    r.maeDiffCi95 = pairOf(j, "mae_diff_ci95");
    r.improvementPct = get<double>(j, "improvement_pct", 0);
    if (const json& p = field(j, "props"); p.is_object())
        r.props = PropsSummary{get<int64_t>(p, "graded", 0), get<double>(p, "hit_rate", 0), pairOf(p, "hit_rate_ci95")};
    const json& res = field(j, "residuals");
    r.residuals = {get<double>(res, "mean", 0), get<double>(res, "sd", 0), get<double>(res, "first_edge", -30),
                   get<double>(res, "bin_width", 2), get<std::vector<int64_t>>(res, "counts", {})};
    for (const auto& w : field(j, "weekly"))
        r.weekly.push_back({get<std::string>(w, "week", ""), get<int64_t>(w, "rows", 0), get<double>(w, "mae", 0),
                            get<double>(w, "baseline_mae", 0)});
    for (const auto& p : field(j, "sample"))
        if (p.is_array() && p.size() == 2)
            r.sample.emplace_back(p[0].get<double>(), p[1].get<double>());
}

void readTraining(const json& j, TrainingReport& r)
{
    const json& split = field(j, "split");
    r.trainFrom = get<std::string>(split, "train_from", "");
    r.trainUntil = get<std::string>(split, "train_until", "");
    r.validUntil = get<std::string>(split, "valid_until", "");
    r.testFrom = get<std::string>(split, "test_from", "");
    r.testUntil = get<std::string>(split, "test_until", "");
    const json& rows = field(j, "rows");
    r.trainRows = get<int64_t>(rows, "train", 0);
    r.validRows = get<int64_t>(rows, "valid", 0);
    r.warnings = get<std::vector<std::string>>(j, "warnings", {});
    const json& importance = field(j, "importance");
    for (const auto& [kind, imp] : importance.items()) {
        FeatureImportance f;
        f.label = get<std::string>(imp, "label", "");
        for (const auto& item : field(imp, "features"))
            f.features.emplace_back(get<std::string>(item, "feature", ""), get<double>(item, "value", 0));
        r.importance[kind] = std::move(f);
    }
    for (const auto& p : field(j, "learning_curve"))
        if (p.is_array() && p.size() == 3)
            r.curve.push_back({p[0].get<int>(), p[1].get<double>(), p[2].get<double>()});
    for (const auto& o : field(j, "over_under"))
        if (auto ou = OverUnder::fromJson(o))
            r.overUnder.push_back(std::move(*ou));
    const json& search = field(j, "search");
    if (search.is_object()) { // versions before the budgeted search kept an array of random fits
        auto& s = r.search;
        s.id = get<std::string>(search, "id", "");
        s.stoppedBy = get<std::string>(search, "stopped_by", "");
        s.fits = get<int>(search, "fits", 0);
        s.spentSeconds = get<double>(search, "spent_seconds", 0);
        s.months = get<std::vector<std::string>>(field(search, "plan"), "months", {});
        s.rungFolds = get<std::vector<int>>(field(search, "plan"), "rung_folds", {});
        for (const auto& c : field(search, "configs"))
            s.configs.push_back({get<int>(c, "config", 0), get<int>(c, "rung", -1), get<int>(c, "months", 0),
                                 get<double>(c, "mae", 0), get<double>(c, "baseline_mae", 0), get<double>(c, "seconds", 0),
                                 numbers(field(c, "params"))});
        for (const auto& row : field(search, "best_after_fit")) {
            std::vector<double> rungs;
            if (row.is_array())
                for (const auto& v : row)
                    rungs.push_back(v.is_number() ? v.get<double>() : std::nan(""));
            s.bestAfterFit.push_back(std::move(rungs));
        }
        if (const json& best = field(search, "best"); best.is_object())
            s.best = get<int>(best, "config", 0);
    }
}

} // namespace

TrainingReport TrainingReport::fromJson(const json& j)
{
    TrainingReport r;
    r.version = get<std::string>(j, "version", "");
    r.objective = get<std::string>(j, "objective", "");
    r.target = get<std::string>(field(j, "params"), "target", "points");
    r.trees = get<int>(j, "trees", 0);
    r.rounds = get<int>(j, "rounds", 0);
    r.bestIteration = get<int>(j, "best_iteration", 0);
    r.trainSeconds = get<double>(j, "train_seconds", 0);
    r.evaluated = j.is_object() && j.contains("model");
    if (r.evaluated)
        readEvaluation(j, r);
    readTraining(j, r);
    return r;
}

std::vector<LiveWeek> liveWeeklyMae(store::Database& db)
{
    std::vector<LiveWeek> out;
    auto st = db.prepare("SELECT date(game_date, '-' || ((CAST(strftime('%w', game_date) AS INTEGER) + 6) % 7) || ' days')"
                         " AS week, model_version, count(*), avg(abs_error) FROM prediction_grades WHERE played = 1"
                         " GROUP BY week, model_version ORDER BY week");
    while (st.step())
        out.push_back({st.getText(0), st.getText(1), st.getInt(2), st.getDouble(3)});
    return out;
}

std::vector<DataQualityEvent> dataQualityEvents(store::Database& db)
{
    std::map<std::string, std::vector<DataQualityEvent>> byDate;
    auto failed = db.prepare("SELECT l.game_date, group_concat(l.processor, ', ') FROM processor_latest l"
                             " JOIN processor_runs r ON r.id = l.run_pk WHERE r.status = 'failed'"
                             " GROUP BY l.game_date");
    while (failed.step())
        byDate[failed.getText(0)].push_back({failed.getText(0), "failed", "failed: " + failed.getText(1)});
    // A feature's NULL rate on a date against its median over the 14 dates before it in the same
    // season (at least 7): a jump, not a level. Season openers have no such history, and the
    // NULLs of the three features below come from the matchup or the player's past by design.
    std::map<std::string, std::string> seasonOf;
    auto seasons = db.prepare("SELECT game_date, min(season) FROM game_schedule GROUP BY game_date");
    while (seasons.step())
        seasonOf[seasons.getText(0)] = seasons.getText(1);
    const std::set<std::string> sparse = {"pts_vs_opp", "pts_prev_season", "min_prev_season"};
    std::map<std::string, std::vector<std::pair<std::string, double>>> rates; // feature -> (date, rate), by date
    auto quality = db.prepare("SELECT game_date, feature, CAST(nulls AS REAL) / rows FROM feature_quality"
                              " WHERE rows >= 20 ORDER BY game_date");
    while (quality.step())
        if (!sparse.count(quality.getText(1)))
            rates[quality.getText(1)].emplace_back(quality.getText(0), quality.getDouble(2));
    std::map<std::string, std::string> spikes; // date -> features
    for (const auto& [feature, series] : rates)
        for (size_t i = 0; i < series.size(); ++i) {
            const auto& [date, rate] = series[i];
            std::vector<double> before;
            for (size_t k = i > 14 ? i - 14 : 0; k < i; ++k)
                if (seasonOf[series[k].first] == seasonOf[date])
                    before.push_back(series[k].second);
            if (before.size() < 7)
                continue;
            std::nth_element(before.begin(), before.begin() + std::ptrdiff_t(before.size() / 2), before.end());
            const double usual = before[before.size() / 2];
            if (rate < usual + kNullSpike)
                continue;
            char b[160];
            std::snprintf(b, sizeof b, "%s %.0f%% (usually %.0f%%)", feature.c_str(), 100 * rate, 100 * usual);
            auto& text = spikes[date];
            text += (text.empty() ? "" : ", ") + std::string(b);
        }
    for (const auto& [date, text] : spikes)
        byDate[date].push_back({date, "nulls", "NULL spike: " + text});
    std::vector<DataQualityEvent> out;
    for (auto& [date, events] : byDate)
        for (auto& e : events)
            out.push_back(std::move(e));
    return out;
}

} // namespace nbaops::model
