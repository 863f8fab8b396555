#include "train.h"

#include "features/build.h"
#include "pipeline/session.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "util/errors.h"
#include "model/calibration.h"
#include "model/evaluations.h"
#include "model/searchlog.h"
#include "model/xgb.h"

#include <chrono>

namespace nbaops::jobs {

using namespace model;

int ensureFeatures(pipeline::Session& session, Date from, Date until, const Control<TrainEvent>& control)
{
    auto& db = session.db();
    // Dates with box scores and no feature rows of this version, one probe per date (not per
    // player-game: that read the feature store 96,000 times over on three seasons, a second and
    // a half before every train). Dates whose inputs changed are caught by the runner's
    // fingerprint below.
    std::vector<Date> stale;
    auto probe = db.prepare("SELECT EXISTS (SELECT 1 FROM ml_feature_store WHERE game_date = ? AND feature_version = ?)");
    for (const auto& [d, season] : summaryCalendar(db, from, until).dates) {
        probe.reset();
        probe.bindAll(d.iso(), int64_t(features::kVersion));
        if (probe.step() && probe.getInt(0) == 0)
            stale.push_back(d);
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

// The rows by window: every training row; the validation and test rows of the evaluation
// population only. `before` holds the dates before the test window, `test` the window's.
struct Windows
{
    std::vector<const Example*> train, valid, test;
};

Windows partition(const Dataset& before, const Split& s)
{
    Windows w;
    w.train.reserve(before.rows.size());
    for (const auto& e : before.rows) {
        if (e.date <= s.trainUntil)
            w.train.push_back(&e);
        else if (e.date <= s.validUntil && e.inPopulation())
            w.valid.push_back(&e);
    }
    return w;
}

std::vector<const Example*> populationOf(const Dataset& test)
{
    std::vector<const Example*> rows;
    for (const auto& e : test.rows)
        if (e.inPopulation())
            rows.push_back(&e);
    return rows;
}

// The test window is read after training (the first tree does not wait for it); this probe
// refuses an empty one before any tree is spent on it.
void checkTestWindow(store::Database& db, const Split& s)
{
    auto st = db.prepare("SELECT EXISTS (SELECT 1 FROM ml_feature_store f JOIN player_game_summary p"
                         " ON p.game_date = f.game_date AND p.player_id = f.player_id AND p.game_id = f.game_id"
                         " WHERE f.game_date BETWEEN ? AND ? AND f.f_games_played_season >= ?"
                         " AND p.played = 1 AND p.minutes > 0)");
    st.bindAll(s.testFrom.iso(), s.testUntil.iso(), int64_t(kPopulationMinGames));
    st.step();
    if (st.getInt(0) == 0)
        throw OpsError("no evaluation rows in the test window " + s.testFrom.iso() + ".." + s.testUntil.iso() + " (" +
                       kPopulation + "); choose another --test-from/--test-until");
}

// The budgeted search, when asked for: new or resumed, every fit kept as it is done. Returns the
// best configuration's parameters; empty when cancelled.
std::optional<Params> searchParams(pipeline::Session& session, const Dataset& data, const Split& split,
                                   const TrainOptions& options, TrainResult& run, const Control<TrainEvent>& control)
{
    const SearchRequest& req = *options.search;
    auto& db = session.db();
    SearchLog log(db);
    model::WalkForwardOptions wo = req.folds;
    wo.testBefore = split.testFrom;
    const FoldPlans plans = planFolds(data, loadCalendar(db), wo);
    std::vector<std::string> months;
    for (const auto& f : plans.folds)
        months.push_back(f.fold.month);
    if (months.empty())
        throw OpsError("the search has no walk-forward month before the test window (" + split.testFrom.iso() +
                       ") to judge on" + (plans.skipped.empty() ? std::string() : ": " + plans.skipped.back()) +
                       ". Import more history or move --test-from later.");
    SearchOptions so;
    so.maxConfigs = req.maxConfigs;
    so.reduction = req.reduction;
    Params base = options.params;
    std::vector<SearchFit> prior;
    if (!req.resume.empty()) {
        const SearchRecord rec = log.get(req.resume);
        const auto plan = searchPlan(months, rec.reduction);
        if (rec.featureVersion != features::kVersion)
            throw OpsError("search " + rec.id + " ran on feature version " + std::to_string(rec.featureVersion) +
                           " and the feature store is now version " + std::to_string(features::kVersion) +
                           ": its fits cannot be compared with new ones. Start a new search (drop --resume).");
        if (rec.testFrom != split.testFrom)
            throw OpsError("search " + rec.id + " was judged on months before " + rec.testFrom.iso() +
                           ", and this split's test window starts " + split.testFrom.iso() +
                           ": resume it with the same dates, or start a new search.");
        if (plan.months != rec.plan.months)
            throw OpsError("the history changed since search " + rec.id + " was planned (its months: " +
                           nlohmann::json(rec.plan.months).dump() + ", now: " + nlohmann::json(plan.months).dump() +
                           "). Start a new search.");
        run.searchId = rec.id;
        base = rec.base;
        so.seed = rec.seed;
        so.reduction = rec.reduction;
        so.spentBefore = rec.spentSeconds;
        so.budgetSeconds = rec.budgetSeconds + req.budgetSeconds;
        log.extendBudget(rec.id, req.budgetSeconds);
        prior = log.fits(rec.id);
    } else {
        SearchRecord rec;
        rec.createdBy = options.actor;
        rec.seed = so.seed;
        rec.reduction = so.reduction;
        rec.base = base;
        rec.plan = searchPlan(months, so.reduction);
        rec.featureVersion = features::kVersion;
        rec.testFrom = split.testFrom;
        rec.budgetSeconds = req.budgetSeconds;
        run.searchId = log.create(rec);
        so.budgetSeconds = req.budgetSeconds;
    }
    const std::string& id = run.searchId;
    say(control, TrainEvent::Stage::Search, "search " + id + ": " + std::to_string(months.size()) +
                                                " walk-forward months before " + split.testFrom.iso(), 0,
        int(so.budgetSeconds));
    SearchOutcome outcome;
    try {
        outcome = search(
            plans.folds, base, so, prior,
            [&](const SearchProgress& p) {
                log.addFit(id, *p.last, p.spentSeconds);
                char best[80] = "none yet";
                if (p.best)
                    std::snprintf(best, sizeof best, "config %d, %.4f over %d month(s)", p.best->config, p.best->mae,
                                  p.best->months);
                char msg[240];
                std::snprintf(msg, sizeof msg, "search %s, config %d on %s (rung %d): MAE %.4f; best %s", id.c_str(),
                              p.last->config, p.last->month.c_str(), p.last->rung + 1, p.last->mae, best);
                say(control, TrainEvent::Stage::Search, msg, int(p.spentSeconds), int(p.budgetSeconds));
            },
            control.cancel);
    } catch (...) {
        log.finish(id, "failed", so.spentBefore, std::nullopt);
        throw;
    }
    log.finish(id, outcome.stoppedBy, outcome.spentSeconds, outcome.best);
    run.search = outcome;
    if (outcome.stoppedBy == "cancelled" || !outcome.best)
        return std::nullopt;
    return outcome.best->params;
}

nlohmann::json reportOf(const TrainResult& run, const std::vector<std::string>& names, size_t testRows)
{
    nlohmann::json r = run.test.toJson();
    r["objective"] = run.fit.params.xgb.at("objective");
    r["params"] = run.fit.params.toJson();
    r["split"] = run.split.toJson();
    r["rows"] = {{"train", run.fit.trainRows}, {"valid", run.fit.validRows}, {"test", testRows}};
    if (run.fit.refitRows > 0) // the trees kept were trained again on train + valid
        r["refit"] = {{"rows", run.fit.refitRows}, {"trees", run.fit.bestIteration + 1}, {"seconds", run.fit.refitSeconds}};
    r["trees"] = run.fit.bestIteration + 1;
    r["best_iteration"] = run.fit.bestIteration;
    r["rounds"] = run.fit.rounds;
    r["valid_mae"] = run.fit.bestValidMae;
    r["train_seconds"] = run.fit.seconds;
    r["first_tree_seconds"] = run.firstTreeSeconds;
    r["feature_version"] = features::kVersion;
    r["features"] = names;
    r["importance"] = importance(run.fit.artifact, names);
    r["xgboost"] = xgb::version();
    nlohmann::json curve = nlohmann::json::array();
    for (const auto& p : run.fit.curve)
        curve.push_back({p.iteration, p.trainMae, p.validMae});
    r["learning_curve"] = curve;
    if (run.calibration)
        r["calibration"] = run.calibration->toJson();
    nlohmann::json ou = nlohmann::json::array();
    for (const auto& o : run.overUnder)
        ou.push_back(o.toJson());
    r["over_under"] = ou;
    if (run.search) {
        r["search"] = run.search->toJson();
        r["search"]["id"] = run.searchId;
    }
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
    const auto started = std::chrono::steady_clock::now();
    auto& db = session.db();
    TrainResult run;
    run.split = resolveSplit(summaryCalendar(db), options.split);
    const Split& s = run.split;
    run.featureDatesBuilt = ensureFeatures(session, s.trainFrom, s.testUntil, control);
    if (control.cancelled()) {
        run.cancelled = true;
        return run;
    }
    checkTestWindow(db, s);
    say(control, TrainEvent::Stage::Loading, "reading the feature store");
    const Dataset data = loadDataset(db, s.trainFrom, s.testFrom.addDays(-1));
    Windows w = partition(data, s);
    Params params = options.params;
    if (options.search) {
        const auto best = searchParams(session, data, s, options, run, control);
        if (!best || control.cancelled()) {
            run.cancelled = true;
            return run;
        }
        params = *best;
    }
    say(control, TrainEvent::Stage::Training, "training", 0, params.maxRounds);
    run.fit = fit(
        w.train, w.valid, params,
        [&](const FitProgress& p) {
            if (p.refitting) {
                if ((p.point.iteration + 1) % 25 == 0 || p.point.iteration + 1 == p.maxRounds)
                    say(control, TrainEvent::Stage::Training, "training the chosen trees again on the training and "
                        "validation rows", p.point.iteration + 1, p.maxRounds);
                return;
            }
            if (run.firstTreeSeconds == 0)
                run.firstTreeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            control.report({TrainEvent::Stage::Training, "training", p.point.iteration + 1, p.maxRounds, p});
        },
        control.cancel);
    if (run.fit.cancelled) {
        run.cancelled = true;
        return run;
    }
    say(control, TrainEvent::Stage::Evaluating, "evaluating on the test window");
    const Dataset testData = loadDataset(db, s.testFrom, s.testUntil);
    w.test = populationOf(testData);
    if (w.test.empty()) // the probe above saw rows: another connection removed them since
        throw OpsError("the test window " + s.testFrom.iso() + ".." + s.testUntil.iso() +
                       " lost its rows while training; nothing was registered. Train again.");
    const auto names = featureNames();
    const auto predicted = predict(run.fit.artifact, names, w.test);
    run.test = evaluate(w.test, predicted);
    run.test.props = gradeProps(db, w.test, predicted);
    // P(over): the validation window's residuals make the distribution; the test window judges it.
    if (int64_t(w.valid.size()) >= Calibration::kMinRows) {
        // Out of sample there: the early-stopped model, which never saw the validation rows.
        run.calibration = Calibration::fit(w.valid, predict(run.fit.selectionArtifact, names, w.valid));
        if (auto odds = overUnderOnOdds(db, w.test, predicted, *run.calibration))
            run.overUnder.push_back(std::move(*odds));
        run.overUnder.push_back(overUnderOnStandInLines(w.test, predicted, *run.calibration));
    } else {
        run.fit.warnings.push_back("only " + std::to_string(w.valid.size()) + " validation rows: fewer than the " +
                                   std::to_string(Calibration::kMinRows) +
                                   " P(over) needs, so this version's predictions carry none. Widen --valid-until.");
    }
    run.report = reportOf(run, names, w.test.size());
    ModelVersions versions(db, session.context().objects.root());
    run.version = versions.add(versionOf(run, options, names, w.test.size()), run.fit.artifact);
    run.report["version"] = run.version;
    if (!run.searchId.empty())
        SearchLog(db).setModelVersion(run.searchId, run.version);
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
    if (!r.cancelled)
        r.evaluationId = EvaluationLog(session.db()).add("ablation", options.actor, options.params, r.ablation.seconds,
                                                         r.ablation.toJson());
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
    if (!r.cancelled) {
        r.evaluationId = EvaluationLog(session.db()).add("walk_forward", options.actor, options.params, r.walk.seconds,
                                                         r.walk.toJson());
        say(control, TrainEvent::Stage::Done, "walked " + std::to_string(r.walk.folds.size()) + " months");
    }
    return r;
}

} // namespace nbaops::jobs
