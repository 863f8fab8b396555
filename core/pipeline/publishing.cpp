#include "publishing.h"

#include "helpers.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "util/files.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <memory>

namespace nbaops::pipeline {

using ojson = nlohmann::ordered_json;

namespace {

double round1(double x) { return std::round(x * 10.0) / 10.0; }

struct Document
{
    std::string path; // relative to the data folder
    std::string kind;
    std::optional<int64_t> playerId;
    std::string body;
};

// Writes documents whose content changed (atomically: temp file + rename) and indexes them;
// unchanged ones are left alone, so a rerun rewrites nothing. The documents are derived from
// the database, so they are not flushed one by one: a file that a power cut left short or
// empty no longer matches its indexed size and is written again by the next run.
// A document of a later date is never replaced by an earlier date's (a backfill of November
// must not turn a player's page back to November); such documents are counted in `kept`.
std::function<void(store::Database&)> publish(const Context& ctx, Date date, std::shared_ptr<std::vector<Document>> docs,
                                              const std::string& output)
{
    const std::string at = toIsoUtc(ctx.clock.now());
    return [docs, date, at, output, root = ctx.objects.root(), runId = ctx.runId](store::Database& db) {
        auto get = db.prepare("SELECT sha256, bytes, game_date FROM published_documents WHERE path = ?");
        auto put = db.prepare("INSERT INTO published_documents(path, kind, game_date, player_id, bytes, sha256,"
                              " published_at, run_id) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(path) DO UPDATE SET"
                              " game_date = excluded.game_date, bytes = excluded.bytes, sha256 = excluded.sha256,"
                              " published_at = excluded.published_at, run_id = excluded.run_id");
        for (const auto& d : *docs) {
            const std::string sha = sha256Hex(d.body);
            get.reset();
            get.bindAll(d.path);
            std::error_code ec;
            const bool known = get.step();
            if (known && get.getText(0) == sha &&
                std::filesystem::file_size(root / d.path, ec) == uintmax_t(get.getInt(1)) && !ec)
                continue;
            if (known && get.getText(2) > date.iso() && std::filesystem::exists(root / d.path, ec))
                continue; // a later date's document stays
            writeFileAtomically(root / d.path, d.body, /*durable=*/false);
            put.reset();
            put.bindAll(d.path, d.kind, date.iso(), d.playerId, int64_t(d.body.size()), sha, at, runId);
            put.run();
        }
        touchFreshness(db, output, date, int64_t(docs->size()), at);
    };
}

} // namespace

Work PublishPredictions::run(Context& ctx, Date date)
{
    Work w;
    ojson preds = ojson::array();
    std::string version;
    auto st = ctx.db.prepare(
        "SELECT p.player_id, COALESCE((SELECT player_name FROM player_game_summary s WHERE s.player_id = p.player_id"
        "   ORDER BY game_date DESC LIMIT 1), ''), p.team_id, p.opponent_team_id, p.game_id, p.predicted_pts,"
        " p.prop_line, p.recommendation, p.model_version, p.model_kind, g.actual_pts, g.abs_error"
        " FROM player_prop_predictions p LEFT JOIN prediction_grades g ON g.game_date = p.game_date"
        "   AND g.player_id = p.player_id AND g.model_version = p.model_version"
        " WHERE p.game_date = ? ORDER BY p.game_id, p.predicted_pts DESC, p.player_id");
    st.bindAll(date.iso());
    double errSum = 0;
    int graded = 0;
    std::string kind;
    while (st.step()) {
        ojson p = {{"player_id", st.getInt(0)}, {"player_name", st.getText(1)}, {"team_id", st.getInt(2)},
                   {"opponent_team_id", st.getInt(3)}, {"game_id", st.getText(4)},
                   {"predicted_pts", round1(st.getDouble(5))},
                   {"prop_line", st.isNull(6) ? ojson(nullptr) : ojson(st.getDouble(6))},
                   {"recommendation", st.isNull(7) ? ojson(nullptr) : ojson(st.getText(7))}};
        if (!st.isNull(10)) {
            p["actual_pts"] = st.getInt(10);
            errSum += st.getDouble(11);
            ++graded;
        }
        version = st.getText(8);
        kind = st.getText(9);
        preds.push_back(std::move(p));
    }
    w.outcome.recordsIn = int64_t(preds.size());
    if (preds.empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no predictions to publish for " + date.iso();
        return w;
    }
    ojson doc;
    doc["date"] = date.iso();
    doc["model"] = {{"version", version}, {"kind", kind}};
    doc["predictions"] = std::move(preds);
    doc["graded"] = graded ? ojson{{"count", graded}, {"mae", std::round(errSum / graded * 1000) / 1000}} : ojson(nullptr);
    auto docs = std::make_shared<std::vector<Document>>();
    docs->push_back({"publish/predictions/" + date.iso() + ".json", "predictions", std::nullopt, doc.dump(1)});
    w.outcome.recordsOut = 1;
    w.write = publish(ctx, date, docs, "publish/predictions/{date}.json");
    return w;
}

Work PublishPlayerPages::run(Context& ctx, Date date)
{
    Work w;
    auto docs = std::make_shared<std::vector<Document>>();
    auto players = ctx.db.prepare("SELECT player_id, player_name, team_abbr, season FROM player_game_summary"
                                  " WHERE game_date = ? AND played = 1 ORDER BY player_id");
    players.bindAll(date.iso());
    auto games = ctx.db.prepare("SELECT game_date, opponent_abbr, home, minutes, pts, played FROM player_game_summary"
                                " WHERE player_id = ? AND season = ? AND game_date <= ? ORDER BY game_date DESC");
    auto pred = ctx.db.prepare("SELECT predicted_pts, actual_pts, abs_error, model_version FROM prediction_grades"
                               " WHERE player_id = ? AND game_date = ?");
    while (players.step()) {
        const int64_t id = players.getInt(0);
        const std::string season = players.getText(3);
        games.reset();
        games.bindAll(id, season, date.iso());
        ojson last = ojson::array();
        int played = 0;
        double pts = 0, mins = 0;
        while (games.step()) {
            if (games.getInt(5)) {
                ++played;
                pts += double(games.getInt(4));
                mins += games.getDouble(3);
            }
            if (last.size() < 10)
                last.push_back({{"date", games.getText(0)}, {"opponent", games.getText(1)},
                                {"home", games.getInt(2) != 0}, {"minutes", round1(games.getDouble(3))},
                                {"pts", games.getInt(4)}});
        }
        ojson doc = {{"player_id", id}, {"name", players.getText(1)}, {"team", players.getText(2)},
                     {"season", season}, {"as_of", date.iso()},
                     {"season_averages", {{"games", played}, {"pts", played ? round1(pts / played) : 0.0},
                                          {"minutes", played ? round1(mins / played) : 0.0}}},
                     {"last_games", std::move(last)}};
        pred.reset();
        pred.bindAll(id, date.iso());
        if (pred.step())
            doc["latest_prediction"] = {{"date", date.iso()}, {"predicted_pts", round1(pred.getDouble(0))},
                                        {"actual_pts", pred.getInt(1)}, {"abs_error", round1(pred.getDouble(2))},
                                        {"model_version", pred.getText(3)}};
        docs->push_back({"publish/players/" + std::to_string(id) + ".json", "player", id, doc.dump(1)});
    }
    w.outcome.recordsIn = int64_t(docs->size());
    w.outcome.recordsOut = int64_t(docs->size());
    if (docs->empty()) {
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "nobody played on " + date.iso();
        return w;
    }
    w.write = publish(ctx, date, docs, "publish/players/{id}.json");
    return w;
}

} // namespace nbaops::pipeline
