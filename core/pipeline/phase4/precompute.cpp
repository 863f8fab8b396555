#include "processors.h"

#include "pipeline/history.h"
#include "store/database.h"

#include <memory>

namespace nbaops::pipeline {

namespace {

// No games, or nobody with earlier games to build features from: nothing to write.
std::optional<Work> nothingToDo(const features::FeatureBatch& batch, Date date)
{
    if (batch.games > 0 && !batch.rows.empty())
        return std::nullopt;
    Work w;
    w.outcome.category = Category::NoDataAvailable;
    w.outcome.recordsIn = batch.historyRows;
    w.outcome.error = batch.games == 0 ? "no games scheduled on " + date.iso()
                                       : "no rostered player with earlier games for the " +
                                             std::to_string(batch.games) + " game(s) of " + date.iso() +
                                             " (load earlier dates first)";
    return w;
}

} // namespace

Work CompositeFactors::run(Context& ctx, Date date)
{
    // From the date's stored feature rows: the features are built once, by ml_feature_store.
    struct Row
    {
        int64_t player, team, opp;
        std::string game;
        features::Composite c;
    };
    auto rows = std::make_shared<std::vector<Row>>();
    auto st = ctx.db.prepare(
        "SELECT player_id, team_id, opponent_team_id, game_id, f_pace_factor, f_matchup_factor, f_minutes_last7d,"
        " f_back_to_back, f_usage_last5, f_usage_season, f_pts_last5, f_pts_season FROM ml_feature_store"
        " WHERE game_date = ? ORDER BY player_id");
    st.bindAll(date.iso());
    const char* names[] = {"minutes_last7d", "back_to_back", "usage_last5", "usage_season", "pts_last5", "pts_season"};
    while (st.step()) {
        features::Vector v{};
        for (int i = 0; i < 6; ++i)
            v[*features::indexOf(names[i])] = st.getOptDouble(6 + i);
        Row r{st.getInt(0), st.getInt(1), st.getInt(2), st.getText(3), features::composite(v, std::nullopt, std::nullopt)};
        r.c.pace = st.getOptDouble(4);
        r.c.matchup = st.getOptDouble(5);
        rows->push_back(std::move(r));
    }
    Work w;
    w.outcome.recordsIn = int64_t(rows->size());
    w.outcome.recordsOut = int64_t(rows->size());
    if (rows->empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no feature rows for " + date.iso();
        return w;
    }
    const std::string at = toIsoUtc(ctx.clock.now());
    w.write = [rows, date, at, runId = ctx.runId](store::Database& db) {
        db.prepare("DELETE FROM player_composite_factors WHERE game_date = ?").bindAll(date.iso()).run();
        auto ins = db.prepare("INSERT INTO player_composite_factors(game_date, player_id, game_id, team_id,"
                              " opponent_team_id, fatigue_score, pace_factor, matchup_factor, usage_trend,"
                              " form_factor, run_id, processed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
        for (const auto& r : *rows) {
            ins.bindAll(date.iso(), r.player, r.game, r.team, r.opp, r.c.fatigue, r.c.pace, r.c.matchup,
                        r.c.usageTrend, r.c.form, runId, at);
            ins.run();
            ins.reset();
        }
        touchFreshness(db, "player_composite_factors", date, int64_t(rows->size()), at);
    };
    return w;
}

Work FeatureStore::run(Context& ctx, Date date)
{
    std::shared_ptr<features::FeatureBatch> batch;
    {
        std::lock_guard lock(m_mutex);
        batch = std::make_shared<features::FeatureBatch>(features::buildFeatures(ctx.db, date, &m_history));
    }
    if (auto none = nothingToDo(*batch, date))
        return *none;
    Work w;
    w.outcome.recordsIn = batch->historyRows;
    w.outcome.recordsOut = int64_t(batch->rows.size());
    const std::string at = toIsoUtc(ctx.clock.now());
    w.write = [batch, date, at, runId = ctx.runId](store::Database& db) {
        const std::string iso = date.iso();
        db.prepare("DELETE FROM ml_feature_store WHERE game_date = ?").bindAll(iso).run();
        db.prepare("DELETE FROM feature_quality WHERE game_date = ?").bindAll(iso).run();
        std::string sql = "INSERT INTO ml_feature_store(game_date, player_id, game_id, team_id, opponent_team_id,"
                          " season, feature_version";
        std::string marks = "?,?,?,?,?,?,?";
        for (const auto& n : features::kNames) {
            sql += ", f_" + std::string(n);
            marks += ",?";
        }
        sql += ", f_fatigue_score, f_pace_factor, f_matchup_factor, null_count, run_id, processed_at) VALUES (" +
               marks + ",?,?,?,?,?,?)";
        auto ins = db.prepare(sql);
        std::array<int, features::kCount> nulls{};
        for (const auto& r : batch->rows) {
            int col = 0;
            ins.bind(++col, iso);
            ins.bind(++col, r.target.playerId);
            ins.bind(++col, r.gameId);
            ins.bind(++col, r.target.teamId);
            ins.bind(++col, r.target.opponentId);
            ins.bind(++col, r.target.season);
            ins.bind(++col, int64_t(features::kVersion));
            int64_t nullCount = 0;
            for (size_t i = 0; i < features::kCount; ++i) {
                ins.bind(++col, r.values[i]);
                if (!r.values[i]) {
                    ++nulls[i];
                    ++nullCount;
                }
            }
            ins.bind(++col, r.composite.fatigue);
            ins.bind(++col, r.composite.pace);
            ins.bind(++col, r.composite.matchup);
            ins.bind(++col, nullCount);
            ins.bind(++col, runId);
            ins.bind(++col, at);
            ins.run();
            ins.reset();
        }
        auto q = db.prepare("INSERT INTO feature_quality(game_date, feature, rows, nulls) VALUES (?,?,?,?)");
        for (size_t i = 0; i < features::kCount; ++i) {
            q.bindAll(iso, std::string(features::kNames[i]), int64_t(batch->rows.size()), int64_t(nulls[i]));
            q.run();
            q.reset();
        }
        touchFreshness(db, "ml_feature_store", date, int64_t(batch->rows.size()), at);
    };
    return w;
}

} // namespace nbaops::pipeline
