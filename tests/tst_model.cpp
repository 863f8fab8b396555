// The model workbench: training on imported history (the simulated league's box scores in
// the real CSV format), early stopping that keeps the best iteration, cancel, the
// reg:absoluteerror defect, the registry's checksum and promotion rule, and `nbaops train --json`.
#include "jobs/import.h"
#include "model/versiondiff.h"
#include "model/versions.h"
#include "model/serving.h"
#include "jobs/train.h"
#include "features/build.h"
#include "model/calibration.h"
#include "model/report.h"
#include "model/search.h"
#include "model/searchlog.h"
#include "model/walkforward.h"
#include "model/xgb.h"
#include "pipeline/session.h"
#include "sim/historycsv.h"
#include "sim/league.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "testutil.h"
#include "util/errors.h"
#include "util/files.h"
#include "util/rng.h"

#include <nlohmann/json.hpp>

#include <limits>

#include <QProcess>
#include <QtTest>

using namespace nbaops;
using test::count;

namespace {

jobs::TrainOptions quickRequest()
{
    jobs::TrainOptions req;
    model::applyParam(req.params, "eta=0.1");
    model::applyParam(req.params, "rounds=400");
    model::applyParam(req.params, "early_stopping_rounds=15");
    req.actor = "tester";
    return req;
}

} // namespace

class TestModel : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::filesystem::path dbPath() const { return std::filesystem::path(m_dir.path().toStdString()) / "history.db"; }

    std::unique_ptr<pipeline::Session> open()
    {
        pipeline::SessionOptions so;
        so.dbPath = dbPath();
        so.workers = 1;
        so.http = test::fastHttp();
        return std::make_unique<pipeline::Session>(so);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Three months of the simulated 2023-24 season, imported as a user imports history.
        QVERIFY(m_dir.isValid());
        const sim::League league;
        const auto csv = std::filesystem::path(m_dir.path().toStdString()) / "sim_boxscores.csv";
        writeFileAtomically(csv, sim::boxscoreHistoryCsv(league, Date::ymd(2023, 10, 24), Date::ymd(2024, 1, 25)));
        pipeline::SessionOptions so;
        so.dbPath = dbPath();
        so.workers = 1;
        so.force = true;
        pipeline::Session session(so);
        const auto rep = jobs::importHistory(session, {csv, std::nullopt}, {});
        QCOMPARE(rep.quarantined, int64_t(0));
        QVERIFY2(rep.dates >= 80, qPrintable(QString::number(rep.dates)));
    }

    void trainsAndKeepsTheBestIteration()
    {
        auto s = open();
        std::vector<model::FitProgress> seen;
        std::vector<jobs::TrainEvent::Stage> stages;
        const auto run = jobs::train(*s, quickRequest(), {[&](const jobs::TrainEvent& e) {
            stages.push_back(e.stage);
            if (e.fit)
                seen.push_back(*e.fit);
        }});
        QVERIFY(!run.cancelled);
        QVERIFY(run.featureDatesBuilt >= 80);
        const auto& r = run.report;
        // The split is by date and in order; the sizes are what was used.
        const auto& sp = run.split;
        QVERIFY(sp.trainFrom <= sp.trainUntil && sp.trainUntil < sp.validUntil && sp.validUntil < sp.testFrom &&
                sp.testFrom <= sp.testUntil);
        QVERIFY(r["rows"]["train"].get<int64_t>() > 5000);
        QVERIFY(r["rows"]["valid"].get<int64_t>() > 500);
        QCOMPARE(r["population"]["definition"].get<std::string>(), std::string(model::kPopulation));
        QVERIFY(r["population"]["test_rows"].get<int64_t>() > 500);

        // Progress came per tree, and the curve is the same numbers.
        QCOMPARE(int(seen.size()), run.fit.rounds);
        QCOMPARE(int(run.fit.curve.size()), run.fit.rounds);
        QCOMPARE(seen.back().point.validMae, run.fit.curve.back().validMae);
        // Early stopping: stopped 15 trees after the best, which is the curve's minimum, and the
        // kept model is the trees up to it.
        QVERIFY(run.fit.rounds < 400);
        QCOMPARE(run.fit.rounds - 1 - run.fit.bestIteration, 15);
        int argmin = 0;
        for (const auto& p : run.fit.curve)
            if (p.validMae < run.fit.curve[size_t(argmin)].validMae)
                argmin = p.iteration;
        QCOMPARE(run.fit.bestIteration, argmin);
        QCOMPARE(r["trees"].get<int>(), run.fit.bestIteration + 1);
        QCOMPARE(model::xgb::Booster::load(run.fit.artifact).rounds(), run.fit.bestIteration + 1);
        QCOMPARE(model::xgb::Booster::load(run.fit.selectionArtifact).rounds(), run.fit.bestIteration + 1);
        // The trees learnt the square root of the points, and the saved models say so: predict()
        // squares back (checked below against the validation MAE in points).
        QCOMPARE(model::xgb::Booster::load(run.fit.artifact).attribute("nbaops_target"), std::string("sqrt"));
        QCOMPARE(model::xgb::Booster::load(run.fit.selectionArtifact).attribute("nbaops_target"), std::string("sqrt"));
        // The kept trees were trained again on the training and validation rows together.
        QVERIFY(run.fit.params.refit);
        QCOMPARE(run.fit.refitRows, run.fit.trainRows + run.fit.validRows);
        QVERIFY(run.fit.artifact != run.fit.selectionArtifact);
        QCOMPARE(r["refit"]["rows"].get<size_t>(), run.fit.refitRows);
        // The early-stopped model's validation MAE is the best iteration's, not the last one's.
        const auto data = model::loadDataset(s->db(), sp.trainUntil.addDays(1), sp.validUntil);
        std::vector<const model::Example*> valid;
        for (const auto& e : data.rows)
            if (e.inPopulation())
                valid.push_back(&e);
        const auto validMae = [&](const std::string& artifact) {
            const auto pred = model::predict(artifact, model::featureNames(), valid);
            double sum = 0;
            for (size_t i = 0; i < valid.size(); ++i)
                sum += std::abs(double(valid[i]->points) - pred[i]);
            return sum / double(valid.size());
        };
        const double mae = validMae(run.fit.selectionArtifact);
        QVERIFY2(std::abs(mae - run.fit.bestValidMae) < 2e-3,
                 qPrintable(QStringLiteral("%1 vs %2").arg(mae).arg(run.fit.bestValidMae)));
        // The refit model has seen the validation rows: in sample there, it fits them closer.
        QVERIFY(validMae(run.fit.artifact) < mae);
        QVERIFY(run.fit.bestValidMae < run.fit.curve.back().validMae || run.fit.bestIteration == run.fit.rounds - 1);

        // The report: model and the three baselines on the same rows, segments, interval,
        // residuals, labelled importance.
        for (const char* b : {"season_mean", "last10_mean", "ewm"}) {
            QVERIFY(r["baselines"][b]["mae"].get<double>() > 1.0);
            QCOMPARE(r["baselines"][b]["rows"].get<int64_t>(), r["population"]["test_rows"].get<int64_t>());
        }
        for (const char* b : {"<15", "15-30", ">30"})
            QVERIFY(r["model"]["by_minutes"].contains(b));
        QVERIFY(r["model"]["by_venue"].contains("home") && r["model"]["by_venue"].contains("away"));
        const double lo = r["mae_diff_ci95"][0].get<double>(), hi = r["mae_diff_ci95"][1].get<double>();
        QVERIFY(lo <= r["mae_diff"].get<double>() && r["mae_diff"].get<double>() <= hi);
        qInfo("simulated league: model MAE %.3f, season mean %.3f, last 10 %.3f, ewm %.3f",
              r["model"]["mae"].get<double>(), r["baselines"]["season_mean"]["mae"].get<double>(),
              r["baselines"]["last10_mean"]["mae"].get<double>(), r["baselines"]["ewm"]["mae"].get<double>());
        int64_t residuals = 0;
        for (const auto& c : r["residuals"]["counts"])
            residuals += c.get<int64_t>();
        QCOMPARE(residuals, r["population"]["test_rows"].get<int64_t>());
        for (const char* kind : {"gain", "weight", "cover"}) {
            QVERIFY(!r["importance"][kind]["label"].get<std::string>().empty());
            QVERIFY(r["importance"][kind]["features"].size() > 5);
        }
        QVERIFY(r["props"].is_null()); // imported history has no prop lines
        // Registered with its artifact.
        QCOMPARE(run.version, std::string("m0001"));
        QCOMPARE(count(s->db(), "SELECT count(*) FROM model_versions"), int64_t(1));
        QCOMPARE(count(s->db(), "SELECT count(*) FROM audit_log WHERE action = 'model.train' AND actor = 'tester'"), int64_t(1));
        // A second run reuses the feature store.
        const auto again = jobs::train(*s, quickRequest(), {});
        QCOMPARE(again.featureDatesBuilt, 0);
        QCOMPARE(again.report["model"]["mae"].get<double>(), r["model"]["mae"].get<double>()); // deterministic
    }

    void theDatasetReadsAlikeInOneOrTwoHalves()
    {
        auto s = open();
        const auto cal = model::summaryCalendar(s->db());
        const Date from = cal.dates.front().first, until = cal.dates.back().first;
        const auto one = model::loadDataset(s->db(), from, until, std::numeric_limits<int64_t>::max());
        const auto two = model::loadDataset(s->db(), from, until, 1);
        QVERIFY(one.rows.size() > 1000);
        QCOMPARE(two.rows.size(), one.rows.size());
        for (size_t i = 0; i < one.rows.size(); ++i) {
            const auto &a = one.rows[i], &b = two.rows[i];
            QVERIFY(a.date == b.date && a.playerId == b.playerId && a.gameId == b.gameId && a.points == b.points &&
                    a.playerName == b.playerName);
            for (size_t k = 0; k < features::kCount; ++k)
                QVERIFY(a.x[k] == b.x[k]);
        }
        // Rows still known only as missing or as values.
        size_t missing = 0;
        for (const auto& e : one.rows)
            missing += !e.x[features::ix("pts_last5")].has_value();
        QVERIFY(missing > 0 && missing < one.rows.size());

        // A feature row of an older version in the later half is named, whichever connection
        // read it, and nothing is returned.
        const Date late = cal.dates[cal.dates.size() - 3].first;
        s->db().prepare("UPDATE ml_feature_store SET feature_version = 1 WHERE game_date = ? AND player_id ="
                        " (SELECT player_id FROM player_game_summary WHERE game_date = ? AND played = 1 LIMIT 1)")
            .bindAll(late.iso(), late.iso())
            .run();
        for (const int64_t split : {std::numeric_limits<int64_t>::max(), int64_t(1)}) {
            try {
                model::loadDataset(s->db(), from, until, split);
                QFAIL("an older feature version was read");
            } catch (const OpsError& e) {
                QVERIFY2(std::string(e.what()).find("1 feature rows from " + late.iso() + " on were built by an older") !=
                             std::string::npos,
                         e.what());
            }
        }
        s->db().prepare("UPDATE ml_feature_store SET feature_version = ? WHERE feature_version = 1")
            .bindAll(int64_t(features::kVersion))
            .run();
    }

    void trainingCanBeCancelled()
    {
        auto s = open();
        const int64_t before = count(s->db(), "SELECT count(*) FROM model_versions");
        std::atomic<bool> cancel{false};
        int trees = 0;
        const auto run = jobs::train(*s, quickRequest(), {[&](const jobs::TrainEvent& e) {
            if (e.fit && ++trees == 5)
                cancel = true;
        }, &cancel});
        QVERIFY(run.cancelled);
        QCOMPARE(trees, 5);
        QVERIFY(run.version.empty());
        QCOMPARE(count(s->db(), "SELECT count(*) FROM model_versions"), before);
    }

    // Walk-forward: the end of one simulated season and the start of the next; each month of the
    // last season is a fold trained only on dates before it, against the baselines on the same
    // rows. The season's first weeks are left out, saying why; one season alone is refused.
    void walkForwardTestsEachMonthOnWhatCameBefore()
    {
        const auto dir = std::filesystem::path(m_dir.path().toStdString());
        const sim::League league;
        const auto csv = dir / "two_seasons.csv";
        writeFileAtomically(csv, sim::boxscoreHistoryCsv(league, Date::ymd(2023, 2, 15), Date::ymd(2023, 4, 14)) +
                                     [&] {
                                         const std::string next = sim::boxscoreHistoryCsv(
                                             league, Date::ymd(2023, 10, 24), Date::ymd(2024, 1, 25));
                                         return next.substr(next.find('\n') + 1); // one header
                                     }());
        pipeline::SessionOptions so;
        so.dbPath = dir / "two" / "two_seasons.db"; // its own folder: its models do not meet history.db's
        std::filesystem::create_directories(so.dbPath.parent_path());
        so.workers = 1;
        so.force = true;
        pipeline::Session session(so);
        QCOMPARE(jobs::importHistory(session, {csv, std::nullopt}, {}).quarantined, int64_t(0));
        jobs::WalkForwardOptions wo;
        wo.params = quickRequest().params;
        wo.folds.seasons = 1;
        int reported = 0;
        const auto r = jobs::walkForward(session, wo, {[&](const jobs::TrainEvent& e) {
            if (e.stage == jobs::TrainEvent::Stage::Training)
                ++reported;
        }, nullptr});
        QVERIFY(!r.cancelled);
        const auto& w = r.walk;
        QStringList months;
        for (const auto& f : w.folds)
            months << QString::fromStdString(f.month);
        QCOMPARE(months, (QStringList{QStringLiteral("2023-11"), QStringLiteral("2023-12"), QStringLiteral("2024-01")}));
        QCOMPARE(w.skipped.size(), size_t(1));
        QVERIFY2(w.skipped.front().rfind("2023-10: ", 0) == 0, w.skipped.front().c_str());
        QCOMPARE(reported, 6); // before and after each of the three folds (the month left out is never fitted)
        size_t lastTrain = 0;
        int64_t pooled = 0;
        double sum = 0;
        for (const auto& f : w.folds) {
            // No fold sees its month: training ends before validation, validation before the month.
            QVERIFY(f.trainUntil < f.validFrom && f.validFrom <= f.validUntil && f.validUntil < f.testFrom);
            QCOMPARE(f.testFrom.iso().substr(0, 7), f.month);
            QCOMPARE(f.testUntil.iso().substr(0, 7), f.month);
            QCOMPARE(f.season, std::string("2023-24"));
            QVERIFY(f.trainRows > lastTrain); // each month trains on more
            lastTrain = f.trainRows;
            QVERIFY(f.testRows >= wo.folds.minTestRows && f.trees >= 1);
            QCOMPARE(f.baselineMae.size(), size_t(3));
            QVERIFY(f.modelMae > 1 && f.modelMae < 10);
            QCOMPARE(f.bestBaselineMae(), std::min({f.baselineMae.at("season_mean"), f.baselineMae.at("last10_mean"),
                                                    f.baselineMae.at("ewm")}));
            pooled += int64_t(f.testRows);
            sum += f.modelMae - f.bestBaselineMae();
        }
        QCOMPARE(w.pooledRows, pooled);
        QVERIFY(std::abs(w.meanDiff - sum / 3) < 1e-9);
        QVERIFY(w.meanDiffCi95.first <= w.meanDiff && w.meanDiff <= w.meanDiffCi95.second);
        QVERIFY(w.meanDiffCi95.first < w.meanDiffCi95.second);
        QVERIFY(w.pooledDiffCi95.first <= w.pooledDiffCi95.second);
        qInfo("walk-forward on the simulated league: model %.3f, best baselines %.3f, diff %.3f [%.3f, %.3f], %d of 3 "
              "better", w.meanModelMae, w.meanBaselineMae, w.meanDiff, w.meanDiffCi95.first, w.meanDiffCi95.second,
              w.foldsBetter);
        QCOMPARE(w.toJson()["folds"].size(), size_t(3));

        // Ablation: every feature is in one family; dropping one retrains each month without its
        // columns and sets each month's MAE beside the one with every feature.
        std::map<std::string, int> homes;
        for (const auto& fam : features::families())
            for (const auto m : fam.members)
                ++homes[std::string(m)];
        for (const auto n : features::kNames)
            QVERIFY2(homes[std::string(n)] == 1, std::string(n).c_str());
        QCOMPARE(homes.size(), features::kNames.size());
        jobs::AblationOptions ao;
        ao.params = wo.params;
        ao.folds = wo.folds;
        ao.families = {"availability"};
        const auto ab = jobs::ablate(session, ao, {});
        QCOMPARE(ab.ablation.rows.size(), size_t(1));
        const auto& row = ab.ablation.rows.front();
        QCOMPARE(row.dropped, (std::vector<std::string>{"starter", "teammates_out", "teammates_out_min",
                                                         "teammates_out_pts", "opp_out_pts"}));
        QCOMPARE(ab.ablation.all.meanModelMae, w.meanModelMae); // the same folds, fitted the same way
        QVERIFY(std::abs(row.rise - (row.meanModelMae - w.meanModelMae)) < 1e-9);
        QVERIFY(row.riseCi95.first <= row.rise && row.rise <= row.riseCi95.second);
        qInfo("without availability: %.3f (%+.4f, %d of 3 months worse)", row.meanModelMae, row.rise, row.monthsWorse);
        ao.families = {"astrology"};
        QVERIFY_THROWS_EXCEPTION(UsageError, jobs::ablate(session, ao, {}));

        // One season cannot be walked: every month needs an earlier season to train on.
        auto single = open();
        try {
            jobs::walkForward(*single, wo, {});
            QFAIL("one season was walked");
        } catch (const OpsError& e) {
            QVERIFY2(std::string(e.what()).find("at least two seasons") != std::string::npos, e.what());
        }
        QCOMPARE(model::tQuantile975(13), 2.160);
        QCOMPARE(model::tQuantile975(500), 1.960);
    }

    void theSearchSpendsItsFitsWhereTheyPayAndResumes()
    {
        // The rungs' months: the latest first, then spread; each rung a third of the next.
        const auto plan = model::searchPlan({"01", "02", "03", "04", "05", "06", "07", "08", "09"}, 3);
        QCOMPARE(plan.months, (std::vector<std::string>{"09", "01", "05", "07", "03", "08", "06", "04", "02"}));
        QCOMPARE(plan.rungFolds, (std::vector<int>{1, 3, 9}));
        QCOMPARE(model::searchPlan({"a", "b"}, 3).rungFolds, (std::vector<int>{1, 2}));
        QCOMPARE(model::parseBudget("90s"), 90.0);
        QCOMPARE(model::parseBudget("10m"), 600.0);
        QCOMPARE(model::parseBudget("1h30m"), 5400.0);
        QCOMPARE(model::parseBudget("2"), 120.0);
        for (const char* bad : {"", "10x", "1h30", "0s", "m", "8d"})
            QVERIFY_THROWS_EXCEPTION(UsageError, model::parseBudget(bad));
        const model::Params base = quickRequest().params;
        QCOMPARE(model::drawConfig(base, 7, 0).xgb, base.xgb);
        QCOMPARE(model::drawConfig(base, 7, 3).xgb, model::drawConfig(base, 7, 3).xgb); // the same draw on resume
        QVERIFY(model::drawConfig(base, 7, 3).xgb != model::drawConfig(base, 7, 4).xgb);

        pipeline::SessionOptions so;
        so.dbPath = std::filesystem::path(m_dir.path().toStdString()) / "two" / "two_seasons.db"; // the walk-forward test's
        so.workers = 1;
        pipeline::Session session(so);
        auto req = quickRequest();
        req.split.testFrom = Date::ymd(2024, 1, 10); // November, December and January's first days before it
        jobs::SearchRequest sr;
        sr.budgetSeconds = 3600;
        sr.maxConfigs = 4;
        sr.reduction = 2;
        sr.folds.seasons = 1;
        req.search = sr;
        int told = 0;
        const auto first = jobs::train(session, req, {[&](const jobs::TrainEvent& e) {
            if (e.stage == jobs::TrainEvent::Stage::Search)
                ++told;
        }, nullptr});
        QVERIFY(!first.cancelled && first.search);
        const auto& s1 = *first.search;
        QCOMPARE(first.searchId, std::string("s0001"));
        QCOMPARE(s1.stoppedBy, std::string("finished"));
        // Judged on months before the test window only, the latest month first.
        QVERIFY(s1.plan.months.size() >= 2);
        for (const auto& m : s1.plan.months)
            QVERIFY2(m <= first.split.testFrom.iso().substr(0, 7), m.c_str());
        QCOMPARE(s1.plan.months.front(), *std::max_element(s1.plan.months.begin(), s1.plan.months.end()));
        QCOMPARE(s1.plan.rungFolds.back(), int(s1.plan.months.size()));
        // Four configurations on the first month; the better half goes on to the next rung.
        std::map<int, int> fitsOf;
        for (const auto& f : s1.fits)
            ++fitsOf[f.config];
        QCOMPARE(fitsOf.size(), size_t(4));
        QCOMPARE(fitsOf[0] + fitsOf[1] + fitsOf[2] + fitsOf[3], int(s1.fits.size()));
        QVERIFY(int(s1.fits.size()) > 4);
        QCOMPARE(told, int(s1.fits.size()) + 1);
        QVERIFY(s1.best);
        const int top = s1.configs.front().rung;
        QCOMPARE(s1.best->rung, top);
        for (const auto& c : s1.configs)
            if (c.rung == top)
                QVERIFY(s1.best->mae <= c.mae);
        QCOMPARE(first.fit.params.xgb.at("max_depth"), s1.best->params.xgb.at("max_depth"));
        QCOMPARE(s1.bestAfterFit.size(), s1.fits.size());
        // Every fit is in the registry, and the search names the version it produced.
        auto& db = session.db();
        QCOMPARE(count(db, "SELECT count(*) FROM model_search_fits WHERE search_id = 's0001'"), int64_t(s1.fits.size()));
        model::SearchLog log(db);
        const auto rec = log.get("s0001");
        QCOMPARE(rec.status, std::string("finished"));
        QCOMPARE(rec.modelVersion, first.version);
        QCOMPARE(*rec.bestConfig, s1.best->config);
        QCOMPARE(rec.base.xgb, base.xgb);
        QCOMPARE(first.report["search"]["id"].get<std::string>(), std::string("s0001"));
        const auto report = model::TrainingReport::fromJson(first.report);
        QCOMPARE(report.search.configs.size(), size_t(4));
        QCOMPARE(*report.search.best, s1.best->config);

        // Resumed with room for two more configurations: the kept fits are not run again.
        req.search->resume = "s0001";
        req.search->maxConfigs = 6;
        const auto second = jobs::train(session, req, {});
        QVERIFY(!second.cancelled && second.search);
        const auto& s2 = *second.search;
        QCOMPARE(second.searchId, std::string("s0001"));
        QCOMPARE(s2.fitsThisSession, int(s2.fits.size() - s1.fits.size()));
        QVERIFY(s2.fitsThisSession >= 2);
        QCOMPARE(s2.configs.size(), size_t(6));
        QCOMPARE(count(db, "SELECT count(*) FROM model_search_fits WHERE search_id = 's0001'"), int64_t(s2.fits.size()));
        QCOMPARE(log.get("s0001").budgetSeconds, 7200.0);
        const auto baseConfig = std::find_if(s2.configs.begin(), s2.configs.end(), [](const auto& c) { return c.config == 0; });
        qInfo("search: %zu fits over %zu months, best config %d at %.4f (the base parameters: %.4f at rung %d)",
              s2.fits.size(), s2.plan.months.size(), s2.best->config, s2.best->mae, baseConfig->mae, baseConfig->rung + 1);

        // A resumed search keeps its test window.
        req.split.testFrom = first.split.testFrom.addDays(-10);
        try {
            jobs::train(session, req, {});
            QFAIL("a search was resumed on other dates");
        } catch (const OpsError& e) {
            QVERIFY2(std::string(e.what()).find("same dates") != std::string::npos, e.what());
        }
        // A search whose budget is spent starts no fit.
        const auto data = model::loadDataset(db, Date::ymd(2023, 1, 1), Date::ymd(2024, 12, 31));
        model::WalkForwardOptions wo;
        wo.seasons = 1;
        wo.testBefore = first.split.testFrom;
        const auto plans = model::planFolds(data, model::loadCalendar(db), wo);
        QCOMPARE(plans.folds.size(), s1.plan.months.size());
        for (const auto& f : plans.folds)
            QVERIFY(f.fold.testUntil < first.split.testFrom && f.fold.testFrom <= f.fold.testUntil);
        model::SearchOptions spent;
        spent.budgetSeconds = 60;
        spent.spentBefore = 60;
        const auto none = model::search(plans.folds, base, spent, {});
        QCOMPARE(none.stoppedBy, std::string("budget_spent"));
        QCOMPARE(none.fits.size(), size_t(0));
        QVERIFY(!none.best);
    }

    void pOverComesFromTheValidationResiduals()
    {
        // Rows whose points are the prediction plus a known noise: N(0, 3) for bench players'
        // low predictions, N(0, 7) for starters' high ones.
        Rng rng(11);
        std::vector<model::Example> rows(6000);
        std::vector<float> predicted;
        std::vector<const model::Example*> ptrs;
        for (size_t i = 0; i < rows.size(); ++i) {
            const bool starter = i % 2 == 0;
            const double pred = starter ? rng.uniform(18, 30) : rng.uniform(2, 8);
            rows[i].x.set(features::ix("min_season"), starter ? 34.0 : 12.0);
            rows[i].x.set(features::ix("pts_season"), pred + rng.normal(0, 1.5));
            rows[i].points = float(pred + rng.normal(0, starter ? 7 : 3));
            predicted.push_back(float(pred));
            ptrs.push_back(&rows[i]);
        }
        const std::vector<const model::Example*> fitRows(ptrs.begin(), ptrs.begin() + 4000);
        const std::vector<float> fitPred(predicted.begin(), predicted.begin() + 4000);
        const auto cal = model::Calibration::fit(fitRows, fitPred);
        // A line at the prediction is a coin flip; P(over) falls as the line rises; a wider
        // spread for starters makes a 5-point gap less sure than for the bench.
        QVERIFY(std::abs(cal.pOver(">30", 24, 24) - 0.5) < 0.06);
        QVERIFY(cal.pOver(">30", 24, 20) > cal.pOver(">30", 24, 24));
        QVERIFY(cal.pOver(">30", 24, 28) < cal.pOver(">30", 24, 24));
        QVERIFY(std::abs(cal.pOver(">30", 24, 29) - 0.24) < 0.06);  // 1 - Phi(5/7)
        QVERIFY(std::abs(cal.pOver("<15", 5, 10) - 0.048) < 0.03); // 1 - Phi(5/3)
        QCOMPARE(cal.pOver("<15", 5, 60), 0.005);                   // past the quantiles: clamped
        QCOMPARE(cal.pOver("<15", 5, -50), 0.995);
        // A bucket without rows borrows every row's distribution.
        QCOMPARE(&cal.cellFor("15-30", 12), &cal.cells().back());
        // Stored in the version's report and read back the same.
        const auto back = model::Calibration::fromJson(nlohmann::json::parse(cal.toJson().dump()));
        QVERIFY(back);
        QCOMPARE(back->pOver(">30", 24, 27.5), cal.pOver(">30", 24, 27.5));
        QVERIFY(!model::Calibration::fromJson(nlohmann::json::object()));
        QVERIFY(!model::Calibration::fromJson(nlohmann::json{{"cells", 3}}));
        QVERIFY_THROWS_EXCEPTION(OpsError, model::Calibration::fit({ptrs.begin(), ptrs.begin() + 100},
                                                                  {predicted.begin(), predicted.begin() + 100}));
        // Judged on the other rows against stand-in lines: calibrated, and better than 50%.
        const std::vector<const model::Example*> testRows(ptrs.begin() + 4000, ptrs.end());
        const std::vector<float> testPred(predicted.begin() + 4000, predicted.end());
        const auto ou = model::overUnderOnStandInLines(testRows, testPred, cal);
        QCOMPARE(ou.graded, int64_t(2000));
        QVERIFY(ou.brier < ou.naiveBrier && ou.logLoss < ou.naiveLogLoss);
        for (const auto& b : ou.reliability)
            if (b.n >= 150)
                QVERIFY2(std::abs(b.observed - b.meanPredicted) < 0.08,
                         qPrintable(QStringLiteral("bin %1: predicted %2, observed %3").arg(b.from).arg(b.meanPredicted).arg(b.observed)));
        int64_t banded = 0;
        for (const auto& b : ou.byConfidence)
            banded += b.n;
        QCOMPARE(banded, ou.graded);
        QVERIFY(ou.byConfidence.back().hitRate > ou.byConfidence.front().hitRate);
        QVERIFY(model::OverUnder::fromJson(ou.toJson()));
        QCOMPARE(model::impliedProbability(-110), 110.0 / 210.0);
        QCOMPARE(model::impliedProbability(150), 0.4);
    }

    void theAbsoluteErrorDefectIsDetectedAndAvoided()
    {
        const bool defect = model::absoluteErrorIgnoresLearningRate();
        if (model::xgb::version() == "1.7.4")
            QVERIFY(defect); // Debian 12's libxgboost
        auto s = open();
        auto req = quickRequest();
        model::applyParam(req.params, "objective=reg:absoluteerror");
        model::applyParam(req.params, "rounds=30");
        const auto run = jobs::train(*s, req, {});
        if (defect) {
            QCOMPARE(run.report["objective"].get<std::string>(), std::string("reg:pseudohubererror"));
            QVERIFY(run.report["warnings"].dump().find("ignores the learning rate") != std::string::npos);
        } else {
            QCOMPARE(run.report["objective"].get<std::string>(), std::string("reg:absoluteerror"));
        }
    }

    void badParametersAndSplitsAreRefused()
    {
        model::Params p;
        QVERIFY_THROWS_EXCEPTION(UsageError, model::applyParam(p, "max_depth=deep"));
        QVERIFY_THROWS_EXCEPTION(UsageError, model::applyParam(p, "depth=6"));
        QVERIFY_THROWS_EXCEPTION(UsageError, model::applyParam(p, "eta"));
        QVERIFY_THROWS_EXCEPTION(UsageError, model::applyParam(p, "rounds=0"));
        QVERIFY_THROWS_EXCEPTION(UsageError, model::applyParam(p, "refit=maybe"));
        QVERIFY_THROWS_EXCEPTION(UsageError, model::applyParam(p, "target=log"));
        // The pseudo-Huber slope is on the scale the trees learn: switching the scale moves a
        // default slope with it, and leaves a chosen one alone.
        model::Params d = model::defaultParams();
        QCOMPARE(d.target, std::string("sqrt"));
        model::applyParam(d, "target=points");
        QCOMPARE(d.xgb.at("huber_slope"), std::string("3"));
        model::applyParam(d, "target=sqrt");
        QCOMPARE(d.xgb.at("huber_slope"), std::string("0.5"));
        model::applyParam(d, "huber_slope=1.2");
        model::applyParam(d, "target=points");
        QCOMPARE(d.xgb.at("huber_slope"), std::string("1.2"));
        model::applyParam(p, "refit=0");
        QVERIFY(!p.refit);
        auto s = open();
        jobs::TrainOptions req = quickRequest();
        req.split.trainUntil = Date::ymd(2024, 1, 1);
        req.split.validUntil = Date::ymd(2023, 12, 1);
        try {
            jobs::train(*s, req, {});
            QFAIL("an out-of-order split trained");
        } catch (const OpsError& e) {
            QVERIFY2(std::string(e.what()).find("out of order") != std::string::npos, e.what());
        }
    }

    void promotionNeedsAWinAndArtifactsAreVerified()
    {
        auto s = open();
        model::ModelVersions reg(s->db(), s->context().objects.root());
        QVERIFY_THROWS_EXCEPTION(OpsError, reg.get("champion"));
        QVERIFY(reg.promote("m0001", "tester").find("first champion") != std::string::npos);
        QCOMPARE(*reg.alias("champion"), std::string("m0001"));
        // A weak model (two trees) on the same window does not replace it.
        auto weak = quickRequest();
        model::applyParam(weak.params, "rounds=2");
        const auto w = jobs::train(*s, weak, {});
        const auto c = reg.compare(w.version, "champion");
        QVERIFY(c.fair);
        QVERIFY(c.candidateMae > c.referenceMae);
        try {
            reg.promote(w.version, "tester");
            QFAIL("a worse model was promoted");
        } catch (const OpsError& e) {
            QVERIFY2(std::string(e.what()).find("not promoted") != std::string::npos, e.what());
        }
        QCOMPARE(*reg.alias("champion"), std::string("m0001"));
        // What changed: the rounds, the trees, and the two on the same rows as compare has them.
        const auto d = model::diffVersions(reg, "m0001", w.version);
        QCOMPARE(d.from, std::string("m0001"));
        const auto rounds = std::find_if(d.params.begin(), d.params.end(), [](const auto& r) { return r.what == "rounds"; });
        QVERIFY(rounds != d.params.end() && rounds->changed() && rounds->to == "2");
        QVERIFY(std::none_of(d.params.begin(), d.params.end(), [](const auto& r) { return r.what == "objective" && r.changed(); }));
        QVERIFY(d.featuresAdded.empty() && d.featuresRemoved.empty());
        QVERIFY(d.sameRows && d.sameRows->candidateMae == c.candidateMae && d.sameRows->rows == c.rows);
        QVERIFY(d.segments.size() >= 3);
        QVERIFY(d.toJson()["params"].is_array());
        // A changed artifact is refused with the reason.
        const auto v = reg.get("m0001");
        const auto path = s->context().objects.root() / v.artifact;
        std::string bytes = readFile(path);
        bytes[bytes.size() / 2] ^= 0x5a;
        writeFileAtomically(path, bytes);
        try {
            reg.loadArtifact(v);
            QFAIL("a damaged artifact loaded");
        } catch (const OpsError& e) {
            QVERIFY2(std::string(e.what()).find("changed or damaged") != std::string::npos, e.what());
        }
        // The diff still says what it can, and why it could not compare the rows.
        const auto broken = model::diffVersions(reg, w.version, "m0001");
        QVERIFY(!broken.sameRows);
        QVERIFY2(broken.sameRowsError.find("changed or damaged") != std::string::npos, broken.sameRowsError.c_str());
        QVERIFY(!broken.data.empty());
        QVERIFY(count(s->db(), "SELECT count(*) FROM audit_log WHERE action = 'model.promote'") == 1);
    }

    void theCliPrintsTheTrainingReportAsJson()
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.path() + QStringLiteral("/xdg"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(NBAOPS_CLI_PATH),
                {QStringLiteral("--db"), QString::fromStdString(dbPath().string()), QStringLiteral("train"),
                 QStringLiteral("--json"), QStringLiteral("--param"), QStringLiteral("rounds=60"),
                 QStringLiteral("--test-from"), QStringLiteral("2024-01-10")});
        QVERIFY(p.waitForFinished(240000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const auto j = nlohmann::json::parse(p.readAllStandardOutput().toStdString());
        QVERIFY(j["version"].is_string());
        QVERIFY(j["population"]["definition"].is_string());
        QVERIFY(j["population"]["test_rows"].get<int64_t>() > 0);
        QVERIFY(j["model"]["mae"].is_number() && j["model"]["rmse"].is_number());
        for (const char* b : {"<15", "15-30", ">30"})
            QVERIFY(j["model"]["by_minutes"][b].is_number());
        for (const char* b : {"season_mean", "last10_mean", "ewm"})
            QVERIFY(j["baselines"][b]["mae"].is_number());
        QCOMPARE(j["mae_diff_ci95"].size(), size_t(2));
        QVERIFY(j["trees"].get<int>() >= 1);
        QVERIFY(j["train_seconds"].is_number());
        QCOMPARE(j["split"]["test_from"].get<std::string>(), std::string("2024-01-10"));
        // P(over): the validation residuals' distribution, judged on the test window's stand-in lines.
        QVERIFY(j["calibration"]["cells"].size() >= 1);
        QCOMPARE(j["over_under"].back()["lines"].get<std::string>(), std::string("stand-in"));
        QVERIFY(j["over_under"].back()["graded"].get<int64_t>() > 0);
        QCOMPARE(j["over_under"].back()["reliability"].size(), size_t(10));

        // A bad date is a usage error with the reason.
        p.start(QStringLiteral(NBAOPS_CLI_PATH), {QStringLiteral("--db"), QString::fromStdString(dbPath().string()),
                                                  QStringLiteral("train"), QStringLiteral("--test-from"),
                                                  QStringLiteral("2024-02-30")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 64);
        QVERIFY(p.readAllStandardError().contains("YYYY-MM-DD"));
        // Walk-forward makes its own windows: a search or dates beside it are refused.
        p.start(QStringLiteral(NBAOPS_CLI_PATH), {QStringLiteral("--db"), QString::fromStdString(dbPath().string()),
                                                  QStringLiteral("train"), QStringLiteral("--walk-forward"),
                                                  QStringLiteral("--budget"), QStringLiteral("5m")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 64);
        QVERIFY(p.readAllStandardError().contains("its own windows"));
    }

    void theChampionServesPipelineDatesAndRolloutsMoveOnOrRollBack()
    {
        // A model trained on imported history predicts the pipeline's own dates (the simulated
        // league's next days through all six phases) without conversion.
        auto s = open();
        auto& db = s->db();
        model::ModelVersions reg(db, s->context().objects.root());
        reg.promote("m0002", "tester", true); // m0001's artifact was damaged above
        bool dayFailed = false;
        const auto runDay = [&](Date d) {
            const auto res = s->runner().runDate(d);
            for (const auto& p : res.results)
                if (pipeline::isRealFailure(p.outcome.category)) {
                    qWarning("%s %s: %s", p.processor.c_str(), d.iso().c_str(), p.outcome.error.c_str());
                    dayFailed = true;
                }
        };
        runDay(Date::ymd(2024, 1, 26));
        QVERIFY(!dayFailed);
        QVERIFY(count(db, "SELECT count(*) FROM player_prop_predictions WHERE game_date = '2024-01-26'"
                          " AND model_kind = 'xgboost' AND model_version = 'm0002'") > 50);
        QCOMPARE(count(db, "SELECT count(*) FROM player_prop_predictions WHERE game_date = '2024-01-26'"
                           " AND model_kind = 'xgboost' AND model_version <> 'm0002'"), int64_t(0));
        QVERIFY(count(db, "SELECT count(*) FROM prediction_grades WHERE game_date = '2024-01-26' AND model_version = 'm0002'") > 50);
        const auto doc = nlohmann::json::parse(s->context().objects.read("publish/predictions/2024-01-26.json"));
        QCOMPARE(doc["model"]["kind"].get<std::string>(), std::string("xgboost"));
        QCOMPARE(doc["model"]["version"].get<std::string>(), std::string("m0002"));
        // Each served prediction with a prop line carries P(over) from the version's calibration;
        // the baseline's do not. Predictions well above their line are mostly over, and below, under.
        const char* withLine = "SELECT count(*) FROM player_prop_predictions WHERE game_date = '2024-01-26'"
                               " AND model_kind = 'xgboost' AND prop_line IS NOT NULL";
        QVERIFY(count(db, withLine) > 10);
        QCOMPARE(count(db, (std::string(withLine) + " AND (p_over IS NULL OR p_over <= 0 OR p_over >= 1)").c_str()),
                 int64_t(0));
        QCOMPARE(count(db, "SELECT count(*) FROM player_prop_predictions WHERE model_kind = 'baseline' AND p_over IS NOT NULL"),
                 int64_t(0));
        QCOMPARE(count(db, "SELECT count(*) FROM player_prop_predictions WHERE prop_line IS NULL AND p_over IS NOT NULL"),
                 int64_t(0));
        QCOMPARE(count(db, "SELECT count(*) FROM player_prop_predictions WHERE model_kind = 'xgboost' AND"
                           " ((predicted_pts > prop_line + 2 AND p_over < 0.5) OR (predicted_pts < prop_line - 2 AND p_over > 0.5))"),
                 int64_t(0));
        QCOMPARE(count(db, "SELECT count(*) FROM prediction_grades g JOIN player_prop_predictions p USING (game_date,"
                           " player_id, model_version) WHERE g.game_date = '2024-01-26' AND g.p_over IS NOT p.p_over"),
                 int64_t(0));
        int published = 0;
        for (const auto& pred : doc["predictions"])
            if (pred["p_over"].is_number()) {
                QVERIFY(pred["prop_line"].is_number());
                ++published;
            }
        QVERIFY(published > 10);

        // A canary of another version: 10% of games by the stable hash, then 50%, then 100%
        // and champion, judged on 40 graded player-games per model and stage.
        const auto r = model::startRollout(reg, db, "m0005", "canary", 0.1, 1.5, "tester", 40);
        QCOMPARE(r.share, 0.1);
        QVERIFY_THROWS_EXCEPTION(OpsError, model::startRollout(reg, db, "m0004", "ab", 0.1, 1.1, "tester", 40));
        runDay(Date::ymd(2024, 1, 27));
        auto games = db.prepare("SELECT game_id, min(model_version), max(model_version) FROM player_prop_predictions"
                                " WHERE game_date = '2024-01-27' AND model_kind = 'xgboost' GROUP BY game_id");
        int challengerGames = 0, allGames = 0;
        while (games.step()) {
            QCOMPARE(games.getText(1), games.getText(2)); // one model per game
            const bool challenger = games.getText(1) == "m0005";
            QCOMPARE(challenger, model::abBucket(games.getText(0)) < 10);
            challengerGames += challenger;
            ++allGames;
        }
        QVERIFY(allGames > 3);
        for (Date d = Date::ymd(2024, 1, 28); d <= Date::ymd(2024, 2, 20) && model::activeRollout(db); d = d.addDays(1))
            runDay(d);
        QVERIFY(!dayFailed);
        QVERIFY2(!model::activeRollout(db), "the canary neither finished nor rolled back");
        QCOMPARE(*reg.alias("champion"), std::string("m0005"));
        QCOMPARE(count(db, "SELECT count(*) FROM audit_log WHERE action = 'model.rollout.stage'"), int64_t(2));
        QCOMPARE(count(db, "SELECT count(*) FROM audit_log WHERE action = 'model.promote.canary'"), int64_t(1));
        QVERIFY(!reg.alias("challenger"));

        // A weak challenger (two trees) in an A/B split is rolled back automatically.
        model::startRollout(reg, db, "m0004", "ab", 0.5, 1.05, "tester", 40);
        for (Date d = Date::ymd(2024, 2, 21); d <= Date::ymd(2024, 3, 10) && model::activeRollout(db); d = d.addDays(1))
            runDay(d);
        QVERIFY(!dayFailed);
        QVERIFY(!model::activeRollout(db));
        QCOMPARE(count(db, "SELECT count(*) FROM model_rollout WHERE challenger = 'm0004' AND status = 'rolled_back'"), int64_t(1));
        QCOMPARE(*reg.alias("champion"), std::string("m0005"));
        QVERIFY(!reg.alias("challenger"));

        // The retraining triggers are evaluated with their reasons.
        auto last = db.prepare("SELECT max(game_date) FROM prediction_grades");
        QVERIFY(last.step());
        const auto triggers = model::retrainTriggers(db, *Date::parse(last.getText(0)));
        QCOMPARE(triggers.size(), size_t(3));
        for (const auto& t : triggers)
            QVERIFY2(!t.detail.empty(), t.name.c_str());
        QCOMPARE(triggers[1].name, std::string("live_mae"));
        QVERIFY2(triggers[1].detail.find("live MAE") != std::string::npos, triggers[1].detail.c_str());
    }
};

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
