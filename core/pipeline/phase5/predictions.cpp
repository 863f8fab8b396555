#include "processors.h"

#include "pipeline/history.h"
#include "pipeline/payloads.h"
#include "model/calibration.h"
#include "model/versions.h"
#include "model/serving.h"
#include "model/train.h"
#include "sources/teams.h"
#include "store/database.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

namespace nbaops::pipeline {

namespace {

struct Pred
{
    int64_t player, team, opp;
    std::string game;
    double pts;
    std::string version;
    bool xgboost = false;
    std::optional<double> line;
    std::optional<std::string> call;
    std::optional<double> edge;
    std::string minutes; // the minutes bucket, for P(over)
    std::shared_ptr<const model::Calibration> calibration;
    std::optional<double> pOver;
};
using Preds = std::shared_ptr<std::vector<Pred>>;

// A feature row's teams and matchup factor, beside its Example.
struct Key
{
    int64_t team, opp;
    std::optional<double> matchup;
};

// The date's feature rows, every feature (the served model reads them in its own order).
void readFeatureRows(store::Database& db, Date date, std::vector<model::Example>& rows, std::vector<Key>& keys)
{
    std::string sql = "SELECT player_id, team_id, opponent_team_id, game_id, f_matchup_factor";
    for (const auto& n : features::kNames)
        sql += ", f_" + std::string(n);
    sql += " FROM ml_feature_store WHERE game_date = ? ORDER BY game_id, player_id";
    auto st = db.prepare(sql);
    st.bindAll(date.iso());
    while (st.step()) {
        model::Example e;
        e.date = date;
        e.playerId = st.getInt(0);
        e.gameId = st.getText(3);
        for (size_t i = 0; i < features::kCount; ++i)
            e.x.set(i, st.getOptDouble(int(5 + i)));
        keys.push_back({st.getInt(1), st.getInt(2), st.getOptDouble(4)});
        rows.push_back(std::move(e));
    }
}

// The baseline: a blend of the exponentially weighted, last-10 and season means, nudged by the
// opponent's defence. Players without an earlier game this season get none.
void predictBaseline(const std::vector<model::Example>& rows, const std::vector<Key>& keys, std::vector<Pred>& preds)
{
    for (size_t i = 0; i < rows.size(); ++i) {
        const auto& x = rows[i].x;
        const auto ewm = x[features::ix("pts_ewm")], last10 = x[features::ix("pts_last10")],
                   season = x[features::ix("pts_season")];
        if (!ewm || !last10 || !season)
            continue;
        const double matchup = std::clamp(keys[i].matchup.value_or(1.0), 0.85, 1.15);
        const double pts = (0.45 * *ewm + 0.35 * *last10 + 0.20 * *season) * std::sqrt(matchup);
        preds.push_back({rows[i].playerId, keys[i].team, keys[i].opp, rows[i].gameId, pts, model::kBaselineVersion,
                         false, {}, {}, {}, {}, nullptr, {}});
    }
}

// The consensus prop line (median over the bookmakers) where The Odds API has one; the call is
// OVER or UNDER when the prediction is at least a point away from it. Lines are found by
// player name as the bookmakers write it, accents and suffixes folded ("Luka Doncic" is "Luka
// Dončić"); every line of the date in one query, each player's consensus looked up once.
void attachPropLines(store::Database& db, Date date, std::vector<Pred>& preds)
{
    std::map<std::string, std::vector<double>> byName;
    auto lines = db.prepare("SELECT player_name, point FROM raw_odds_player_points WHERE game_date = ?");
    lines.bindAll(date.iso());
    while (lines.step())
        byName[sources::matchKey(lines.getText(0))].push_back(lines.getDouble(1));
    if (byName.empty())
        return;
    auto name = db.prepare("SELECT player_name FROM player_game_summary WHERE player_id = ?"
                           " ORDER BY game_date DESC LIMIT 1");
    const auto consensus = [&](int64_t player) -> std::optional<double> {
        name.reset();
        name.bindAll(player);
        if (!name.step())
            return std::nullopt;
        const auto it = byName.find(sources::matchKey(name.getText(0)));
        if (it == byName.end())
            return std::nullopt;
        std::vector<double> points = it->second;
        std::sort(points.begin(), points.end());
        return points[points.size() / 2];
    };
    std::map<int64_t, std::optional<double>> lineOf;
    for (auto& p : preds) {
        auto it = lineOf.find(p.player);
        if (it == lineOf.end())
            it = lineOf.emplace(p.player, consensus(p.player)).first;
        if (!it->second)
            continue;
        p.line = it->second;
        p.edge = p.pts - *p.line;
        p.call = *p.edge >= 1.0 ? "OVER" : (*p.edge <= -1.0 ? "UNDER" : "PASS");
        if (p.calibration)
            p.pOver = p.calibration->pOver(p.minutes, p.pts, *p.line);
    }
}

// The date's predictions replace the stored ones, in the transaction that records the run.
std::function<void(store::Database&)> writePredictions(const Preds& preds, Date date, const std::string& at,
                                                       const std::string& runId)
{
    return [preds, date, at, runId](store::Database& db) {
        db.prepare("DELETE FROM player_prop_predictions WHERE game_date = ?").bindAll(date.iso()).run();
        auto ins = db.prepare("INSERT INTO player_prop_predictions(game_date, player_id, model_version, game_id,"
                              " team_id, opponent_team_id, model_kind, predicted_pts, prop_line, recommendation, edge,"
                              " p_over, run_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        for (const auto& p : *preds) {
            ins.bindAll(date.iso(), p.player, p.version, p.game, p.team, p.opp, p.xgboost ? "xgboost" : "baseline",
                        p.pts, p.line, p.call, p.edge, p.pOver, runId, at);
            ins.run();
            ins.reset();
        }
        touchFreshness(db, "player_prop_predictions", date, int64_t(preds->size()), at);
    };
}

} // namespace

Predictions::Loaded Predictions::loadModel(Context& ctx, const std::string& version)
{
    std::lock_guard lock(m_mutex);
    auto it = m_models.find(version);
    if (it == m_models.end()) {
        model::ModelVersions versions(ctx.db, ctx.objects.root());
        const auto v = versions.get(version);
        std::shared_ptr<const model::Calibration> calibration;
        if (auto c = model::Calibration::fromJson(v.report.value("calibration", nlohmann::json())))
            calibration = std::make_shared<const model::Calibration>(std::move(*c));
        it = m_models.emplace(version, Loaded{versions.loadArtifact(v), v.features, std::move(calibration)}).first;
    }
    return it->second;
}

namespace {

// The champion (and a rollout's challenger on its games) for the players with a game this
// season. Returns what did not serve, and why ("" when all did).
std::string predictServed(Predictions& self, Context& ctx, const std::vector<model::Example>& rows,
                          const std::vector<Key>& keys, std::vector<Pred>& preds)
{
    const auto plan = model::servingPlan(ctx.db);
    if (!plan.champion)
        return {};
    std::map<std::string, std::vector<size_t>> byVersion;
    for (size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].x[features::ix("games_played_season")].value_or(0) < 1)
            continue; // no game this season yet: no prediction, as for the baseline
        byVersion[plan.versionFor(rows[i].gameId)].push_back(i);
    }
    std::string note;
    for (const auto& [version, idx] : byVersion) {
        try {
            const Predictions::Loaded m = self.loadModel(ctx, version);
            std::vector<const model::Example*> subset;
            subset.reserve(idx.size());
            for (size_t i : idx)
                subset.push_back(&rows[i]);
            const auto out = model::predict(m.artifact, m.features, subset);
            for (size_t k = 0; k < idx.size(); ++k) {
                const size_t i = idx[k];
                preds.push_back({rows[i].playerId, keys[i].team, keys[i].opp, rows[i].gameId,
                                 std::max(0.0, double(out[k])), version, true, {}, {}, {},
                                 model::minutesBucket(rows[i]), m.calibration, {}});
            }
        } catch (const std::exception& e) {
            note += (note.empty() ? "" : "; ") + version + " did not serve: " + e.what();
        }
    }
    return note;
}

} // namespace

Work Predictions::run(Context& ctx, Date date)
{
    Work w;
    std::vector<model::Example> rows;
    std::vector<Key> keys;
    readFeatureRows(ctx.db, date, rows, keys);
    auto preds = std::make_shared<std::vector<Pred>>();
    predictBaseline(rows, keys, *preds);
    const std::string servingNote = predictServed(*this, ctx, rows, keys, *preds);
    attachPropLines(ctx.db, date, *preds);
    const int64_t total = int64_t(rows.size());
    w.outcome.recordsIn = total;
    w.outcome.recordsOut = int64_t(preds->size());
    w.outcome.error = servingNote;
    if (total == 0) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no feature rows for " + date.iso();
        return w;
    }
    w.write = writePredictions(preds, date, toIsoUtc(ctx.clock.now()), ctx.runId);
    return w;
}

Work PredictionGrades::run(Context& ctx, Date date)
{
    Work w;
    struct Grade
    {
        int64_t player;
        std::string version, game;
        double predicted;
        int64_t actual;
        double minutes;
        bool played;
        std::optional<double> line;
        std::optional<std::string> call;
        std::optional<double> pOver;
    };
    auto grades = std::make_shared<std::vector<Grade>>();
    auto st = ctx.db.prepare(
        "SELECT p.player_id, p.model_version, p.game_id, p.predicted_pts, g.pts, g.minutes, g.played,"
        " p.prop_line, p.recommendation, p.p_over FROM player_prop_predictions p"
        " JOIN player_game_summary g ON g.game_id = p.game_id AND g.player_id = p.player_id"
        " WHERE p.game_date = ?");
    st.bindAll(date.iso());
    while (st.step())
        grades->push_back({st.getInt(0), st.getText(1), st.getText(2), st.getDouble(3), st.getInt(4),
                           st.getDouble(5), st.getInt(6) != 0, st.getOptDouble(7), st.getOptText(8),
                           st.getOptDouble(9)});
    auto n = ctx.db.prepare("SELECT count(*) FROM player_prop_predictions WHERE game_date = ?");
    n.bindAll(date.iso());
    n.step();
    w.outcome.recordsIn = n.getInt(0);
    w.outcome.recordsOut = int64_t(grades->size());
    if (grades->empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = n.getInt(0) == 0 ? "no predictions for " + date.iso()
                                           : "the games of " + date.iso() + " are not final yet";
        return w;
    }
    const std::string at = toIsoUtc(ctx.clock.now());
    w.write = [grades, date, at, runId = ctx.runId](store::Database& db) {
        db.prepare("DELETE FROM prediction_grades WHERE game_date = ?").bindAll(date.iso()).run();
        auto ins = db.prepare("INSERT INTO prediction_grades(game_date, player_id, model_version, game_id,"
                              " predicted_pts, actual_pts, minutes, played, abs_error, prop_line, recommendation,"
                              " hit, p_over, run_id, graded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        for (const auto& g : *grades) {
            std::optional<int64_t> hit;
            if (g.line && g.call && (*g.call == "OVER" || *g.call == "UNDER") && double(g.actual) != *g.line)
                hit = int64_t((*g.call == "OVER") == (double(g.actual) > *g.line));
            ins.bindAll(date.iso(), g.player, g.version, g.game, g.predicted, g.actual, g.minutes, int64_t(g.played),
                        std::abs(g.predicted - double(g.actual)), g.line, g.call, hit, g.pOver, runId, at);
            ins.run();
            ins.reset();
        }
        touchFreshness(db, "prediction_grades", date, int64_t(grades->size()), at);
        model::evaluateRollout(db); // a canary moves on or rolls back on what was just graded
    };
    return w;
}

} // namespace nbaops::pipeline
