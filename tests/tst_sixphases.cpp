// The local pipeline through all six phases over consecutive days.
#include "features/features.h"
#include "features/build.h"
#include "pipeline/runner.h"
#include "store/database.h"
#include "store/objectstore.h"
#include "testutil.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using namespace nbaops;

namespace {

int64_t count(store::Database& db, const std::string& sql, const std::string& date = {})
{
    auto st = db.prepare(sql);
    if (!date.empty())
        st.bindAll(date);
    st.step();
    return st.getInt(0);
}

std::string featureColumns()
{
    std::string cols = "player_id, game_id, team_id, opponent_team_id, season, null_count";
    for (const auto& n : features::kNames)
        cols += ", f_" + std::string(n);
    return cols + ", f_fatigue_score, f_pace_factor, f_matchup_factor";
}

void runDays(test::SessionFixture& f, Date from, Date to)
{
    for (Date d = from; d <= to; d = d.addDays(1))
        QCOMPARE(f.session->runner().runDate(d).realFailures(), 0);
}

} // namespace

class TestSixPhases : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyPhaseProducesItsTables()
    {
        test::SessionFixture f;
        f.start();
        runDays(f, Date::ymd(2024, 1, 3), Date::ymd(2024, 1, 10));
        auto& db = f.session->db();
        const std::string d = "2024-01-10";
        const int64_t games = count(db, "SELECT count(*) FROM raw_nbac_schedule WHERE game_date = ?", d);
        QCOMPARE(count(db, "SELECT count(*) FROM team_offense_game_summary WHERE game_date = ?", d), 2 * games);
        QCOMPARE(count(db, "SELECT count(*) FROM team_defense_game_summary WHERE game_date = ?", d), 2 * games);
        QCOMPARE(count(db, "SELECT count(*) FROM team_offense_game_summary WHERE game_date = ? AND"
                           " (pace < 75 OR pace > 125 OR off_rating < 60 OR off_rating > 160)", d), int64_t(0));
        // Team offence points equal the sum of its players' points.
        QCOMPARE(count(db, "SELECT count(*) FROM team_offense_game_summary o WHERE game_date = ? AND o.pts <>"
                           " (SELECT sum(pts) FROM player_game_summary p WHERE p.game_id = o.game_id AND p.team_id = o.team_id)", d),
                 int64_t(0));
        const int64_t featureRows = count(db, "SELECT count(*) FROM ml_feature_store WHERE game_date = ?", d);
        QVERIFY2(featureRows >= games * 20, qPrintable(QString::number(featureRows)));
        QCOMPARE(count(db, "SELECT count(*) FROM feature_quality WHERE game_date = ?", d), int64_t(features::kCount));
        QVERIFY(features::kCount >= 28);
        QCOMPARE(count(db, "SELECT count(*) FROM player_composite_factors WHERE game_date = ?", d), featureRows);
        const int64_t preds = count(db, "SELECT count(*) FROM player_prop_predictions WHERE game_date = ? AND model_kind = 'baseline'", d);
        QVERIFY(preds > games * 15);
        QCOMPARE(count(db, "SELECT count(*) FROM prediction_grades WHERE game_date = ?", d), preds);
        auto mae = db.prepare("SELECT avg(abs_error) FROM prediction_grades WHERE game_date = ? AND played = 1");
        mae.bindAll(d);
        QVERIFY(mae.step());
        QVERIFY2(mae.getDouble(0) > 2 && mae.getDouble(0) < 9, qPrintable(QString::number(mae.getDouble(0))));
        const auto doc = nlohmann::json::parse(f.session->context().objects.read("publish/predictions/2024-01-10.json"));
        QCOMPARE(int64_t(doc["predictions"].size()), preds);
        QCOMPARE(doc["model"]["kind"].get<std::string>(), std::string("baseline"));
        QVERIFY(doc["graded"]["mae"].get<double>() > 0.0);
        QVERIFY(count(db, "SELECT count(*) FROM published_documents WHERE kind = 'player' AND game_date = ?", d) > games * 15);
    }

    void featuresUseOnlyEarlierGames()
    {
        test::SessionFixture f;
        f.start();
        runDays(f, Date::ymd(2024, 1, 3), Date::ymd(2024, 1, 8));
        auto& db = f.session->db();
        const std::string sql = "SELECT " + featureColumns() + " FROM ml_feature_store WHERE game_date = '2024-01-08' ORDER BY player_id";
        const auto before = test::tableChecksum(db, sql);
        QVERIFY(count(db, "SELECT count(*) FROM ml_feature_store WHERE game_date = '2024-01-08'") > 0);
        // Later games arrive; the features of 2024-01-08 are rebuilt (forced: their own inputs did
        // not change) and must not move.
        runDays(f, Date::ymd(2024, 1, 9), Date::ymd(2024, 1, 12));
        pipeline::SessionOptions so;
        so.force = true;
        f.start(so);
        const auto store = f.session->runner().runOne("ml_feature_store", Date::ymd(2024, 1, 8));
        QCOMPARE(test::str(store.outcome.category), test::str(pipeline::Category::Success));
        QVERIFY(!store.skipped);
        QCOMPARE(test::str(f.session->runner().runOne("player_composite_factors", Date::ymd(2024, 1, 8)).outcome.category),
                 test::str(pipeline::Category::Success));
        QCOMPARE(test::tableChecksum(f.session->db(), sql), before);
    }

    void availabilityComesFromTheAnnouncedRosterOnly()
    {
        // The date's own box score gives the announced roster (who is ruled out, who starts);
        // its numbers never reach a feature of the date.
        test::SessionFixture f;
        pipeline::SessionOptions so;
        so.force = true;
        f.start(so);
        runDays(f, Date::ymd(2024, 1, 3), Date::ymd(2024, 1, 8));
        auto& db = f.session->db();
        const std::string sql = "SELECT " + featureColumns() + " FROM ml_feature_store WHERE game_date = '2024-01-08' ORDER BY player_id";
        const auto rebuild = [&] {
            QCOMPARE(test::str(f.session->runner().runOne("ml_feature_store", Date::ymd(2024, 1, 8)).outcome.category),
                     test::str(pipeline::Category::Success));
        };
        const auto before = test::tableChecksum(db, sql);
        QVERIFY(count(db, "SELECT count(*) FROM ml_feature_store WHERE game_date = '2024-01-08' AND f_starter = 1") >= 5);
        db.exec("UPDATE player_game_summary SET pts = pts + 17, minutes = minutes / 2, fga = fga + 3, fta = 0,"
                " usage_rate = 0.5, team_pts = team_pts + 40 WHERE game_date = '2024-01-08'");
        rebuild();
        QCOMPARE(test::tableChecksum(db, sql), before);

        // A starter with a season behind him is ruled out: he has no row, and his teammates
        // count him out with his usual points.
        auto pick = db.prepare("SELECT f.player_id, f.team_id, f.f_pts_season, f.f_teammates_out, f.f_teammates_out_pts"
                               " FROM ml_feature_store f WHERE f.game_date = '2024-01-08' AND f.f_starter = 1"
                               " AND f.f_games_played_season >= 3 ORDER BY f.f_pts_season DESC LIMIT 1");
        QVERIFY(pick.step());
        const int64_t star = pick.getInt(0), team = pick.getInt(1);
        const double usual = pick.getDouble(2), outBefore = pick.getDouble(3), ptsBefore = pick.getDouble(4);
        db.prepare("UPDATE player_game_summary SET dnp_reason = 'DND - Injury/Illness', played = 0"
                   " WHERE game_date = '2024-01-08' AND player_id = ?").bindAll(star).run();
        rebuild();
        QCOMPARE(count(db, "SELECT count(*) FROM ml_feature_store WHERE game_date = '2024-01-08' AND player_id = " +
                               std::to_string(star)), int64_t(0));
        auto mate = db.prepare("SELECT min(f_teammates_out), max(f_teammates_out), min(f_teammates_out_pts)"
                               " FROM ml_feature_store WHERE game_date = '2024-01-08' AND team_id = ?");
        mate.bindAll(team);
        QVERIFY(mate.step());
        QCOMPARE(mate.getDouble(0), outBefore + 1);
        QCOMPARE(mate.getDouble(1), outBefore + 1);
        QVERIFY(std::abs(mate.getDouble(2) - (ptsBefore + usual)) < 1e-9);
        // A coach's decision is only known after the game: it changes nothing.
        db.prepare("UPDATE player_game_summary SET dnp_reason = 'DNP - Coach''s Decision'"
                   " WHERE game_date = '2024-01-08' AND player_id = ?").bindAll(star).run();
        rebuild();
        QCOMPARE(count(db, "SELECT count(*) FROM ml_feature_store WHERE game_date = '2024-01-08' AND player_id = " +
                               std::to_string(star)), int64_t(1));
        QVERIFY(features::outBeforeTipoff("DND - Injury/Illness"));
        QVERIFY(features::outBeforeTipoff("NWT - Not With Team"));
        QVERIFY(features::outBeforeTipoff("DNP - Injury/Illness"));
        QVERIFY(features::outBeforeTipoff("DND_LEAGUE_SUSPENSION"));
        QVERIFY(!features::outBeforeTipoff("DNP - Coach's Decision"));
        QVERIFY(!features::outBeforeTipoff(""));
    }

    void theHistoryCacheMatchesAFreshRead()
    {
        // Features built date after date from the cache (and an earlier date again from a cache
        // that holds later games) equal those a new session builds from one read.
        test::SessionFixture f;
        pipeline::SessionOptions so;
        so.http = test::fastHttp();
        so.force = true;
        f.start(so);
        runDays(f, Date::ymd(2024, 1, 3), Date::ymd(2024, 1, 12));
        const auto sqlFor = [](const char* d) {
            return "SELECT " + featureColumns() + " FROM ml_feature_store WHERE game_date = '" + d + "' ORDER BY player_id";
        };
        QVERIFY(f.session->runner().runOne("ml_feature_store", Date::ymd(2024, 1, 8)).outcome.category ==
                pipeline::Category::Success);
        const auto late = test::tableChecksum(f.session->db(), sqlFor("2024-01-12"));
        const auto early = test::tableChecksum(f.session->db(), sqlFor("2024-01-08"));
        f.start(so); // a new session: an empty cache
        for (const auto d : {Date::ymd(2024, 1, 12), Date::ymd(2024, 1, 8)})
            QVERIFY(f.session->runner().runOne("ml_feature_store", d).outcome.category == pipeline::Category::Success);
        QCOMPARE(test::tableChecksum(f.session->db(), sqlFor("2024-01-12")), late);
        QCOMPARE(test::tableChecksum(f.session->db(), sqlFor("2024-01-08")), early);

        // A rerun of a date the cache holds makes it read everything again.
        features::HistoryCache cache;
        auto& db = f.session->db();
        cache.update(db, Date::ymd(2024, 1, 10));
        cache.update(db, Date::ymd(2024, 1, 12));
        QCOMPARE(cache.loads(), int64_t(1));
        QVERIFY(f.session->runner().runOne("player_game_summary", Date::ymd(2024, 1, 5)).outcome.category ==
                pipeline::Category::Success);
        cache.update(db, Date::ymd(2024, 1, 12));
        QCOMPARE(cache.loads(), int64_t(2));
    }

    void rerunningEveryPhaseChangesNothing()
    {
        test::SessionFixture f;
        f.start();
        runDays(f, Date::ymd(2024, 1, 6), Date::ymd(2024, 1, 8));
        auto& db = f.session->db();
        const std::vector<std::string> queries = {
            "SELECT game_id, team_id, pts, possessions, pace, off_rating, rest_days FROM team_offense_game_summary ORDER BY 1, 2",
            "SELECT game_id, team_id, def_rating, dreb_rate FROM team_defense_game_summary ORDER BY 1, 2",
            "SELECT game_date, " + featureColumns() + " FROM ml_feature_store ORDER BY game_date, player_id",
            "SELECT game_date, player_id, predicted_pts FROM player_prop_predictions ORDER BY 1, 2",
            "SELECT game_date, player_id, abs_error FROM prediction_grades ORDER BY 1, 2",
            "SELECT path, sha256, published_at FROM published_documents ORDER BY 1",
        };
        std::vector<std::string> before;
        for (const auto& q : queries)
            before.push_back(test::tableChecksum(db, q));
        runDays(f, Date::ymd(2024, 1, 8), Date::ymd(2024, 1, 8));
        for (size_t i = 0; i < queries.size(); ++i)
            QVERIFY2(test::tableChecksum(db, queries[i]) == before[i], queries[i].c_str()); // published_at too: nothing rewritten
    }

    void predictingTodayNeedsOnlyEarlierGames()
    {
        test::SessionFixture f;
        f.start();
        runDays(f, Date::ymd(2024, 1, 5), Date::ymd(2024, 1, 9));
        // The clock's today: games scheduled, none final yet.
        const Date today = Date::ymd(2024, 1, 10);
        f.clock.set(easternTime(today, 11, 0));
        const auto res = f.session->runner().runDate(today);
        QCOMPARE(res.realFailures(), 0);
        auto& db = f.session->db();
        QCOMPARE(count(db, "SELECT count(*) FROM player_game_summary WHERE game_date = '2024-01-10'"), int64_t(0));
        QVERIFY(count(db, "SELECT count(*) FROM player_prop_predictions WHERE game_date = '2024-01-10'") > 0);
        QCOMPARE(count(db, "SELECT count(*) FROM prediction_grades WHERE game_date = '2024-01-10'"), int64_t(0));
        QVERIFY(QFile::exists(QString::fromStdString((f.session->context().objects.root() / "publish/predictions/2024-01-10.json").string())));
    }

    void aRunOverManyDatesPublishesEachPageOnce()
    {
        test::SessionFixture f;
        pipeline::SessionOptions so;
        so.http = test::fastHttp();
        so.deferPublishing = true;
        f.start(so);
        runDays(f, Date::ymd(2024, 1, 6), Date::ymd(2024, 1, 9));
        auto& db = f.session->db();
        const auto root = f.session->context().objects.root();
        // Queued with the runs, nothing written yet; each path once, at its latest date.
        const int64_t queued = count(db, "SELECT count(*) FROM publish_queue");
        QVERIFY(queued > 100);
        QCOMPARE(count(db, "SELECT count(*) FROM published_documents"), int64_t(0));
        QVERIFY(!std::filesystem::exists(root / "publish"));
        const int64_t predictionDays = count(db, "SELECT count(DISTINCT game_date) FROM player_prop_predictions");
        QVERIFY(predictionDays >= 3);
        QCOMPARE(count(db, "SELECT count(*) FROM publish_queue WHERE kind = 'predictions'"), predictionDays);
        QCOMPARE(f.session->flushPublished(), int(queued));
        QCOMPARE(count(db, "SELECT count(*) FROM publish_queue"), int64_t(0));
        QCOMPARE(count(db, "SELECT count(*) FROM published_documents"), queued);
        // A page says the latest date its player played, as the database does.
        auto st = db.prepare("SELECT d.path, d.player_id, d.game_date, (SELECT max(game_date) FROM player_game_summary g"
                             " WHERE g.player_id = d.player_id AND g.played = 1) FROM published_documents d WHERE kind = 'player'");
        int pages = 0;
        while (st.step()) {
            QCOMPARE(st.getText(2), st.getText(3));
            const auto doc = nlohmann::json::parse(f.session->context().objects.read(st.getText(0)));
            QCOMPARE(doc["as_of"].get<std::string>(), st.getText(2));
            ++pages;
        }
        QCOMPARE(int64_t(pages), queued - predictionDays);
        // A backfill of an earlier date leaves the later pages alone.
        QVERIFY(f.session->runner().runOne("publish_player_pages", Date::ymd(2024, 1, 6)).outcome.category ==
                pipeline::Category::Success);
        QCOMPARE(count(db, "SELECT count(*) FROM publish_queue"), int64_t(0));
        QCOMPARE(count(db, "SELECT count(*) FROM published_documents WHERE kind = 'player' AND game_date = '2024-01-06'"),
                 count(db, "SELECT count(*) FROM (SELECT player_id FROM player_game_summary WHERE played = 1"
                           " GROUP BY player_id HAVING max(game_date) = '2024-01-06')"));
    }

    void aCrashedRunsQueueIsPublishedByTheNextSession()
    {
        test::SessionFixture f;
        pipeline::SessionOptions so;
        so.http = test::fastHttp();
        so.deferPublishing = true;
        f.start(so);
        runDays(f, Date::ymd(2024, 1, 8), Date::ymd(2024, 1, 9));
        const auto root = f.session->context().objects.root();
        {
            // As if the process died before the end of the run: the queue stays in the file.
            auto other = store::Database::open(f.dbPath());
            other.exec("CREATE TABLE kept AS SELECT * FROM publish_queue");
        }
        f.session.reset(); // ends the session: it flushes
        {
            auto db = store::Database::open(f.dbPath());
            db.exec("INSERT INTO publish_queue SELECT * FROM kept");
            db.exec("DELETE FROM published_documents");
            db.exec("DROP TABLE kept");
        }
        std::filesystem::remove_all(root / "publish");
        f.start(so); // a new session writes what the queue holds
        QCOMPARE(count(f.session->db(), "SELECT count(*) FROM publish_queue"), int64_t(0));
        QVERIFY(count(f.session->db(), "SELECT count(*) FROM published_documents") > 100);
        QVERIFY(std::filesystem::exists(root / "publish" / "predictions" / "2024-01-09.json"));
    }
};

QTEST_GUILESS_MAIN(TestSixPhases)
#include "tst_sixphases.moc"
