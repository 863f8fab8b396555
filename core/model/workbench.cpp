#include "workbench.h"

#include "pipeline/precompute.h"
#include "pipeline/session.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "util/errors.h"
#include "xgb.h"

namespace nbaops::model {

int ensureFeatures(pipeline::Session& session, Date from, Date until, const TrainEventFn& events,
                   const std::atomic<bool>* cancel)
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
        st.bindAll(int64_t(pipeline::FeatureStore::kFeatureVersion), from.iso(), until.iso());
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
        if (cancel && cancel->load())
            break;
        if (events)
            events({TrainEvent::Stage::Features, "building features for " + d.iso(), built, int(stale.size()), {}});
        const auto res = session.runner().runOne("ml_feature_store", d);
        if (pipeline::isRealFailure(res.outcome.category))
            throw OpsError("the feature store could not be built for " + d.iso() + ": " + res.outcome.error);
        ++built;
    }
    outer.commit();
    return built;
}

TrainRun trainModel(pipeline::Session& session, const TrainRequest& req, const TrainEventFn& events,
                    const std::atomic<bool>* cancel)
{
    auto& db = session.db();
    TrainRun run;
    const auto emit = [&](TrainEvent::Stage s, std::string msg, int done = 0, int total = 0) {
        if (events)
            events({s, std::move(msg), done, total, {}});
    };
    DataCalendar cal;
    {
        auto st = db.prepare("SELECT game_date, min(season) FROM player_game_summary GROUP BY game_date ORDER BY game_date");
        while (st.step())
            cal.dates.emplace_back(Date::parse(st.getText(0)).value_or(Date()), st.getText(1));
    }
    run.split = resolveSplit(cal, req.split);
    const Split& s = run.split;
    run.featureDatesBuilt = ensureFeatures(session, s.trainFrom, s.testUntil, events, cancel);
    if (cancel && cancel->load()) {
        run.cancelled = true;
        return run;
    }
    emit(TrainEvent::Stage::Loading, "reading the feature store");
    const Dataset data = loadDataset(db, s.trainFrom, s.testUntil);
    std::vector<const Example*> train, valid, test;
    for (const auto& e : data.rows) {
        if (e.date <= s.trainUntil)
            train.push_back(&e);
        else if (e.date <= s.validUntil) {
            if (e.inPopulation())
                valid.push_back(&e);
        } else if (e.date >= s.testFrom && e.inPopulation())
            test.push_back(&e);
    }
    if (test.empty())
        throw OpsError("no evaluation rows in the test window " + s.testFrom.iso() + ".." + s.testUntil.iso() +
                       " (" + kPopulation + "); choose another --test-from/--test-until");

    Params params = req.params;
    if (req.search > 1) {
        emit(TrainEvent::Stage::Search, "searching parameters", 0, req.search);
        run.trials = search(train, valid, params, req.search,
                            [&](const Trial& t, int budget) {
                                char msg[120];
                                std::snprintf(msg, sizeof msg, "trial %d: validation MAE %.4f", t.index, t.validMae);
                                emit(TrainEvent::Stage::Search, msg, t.index, budget);
                            },
                            cancel);
        if (cancel && cancel->load()) {
            run.cancelled = true;
            return run;
        }
        if (!run.trials.empty())
            params = run.trials.front().params;
    }
    emit(TrainEvent::Stage::Training, "training", 0, params.maxRounds);
    run.fit = fit(train, valid, params,
                  [&](const FitProgress& p) {
                      if (events)
                          events({TrainEvent::Stage::Training, "training", p.point.iteration + 1, p.maxRounds, p});
                  },
                  cancel);
    if (run.fit.cancelled) {
        run.cancelled = true;
        return run;
    }
    emit(TrainEvent::Stage::Evaluating, "evaluating on the test window");
    const auto names = featureNames();
    const auto predicted = predict(run.fit.artifact, names, test);
    run.test = evaluate(test, predicted);
    run.test.props = gradeProps(db, test, predicted);

    nlohmann::json r = run.test.toJson();
    r["objective"] = run.fit.params.xgb.at("objective");
    r["params"] = run.fit.params.toJson();
    r["split"] = s.toJson();
    r["rows"] = {{"train", run.fit.trainRows}, {"valid", run.fit.validRows}, {"test", test.size()}};
    r["trees"] = run.fit.bestIteration + 1;
    r["best_iteration"] = run.fit.bestIteration;
    r["rounds"] = run.fit.rounds;
    r["valid_mae"] = run.fit.bestValidMae;
    r["train_seconds"] = run.fit.seconds;
    r["feature_version"] = pipeline::FeatureStore::kFeatureVersion;
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

    ModelVersion v;
    v.createdBy = req.actor;
    v.objective = run.fit.params.xgb.at("objective");
    v.params = run.fit.params.toJson();
    v.featureVersion = pipeline::FeatureStore::kFeatureVersion;
    v.features = names;
    v.split = s;
    v.trainRows = int64_t(run.fit.trainRows);
    v.validRows = int64_t(run.fit.validRows);
    v.testRows = int64_t(test.size());
    v.bestIteration = run.fit.bestIteration;
    v.trees = run.fit.bestIteration + 1;
    v.trainSeconds = run.fit.seconds;
    v.validMae = run.fit.bestValidMae;
    v.testMae = run.test.model.overall.mae;
    v.report = r;
    v.warnings = run.fit.warnings;
    ModelRegistry reg(db, session.context().objects.root());
    run.version = reg.add(v, run.fit.artifact);
    r["version"] = run.version;
    run.report = r;
    emit(TrainEvent::Stage::Done, "registered " + run.version);
    return run;
}

} // namespace nbaops::model
