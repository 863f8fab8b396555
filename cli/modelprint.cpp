// The model commands' terminal output: the training report, the search, the walk-forward and
// ablation tables, and the versions list (cmd_model.cpp parses and runs; this prints).
#include "modelprint.h"

#include "model/dataset.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

namespace nbaops::cli {

void printReport(const nlohmann::json& r)
{
    const auto& split = r["split"];
    const bool sqrtScale = r["params"].value("target", "points") == "sqrt";
    std::printf("Model %s (%s%s, %d trees; best of %d rounds; %.1f s, the first tree %.2f s after the start)\n",
                r.value("version", "").c_str(), r["objective"].get<std::string>().c_str(),
                sqrtScale ? " on the square root of points" : "", r["trees"].get<int>(),
                r["rounds"].get<int>(), r["train_seconds"].get<double>(), r.value("first_tree_seconds", 0.0));
    std::printf("  train %s..%s (%lld rows), validate ..%s (%lld), test %s..%s\n",
                split["train_from"].get<std::string>().c_str(), split["train_until"].get<std::string>().c_str(),
                static_cast<long long>(r["rows"]["train"].get<int64_t>()), split["valid_until"].get<std::string>().c_str(),
                static_cast<long long>(r["rows"]["valid"].get<int64_t>()), split["test_from"].get<std::string>().c_str(),
                split["test_until"].get<std::string>().c_str());
    std::printf("  population: %s: %lld test rows on %d dates\n",
                r["population"]["definition"].get<std::string>().c_str(),
                static_cast<long long>(r["population"]["test_rows"].get<int64_t>()),
                r["population"]["test_dates"].get<int>());
    std::printf("\n  %-12s %7s %7s %7s %7s %7s\n", "", "MAE", "RMSE", "<15", "15-30", ">30");
    const auto line = [](const std::string& name, const nlohmann::json& m) {
        std::printf("  %-12s %7.3f %7.3f %7.3f %7.3f %7.3f\n", name.c_str(), m["mae"].get<double>(),
                    m["rmse"].get<double>(), m["by_minutes"].value("<15", 0.0), m["by_minutes"].value("15-30", 0.0),
                    m["by_minutes"].value(">30", 0.0));
    };
    line("model", r["model"]);
    for (const auto& [name, m] : r["baselines"].items())
        line(name, m);
    std::printf("\n  vs %s: %+.3f MAE (%.2f%% %s), 95%% interval [%+.3f, %+.3f] (date bootstrap)\n",
                r["best_baseline"].get<std::string>().c_str(), r["mae_diff"].get<double>(),
                std::abs(r["improvement_pct"].get<double>()), r["improvement_pct"].get<double>() >= 0 ? "better" : "worse",
                r["mae_diff_ci95"][0].get<double>(), r["mae_diff_ci95"][1].get<double>());
    if (!r["props"].is_null())
        std::printf("  prop lines: %lld graded, over/under hit rate %.1f%% [%.1f%%, %.1f%%]\n",
                    static_cast<long long>(r["props"]["graded"].get<int64_t>()), 100 * r["props"]["hit_rate"].get<double>(),
                    100 * r["props"]["hit_rate_ci95"][0].get<double>(), 100 * r["props"]["hit_rate_ci95"][1].get<double>());
    else
        std::printf("  prop lines: none in the test window\n");
    std::printf("  top features by gain:");
    int n = 0;
    for (const auto& f : r["importance"]["gain"]["features"]) {
        if (n++ == 6)
            break;
        std::printf(" %s", f["feature"].get<std::string>().c_str());
    }
    std::printf("\n");
    for (const auto& w : r["warnings"])
        std::printf("  warning: %s\n", w.get<std::string>().c_str());
}

// The walk-forward table: a line a month, then the mean with its interval and the pooled rows.
void printWalkForward(const model::WalkForward& w, int validDates)
{
    std::printf("Walk-forward: %zu months, each trained on every earlier date (the last %d game dates before it "
                "validate)\n", w.folds.size(), validDates);
    std::printf("  %-8s %-8s %8s %7s %6s %7s  %-12s %7s %7s\n", "month", "season", "train", "test", "trees", "model",
                "best baseline", "MAE", "diff");
    for (const auto& f : w.folds)
        std::printf("  %-8s %-8s %8zu %7zu %6d %7.3f  %-12s %7.3f %+7.3f\n", f.month.c_str(), f.season.c_str(),
                    f.trainRows, f.testRows, f.trees, f.modelMae, f.bestBaseline.c_str(), f.bestBaselineMae(),
                    f.modelMae - f.bestBaselineMae());
    for (const auto& s : w.skipped)
        std::printf("  skipped %s\n", s.c_str());
    std::printf("Mean over the months: model MAE %.3f, best baseline %.3f; difference %+.3f (95%% interval %+.3f to "
                "%+.3f), %.1f%% below; better in %d of %zu months\n",
                w.meanModelMae, w.meanBaselineMae, w.meanDiff, w.meanDiffCi95.first, w.meanDiffCi95.second,
                w.improvementPct, w.foldsBetter, w.folds.size());
    std::printf("Pooled over %lld player-games: model %.3f, %s %.3f; difference interval %+.3f to %+.3f (date "
                "bootstrap)\n",
                static_cast<long long>(w.pooledRows), w.pooledModelMae, w.pooledBestBaseline.c_str(), w.pooledBaselineMae,
                w.pooledDiffCi95.first, w.pooledDiffCi95.second);
    std::printf("Population: %s. %.0f s.\n", model::kPopulation, w.seconds);
}

// The search's standing: how it stopped, and its best configurations at the highest rung.
void printSearch(const nlohmann::json& s)
{
    const auto& plan = s["plan"];
    std::string rungs;
    for (const auto& r : plan["rung_folds"])
        rungs += (rungs.empty() ? "" : ", ") + std::to_string(r.get<int>());
    const std::string stopped = s.value("stopped_by", "");
    std::printf("Search %s: %d fits (%d this run) over %zu walk-forward months, rungs of %s month(s); %s after %.0f s\n",
                s.value("id", "").c_str(), s["fits"].get<int>(), s["fits_this_session"].get<int>(),
                plan["months"].size(), rungs.c_str(),
                stopped == "budget_spent" ? "budget spent" : stopped == "finished" ? "every rung filled" : stopped.c_str(),
                s["spent_seconds"].get<double>());
    std::printf("  %-6s %5s %7s %8s %8s %5s %6s %6s %6s %6s %7s\n", "config", "rung", "months", "MAE", "baseline",
                "depth", "eta", "mcw", "subs", "cols", "slope");
    int shown = 0;
    for (const auto& c : s["configs"]) {
        if (shown++ == 8)
            break;
        const auto& p = c["params"];
        const auto num = [&](const char* k) { return p.contains(k) && p[k].is_number() ? p[k].get<double>() : 0.0; };
        std::printf("  %-6d %5d %7d %8.4f %8.4f %5.0f %6.3f %6.1f %6.2f %6.2f %7.1f\n", c["config"].get<int>(),
                    c["rung"].get<int>() + 1, c["months"].get<int>(), c["mae"].get<double>(),
                    c["baseline_mae"].get<double>(), num("max_depth"), num("eta"), num("min_child_weight"),
                    num("subsample"), num("colsample_bytree"), num("huber_slope"));
    }
    std::printf("The model below was trained with config %d's parameters. Go on with this search: --budget TIME "
                "--resume %s\n\n", s["best"]["config"].get<int>(), s.value("id", "").c_str());
}

// The ablation table: a line a family, what the MAE does without it.
void printAblation(const model::Ablation& a)
{
    std::printf("Feature ablation over %zu walk-forward months (MAE with every feature: %.3f)\n", a.all.folds.size(),
                a.all.meanModelMae);
    std::printf("  %-20s %7s %8s  %-20s %s\n", "without", "MAE", "rise", "95% interval", "months worse");
    for (const auto& r : a.rows)
        std::printf("  %-20s %7.3f %+8.4f  %+.4f to %+.4f   %d of %zu\n", r.family.c_str(), r.meanModelMae, r.rise,
                    r.riseCi95.first, r.riseCi95.second, r.monthsWorse, a.all.folds.size());
    std::printf("A rise above zero: the family helps. An interval across zero: no clear effect. %.0f s.\n", a.seconds);
}

// nbaops model list: every version, oldest first.
int printVersions(const std::vector<model::ModelVersion>& versions, bool json)
{
    if (json) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& v : versions)
            a.push_back(v.summary());
        std::cout << a.dump(2) << "\n";
        return 0;
    }
    if (versions.empty()) {
        std::printf("No model versions yet: nbaops train\n");
        return 0;
    }
    std::printf("%-7s %-20s %-11s %-22s %6s %8s %8s %7s  %s\n", "version", "created", "by", "test window", "trees",
                "test MAE", "baseline", "better", "aliases");
    for (const auto& v : versions) {
        const auto s = v.summary();
        std::string aliases;
        for (const auto& a : v.aliases)
            aliases += (aliases.empty() ? "" : ", ") + a;
        std::printf("%-7s %-20s %-11s %-22s %6d %8.3f %8.3f %6.2f%%  %s\n", v.version.c_str(),
                    v.createdAt.substr(0, 19).c_str(), v.createdBy.substr(0, 11).c_str(),
                    (v.split.testFrom.iso() + ".." + v.split.testUntil.iso().substr(5)).c_str(), v.trees, v.testMae,
                    s["best_baseline_mae"].get<double>(), s["improvement_pct"].get<double>(), aliases.c_str());
    }
    return 0;
}

} // namespace nbaops::cli
