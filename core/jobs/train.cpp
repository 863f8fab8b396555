#include "train.h"

#include "features/build.h"
#include "pipeline/session.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "util/errors.h"
#include "model/xgb.h"

namespace nbaops::jobs {

using namespace model;

int ensureFeatures(pipeline::Session& session, Date from, Date until, const Control<TrainEvent>& control)
{
    auto& db = session.db();
    std::vector<Date> stale;
    {
        // Dates with box scores and no feature rows of this version. Dates whose inputs changed
        // are caught by the runner's fingerprint below.
        auto st = db.prepare(
            "SELECT DISTINCT p.game_date, (SELECT count(*) FROM ml_feature_store f WHERE f.game_date = p.game_date"
            " AND f.feature_version = ?) FROM player_game_summary p WHERE p.game_date BETWEEN ? AND ?"
            " ORDER BY p.game_date");
        st.bindAll(int64_t(features::kVersion), from.iso(), until.iso());
        while (st.step())
            if (st.getInt(1) == 0)
                stale.push_back(*Date::parse(st.getText(0)));
    }
    int built = 0;
    // One flat transaction (see store::BulkWrite): hundreds of dates after an import do not
    // each pay a commit. The runner works on this session's first connection. A failed write
    // rolls the whole backfill back; the next train redoes it.
    store::BulkWrite outer(db);
    for (const Date d : stale) {
        if (control.cancelled())
            break;
        control.report({TrainEvent::Stage::Features, "building features for " + d.iso(), built, int(stale.size()), {}});
        const auto res = session.runner().runOne("ml_feature_store", d);
        if (pipeline::isRealFailure(res.outcome.category))
            throw OpsError("the feature store could not be built for " + d.iso() + ": " + res.outcome.error);
        ++built;
    }
    outer.commit();
    return built;
}

namespace {

void say(const Control<TrainEvent>& control, TrainEvent::Stage stage, std::string message, int done = 0, int total = 0)
{
    control.report({stage, std::move(message), done, total, {}});
}

// The dataset's rows by window: every training row; the validation and test rows of the
// evaluation population only.
struct Windows
{
    std::vector<const Example*> train, valid, test;
};

Windows partition(const Dataset& data, const Split& s)
{
    Windows w;
    for (const auto& e : data.rows) {
        if (e.date <= s.trainUntil)
            w.train.push_back(&e);
        else if (e.date <= s.validUntil) {
            if (e.inPopulation())
                w.valid.push_back(&e);
        } else if (e.date >= s.testFrom && e.inPopulation())
            w.test.push_back(&e);
    }
    if (w.test.empty())
        throw OpsError("no evaluation rows in the test window " + s.testFrom.iso() + ".." + s.testUntil.iso() + " (" +
                       kPopulation + "); choose another --test-from/--test-until");
    return w;
}

// The random search, when asked for: the best trial's parameters, else the requested ones.
Params searchParams(const Windows& w, const TrainOptions& options, TrainResult& run,
                    const Control<TrainEvent>& control)
{
    if (options.search <= 1)
        return options.params;
    say(control, TrainEvent::Stage::Search, "searching parameters", 0, options.search);
    run.trials = search(
        w.train, w.valid, options.params, options.search,
        [&](const Trial& t, int budget) {
            char msg[120];
            std::snprintf(msg, sizeof msg, "trial %d: validation MAE %.4f", t.index, t.validMae);
            say(control, TrainEvent::Stage::Search, msg, t.index, budget);
        },
        control.cancel);
    return run.trials.empty() ? options.params : run.trials.front().params;
}

nlohmann::json reportOf(const TrainResult& run, const std::vector<std::string>& names, size_t testRows)
{
    nlohmann::json r = run.test.toJson();
    r["objective"] = run.fit.params.xgb.at("objective");
    r["params"] = run.fit.params.toJson();
    r["split"] = run.split.toJson();
    r["rows"] = {{"train", run.fit.trainRows}, {"valid", run.fit.validRows}, {"test", testRows}};
    r["trees"] = run.fit.bestIteration + 1;
    r["best_iteration"] = run.fit.bestIteration;
    r["rounds"] = run.fit.rounds;
    r["valid_mae"] = run.fit.bestValidMae;
    r["train_seconds"] = run.fit.seconds;
    r["feature_version"] = features::kVersion;
    r["features"] = names;
    r["importance"] = importance(run.fit.artifact, names);
    r["xgboost"] = xgb::version();
    nlohmann::json curve = nlohmann::json::array();
    for (const auto& p : run.fit.curve)
        curve.push_back({p.iteration, p.trainMae, p.validMae});
    r["learning_curve"] = curve;
    nlohmann::json trials = nlohmann::json::array();
    for (const auto& t : run.trials)
        trials.push_back({{"trial", t.index}, {"valid_mae", t.validMae}, {"best_iteration", t.bestIteration},
                          {"seconds", t.seconds}, {"params", t.params.toJson()}});
    r["search"] = trials;
    r["warnings"] = run.fit.warnings;
    return r;
}

ModelVersion versionOf(const TrainResult& run, const TrainOptions& options, const std::vector<std::string>& names,
                       size_t testRows)
{
    ModelVersion v;
    v.createdBy = options.actor;
    v.objective = run.fit.params.xgb.at("objective");
    v.params = run.fit.params.toJson();
    v.featureVersion = features::kVersion;
    v.features = names;
    v.split = run.split;
    v.trainRows = int64_t(run.fit.trainRows);
    v.validRows = int64_t(run.fit.validRows);
    v.testRows = int64_t(testRows);
    v.bestIteration = run.fit.bestIteration;
    v.trees = run.fit.bestIteration + 1;
    v.trainSeconds = run.fit.seconds;
    v.validMae = run.fit.bestValidMae;
    v.testMae = run.test.model.overall.mae;
    v.report = run.report;
    v.warnings = run.fit.warnings;
    return v;
}

} // namespace

TrainResult train(pipeline::Session& session, const TrainOptions& options, const Control<TrainEvent>& control)
{
    auto& db = session.db();
    TrainResult run;
    run.split = resolveSplit(summaryCalendar(db), options.split);
    const Split& s = run.split;
    run.featureDatesBuilt = ensureFeatures(session, s.trainFrom, s.testUntil, control);
    if (control.cancelled()) {
        run.cancelled = true;
        return run;
    }
    say(control, TrainEvent::Stage::Loading, "reading the feature store");
    const Dataset data = loadDataset(db, s.trainFrom, s.testUntil);
    const Windows w = partition(data, s);
    const Params params = searchParams(w, options, run, control);
    if (control.cancelled()) {
        run.cancelled = true;
        return run;
    }
    say(control, TrainEvent::Stage::Training, "training", 0, params.maxRounds);
    run.fit = fit(
        w.train, w.valid, params,
        [&](const FitProgress& p) {
            control.report({TrainEvent::Stage::Training, "training", p.point.iteration + 1, p.maxRounds, p});
        },
        control.cancel);
    if (run.fit.cancelled) {
        run.cancelled = true;
        return run;
    }
    say(control, TrainEvent::Stage::Evaluating, "evaluating on the test window");
    const auto names = featureNames();
    const auto predicted = predict(run.fit.artifact, names, w.test);
    run.test = evaluate(w.test, predicted);
    run.test.props = gradeProps(db, w.test, predicted);
    run.report = reportOf(run, names, w.test.size());
    ModelVersions versions(db, session.context().objects.root());
    run.version = versions.add(versionOf(run, options, names, w.test.size()), run.fit.artifact);
    run.report["version"] = run.version;
    say(control, TrainEvent::Stage::Done, "registered " + run.version);
    return run;
}

namespace {

// The whole history for the walk-forward jobs, its features brought up to date first.
struct History
{
    DataCalendar calendar;
    Dataset data;
    int featureDatesBuilt = 0;
    bool cancelled = false;
};

History wholeHistory(pipeline::Session& session, const Control<TrainEvent>& control)
{
    auto& db = session.db();
    History h;
    const auto summaries = summaryCalendar(db);
    if (summaries.dates.empty())
        throw OpsError("there is no box-score history to walk: import some (nbaops import) or run the pipeline first");
    h.featureDatesBuilt = ensureFeatures(session, summaries.dates.front().first, summaries.dates.back().first, control);
    if (control.cancelled()) {
        h.cancelled = true;
        return h;
    }
    say(control, TrainEvent::Stage::Loading, "reading the feature store");
    h.calendar = loadCalendar(db);
    h.data = loadDataset(db, h.calendar.dates.front().first, h.calendar.dates.back().first);
    return h;
}

} // namespace

AblationResult ablate(pipeline::Session& session, const AblationOptions& options, const Control<TrainEvent>& control)
{
    AblationResult r;
    const History h = wholeHistory(session, control);
    r.featureDatesBuilt = h.featureDatesBuilt;
    if (h.cancelled) {
        r.cancelled = true;
        return r;
    }
    r.ablation = model::ablate(
        h.data, h.calendar, options.params, options.folds, options.families,
        [&](const std::string& what, int done, int total) {
            say(control, TrainEvent::Stage::Training, "walk-forward " + what, done, total);
        },
        control.cancel);
    r.cancelled = r.ablation.cancelled;
    return r;
}

WalkForwardResult walkForward(pipeline::Session& session, const WalkForwardOptions& options,
                              const Control<TrainEvent>& control)
{
    WalkForwardResult r;
    const History h = wholeHistory(session, control);
    r.featureDatesBuilt = h.featureDatesBuilt;
    if (h.cancelled) {
        r.cancelled = true;
        return r;
    }
    const auto& data = h.data;
    const auto& calendar = h.calendar;
    r.walk = model::walkForward(
        data, calendar, options.params, options.folds,
        [&](int index, int total, const std::string& month, const Fold* done) {
            char msg[160];
            if (done)
                std::snprintf(msg, sizeof msg, "fold %s: model MAE %.3f, %s %.3f", month.c_str(), done->modelMae,
                              done->bestBaseline.c_str(), done->bestBaselineMae());
            else
                std::snprintf(msg, sizeof msg, "fold %s: training on everything before it", month.c_str());
            say(control, TrainEvent::Stage::Training, msg, index + (done ? 1 : 0), total);
        },
        control.cancel);
    r.cancelled = r.walk.cancelled;
    if (!r.cancelled)
        say(control, TrainEvent::Stage::Done, "walked " + std::to_string(r.walk.folds.size()) + " months");
    return r;
}

} // namespace nbaops::jobs
