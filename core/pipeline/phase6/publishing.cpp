#include "processors.h"

#include "pipeline/history.h"
#include "pipeline/payloads.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "util/files.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
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
    bool lazy = false; // queued without a body: built from the database when flushed
};

// Players' pages as of a date: the season's games up to it, the last ten, and the grade of
// that date's prediction. Deterministic in the database's rows up to the date, so a page
// built later (when a queue is flushed) is the page the date would have written. The
// statements are prepared once for all the pages of a date or a flush.
class PlayerPages
{
public:
    explicit PlayerPages(store::Database& db)
        : m_who(db.prepare("SELECT player_name, team_abbr, season FROM player_game_summary WHERE player_id = ?"
                           " AND game_date = ? AND played = 1")),
          m_games(db.prepare("SELECT game_date, opponent_abbr, home, minutes, pts, played FROM player_game_summary"
                             " WHERE player_id = ? AND season = ? AND game_date <= ? ORDER BY game_date DESC")),
          // The served model's grade: a model's ('xgboost') before the baseline's.
          m_grade(db.prepare("SELECT g.predicted_pts, g.actual_pts, g.abs_error, g.model_version FROM prediction_grades g"
                             " JOIN player_prop_predictions p ON p.game_date = g.game_date AND p.player_id = g.player_id"
                             " AND p.model_version = g.model_version WHERE g.game_date = ? AND g.player_id = ?"
                             " ORDER BY p.model_kind = 'xgboost' DESC LIMIT 1"))
    {
    }

    // nullopt when the player did not play on the date.
    std::optional<std::string> page(int64_t id, Date date)
    {
        m_who.reset();
        m_who.bindAll(id, date.iso());
        if (!m_who.step())
            return std::nullopt;
        const std::string season = m_who.getText(2);
        m_games.reset();
        m_games.bindAll(id, season, date.iso());
        ojson last = ojson::array();
        int played = 0;
        double pts = 0, mins = 0;
        while (m_games.step()) {
            if (m_games.getInt(5)) {
                ++played;
                pts += double(m_games.getInt(4));
                mins += m_games.getDouble(3);
            }
            if (last.size() < 10)
                last.push_back({{"date", m_games.getText(0)}, {"opponent", m_games.getText(1)},
                                {"home", m_games.getInt(2) != 0}, {"minutes", round1(m_games.getDouble(3))},
                                {"pts", m_games.getInt(4)}});
        }
        ojson doc = {{"player_id", id}, {"name", m_who.getText(0)}, {"team", m_who.getText(1)},
                     {"season", season}, {"as_of", date.iso()},
                     {"season_averages", {{"games", played}, {"pts", played ? round1(pts / played) : 0.0},
                                          {"minutes", played ? round1(mins / played) : 0.0}}},
                     {"last_games", std::move(last)}};
        m_grade.reset();
        m_grade.bindAll(date.iso(), id);
        if (m_grade.step())
            doc["latest_prediction"] = {{"date", date.iso()}, {"predicted_pts", round1(m_grade.getDouble(0))},
                                        {"actual_pts", m_grade.getInt(1)}, {"abs_error", round1(m_grade.getDouble(2))},
                                        {"model_version", m_grade.getText(3)}};
        m_who.reset(); // no statement keeps a read snapshot open between pages
        m_games.reset();
        m_grade.reset();
        return doc.dump(1);
    }

private:
    store::Statement m_who, m_games, m_grade;
};

// Writes documents whose content changed (atomically: temp file + rename) and indexes them;
// unchanged ones are left alone, so a rerun rewrites nothing. The documents are derived from
// the database, so they are not flushed one by one: a file that a power cut left short or
// empty no longer matches its indexed size and is written again by the next run. A document
// of a later date is never replaced by an earlier date's (a backfill of November must not turn
// a player's page back to November). With deferred publishing the documents go to the queue
// (committed with the run) and flushPublished() writes each path's latest version once.
std::function<void(store::Database&)> publish(const Context& ctx, Date date, const std::shared_ptr<std::vector<Document>>& docs,
                                              const std::string& output)
{
    const std::string at = toIsoUtc(ctx.clock.now());
    return [docs, date, at, output, defer = ctx.deferPublishing, root = ctx.objects.root(),
            runId = ctx.runId](store::Database& db) {
        auto get = db.prepare("SELECT sha256, bytes, game_date FROM published_documents WHERE path = ?");
        auto queued = db.prepare("SELECT game_date FROM publish_queue WHERE path = ?");
        auto enqueue = db.prepare("INSERT OR REPLACE INTO publish_queue(path, kind, game_date, player_id, body, sha256,"
                                  " queued_at, run_id) VALUES (?,?,?,?,?,?,?,?)");
        auto dequeue = db.prepare("DELETE FROM publish_queue WHERE path = ?");
        auto put = db.prepare("INSERT INTO published_documents(path, kind, game_date, player_id, bytes, sha256,"
                              " published_at, run_id) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(path) DO UPDATE SET"
                              " game_date = excluded.game_date, bytes = excluded.bytes, sha256 = excluded.sha256,"
                              " published_at = excluded.published_at, run_id = excluded.run_id");
        for (const auto& d : *docs) {
            queued.reset();
            queued.bindAll(d.path);
            if (queued.step() && queued.getText(0) > date.iso())
                continue; // a later date's version waits in the queue
            if (d.lazy) {
                get.reset();
                get.bindAll(d.path);
                std::error_code ec;
                if (get.step() && get.getText(2) > date.iso() && std::filesystem::exists(root / d.path, ec))
                    continue; // a later date's document stays
                enqueue.reset();
                enqueue.bindAll(d.path, d.kind, date.iso(), d.playerId, std::string(), std::string(), at, runId);
                enqueue.run();
                continue;
            }
            const std::string sha = sha256Hex(d.body);
            get.reset();
            get.bindAll(d.path);
            std::error_code ec;
            const bool known = get.step();
            const bool same = known && get.getText(0) == sha &&
                              std::filesystem::file_size(root / d.path, ec) == uintmax_t(get.getInt(1)) && !ec;
            if (!same && known && get.getText(2) > date.iso() && std::filesystem::exists(root / d.path, ec))
                continue; // a later date's document stays
            if (same) {
                dequeue.reset();
                dequeue.bindAll(d.path);
                dequeue.run();
                continue;
            }
            if (defer) {
                enqueue.reset();
                enqueue.bindAll(d.path, d.kind, date.iso(), d.playerId, d.body, sha, at, runId);
                enqueue.run();
                continue;
            }
            writeFileAtomically(root / d.path, d.body, /*durable=*/false);
            dequeue.reset();
            dequeue.bindAll(d.path);
            dequeue.run();
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
        " p.prop_line, p.recommendation, p.model_version, p.model_kind, g.actual_pts, g.abs_error, p.p_over"
        " FROM player_prop_predictions p LEFT JOIN prediction_grades g ON g.game_date = p.game_date"
        "   AND g.player_id = p.player_id AND g.model_version = p.model_version"
        " WHERE p.game_date = ? AND p.model_kind = (SELECT CASE WHEN EXISTS (SELECT 1 FROM player_prop_predictions"
        "   WHERE game_date = p.game_date AND model_kind = 'xgboost') THEN 'xgboost' ELSE 'baseline' END)"
        " ORDER BY p.game_id, p.predicted_pts DESC, p.player_id");
    st.bindAll(date.iso());
    std::map<std::string, int> versions; // the served model, or champion and challenger in a rollout
    double errSum = 0;
    int graded = 0;
    std::string kind;
    while (st.step()) {
        ojson p = {{"player_id", st.getInt(0)}, {"player_name", st.getText(1)}, {"team_id", st.getInt(2)},
                   {"opponent_team_id", st.getInt(3)}, {"game_id", st.getText(4)},
                   {"predicted_pts", round1(st.getDouble(5))},
                   {"prop_line", st.isNull(6) ? ojson(nullptr) : ojson(st.getDouble(6))},
                   {"recommendation", st.isNull(7) ? ojson(nullptr) : ojson(st.getText(7))},
                   {"p_over", st.isNull(12) ? ojson(nullptr) : ojson(std::round(st.getDouble(12) * 1000) / 1000)}};
        if (!st.isNull(10)) {
            p["actual_pts"] = st.getInt(10);
            errSum += st.getDouble(11);
            ++graded;
        }
        version = st.getText(8);
        ++versions[version];
        p["model_version"] = version;
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
    std::string mostGames = version;
    for (const auto& [v, n] : versions)
        if (n > versions[mostGames])
            mostGames = v;
    doc["model"] = {{"version", mostGames}, {"kind", kind}, {"versions", versions}};
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
    // The date's players (by the date index; sorted here, an ORDER BY would make SQLite walk
    // the whole player index instead). A run over many dates queues the pages and builds each
    // player's once, for his latest date, when it flushes.
    std::vector<int64_t> players;
    {
        auto st = ctx.db.prepare("SELECT player_id FROM player_game_summary WHERE game_date = ? AND played = 1");
        st.bindAll(date.iso());
        while (st.step())
            players.push_back(st.getInt(0));
        std::sort(players.begin(), players.end());
    }
    PlayerPages pages(ctx.db);
    for (const int64_t id : players) {
        Document d{"publish/players/" + std::to_string(id) + ".json", "player", id, {}, ctx.deferPublishing};
        if (!d.lazy)
            d.body = pages.page(id, date).value_or(std::string());
        docs->push_back(std::move(d));
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

int flushPublished(store::Database& db, const std::filesystem::path& dataRoot)
{
    struct Queued
    {
        std::string path, kind, gameDate, body, sha, queuedAt, runId;
        std::optional<int64_t> playerId;
    };
    std::vector<Queued> queue;
    {
        auto st = db.prepare("SELECT path, kind, game_date, player_id, body, sha256, queued_at, run_id FROM publish_queue");
        while (st.step())
            queue.push_back({st.getText(0), st.getText(1), st.getText(2), st.getText(4), st.getText(5), st.getText(6),
                             st.getText(7), st.getOptInt(3)});
    }
    if (queue.empty())
        return 0;
    // Pages queued without a body are built now, as of their date; one unchanged since it was
    // last written is not written again.
    std::vector<Queued> unchanged;
    {
        PlayerPages pages(db);
        auto get = db.prepare("SELECT sha256, bytes FROM published_documents WHERE path = ?");
        for (auto it = queue.begin(); it != queue.end();) {
            if (it->body.empty() && it->playerId) {
                const auto date = Date::parse(it->gameDate);
                it->body = date ? pages.page(*it->playerId, *date).value_or(std::string()) : std::string();
                it->sha = sha256Hex(it->body);
                get.reset();
                get.bindAll(it->path);
                std::error_code ec;
                if (it->body.empty() ||
                    (get.step() && get.getText(0) == it->sha &&
                     std::filesystem::file_size(dataRoot / it->path, ec) == uintmax_t(get.getInt(1)) && !ec)) {
                    unchanged.push_back(std::move(*it));
                    it = queue.erase(it);
                    continue;
                }
            }
            ++it;
        }
    }
    for (const auto& q : queue)
        writeFileAtomically(dataRoot / q.path, q.body, /*durable=*/false);
    store::Transaction tx(db);
    auto put = db.prepare("INSERT INTO published_documents(path, kind, game_date, player_id, bytes, sha256,"
                          " published_at, run_id) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(path) DO UPDATE SET"
                          " game_date = excluded.game_date, bytes = excluded.bytes, sha256 = excluded.sha256,"
                          " published_at = excluded.published_at, run_id = excluded.run_id");
    auto del = db.prepare("DELETE FROM publish_queue WHERE path = ? AND game_date = ?");
    for (const auto& q : unchanged) {
        del.reset();
        del.bindAll(q.path, q.gameDate);
        del.run();
    }
    for (const auto& q : queue) {
        put.reset();
        put.bindAll(q.path, q.kind, q.gameDate, q.playerId, int64_t(q.body.size()), q.sha, q.queuedAt, q.runId);
        put.run();
        del.reset();
        del.bindAll(q.path, q.gameDate);
        del.run();
    }
    tx.commit();
    return int(queue.size());
}

} // namespace nbaops::pipeline
