// The first slice end to end: scrape → object store → raw tables → player_game_summary, with
// its run history.
#include "pipeline/runner.h"
#include "registry/registry.h"
#include "sim/league.h"
#include "sim/server.h"
#include "store/database.h"
#include "testutil.h"

#include <QtTest>

using namespace nbaops;
using pipeline::Category;

namespace {

const char* kPgsChecksum =
    "SELECT game_id, player_id, game_date, season, player_name, team_id, opponent_team_id, home,"
    " starter, played, dnp_reason, minutes, pts, ts_pct, usage_rate, pts_per36, team_pts, opp_pts"
    " FROM player_game_summary ORDER BY game_id, player_id";
const char* kRawChecksum =
    "SELECT game_id, player_id, minutes, pts, reb, ast FROM raw_nbac_player_boxscores ORDER BY game_id, player_id";

int64_t count(store::Database& db, const char* sql)
{
    auto st = db.prepare(sql);
    st.step();
    return st.getInt(0);
}

} // namespace

class TestPipeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void runsTheSliceForAGameDay()
    {
        test::SessionFixture f;
        f.start();
        const auto res = f.session->runner().runDate(test::gameDay());
        QCOMPARE(res.results.size(), pipeline::Runner::implementedProcessors().size());
        QCOMPARE(res.realFailures(), 0);
        for (const auto& r : res.results) {
            if (r.phase <= 3) // phases 4-6 have no earlier games to work from in a fresh database
                QVERIFY2(r.outcome.category == Category::Success, (r.processor + ": " + r.outcome.error).c_str());
        }
        auto& db = f.session->db();
        const sim::League league;
        const auto games = league.gamesOn(test::gameDay());
        QCOMPARE(count(db, "SELECT count(*) FROM raw_nbac_schedule"), int64_t(games.size()));
        QCOMPARE(count(db, "SELECT count(DISTINCT game_id) FROM player_game_summary"), int64_t(games.size()));
        QCOMPARE(count(db, "SELECT count(*) FROM player_game_summary"), int64_t(games.size() * 30));
        QCOMPARE(count(db, "SELECT count(*) FROM processor_runs WHERE status = 'running'"), int64_t(0));
        QCOMPARE(count(db, "SELECT count(*) FROM processor_runs"), int64_t(res.results.size()));

        // Derived columns match the simulated box score.
        const auto box = league.boxScore(games.front());
        const auto& pl = *std::find_if(box.home.players.begin(), box.home.players.end(),
                                       [](const auto& p) { return p.played() && p.fga > 0; });
        auto st = db.prepare("SELECT minutes, pts, ts_pct, pts_per36, team_pts, opp_pts, home, usage_rate"
                             " FROM player_game_summary WHERE game_id = ? AND player_id = ?");
        st.bindAll(games.front().id, pl.playerId);
        QVERIFY(st.step());
        const double minutes = st.getDouble(0);
        QVERIFY(std::abs(minutes - pl.seconds / 60.0) < 1e-9); // MM:SS keeps whole seconds
        QCOMPARE(st.getInt(1), int64_t(pl.pts));
        QVERIFY(std::abs(st.getDouble(2) - pl.pts / (2.0 * (pl.fga + 0.44 * pl.fta))) < 1e-9);
        QVERIFY(std::abs(st.getDouble(3) - pl.pts * 36.0 / minutes) < 1e-9);
        QCOMPARE(st.getInt(4), int64_t(box.home.pts));
        QCOMPARE(st.getInt(5), int64_t(box.away.pts));
        QCOMPARE(st.getInt(6), int64_t(1));
        QVERIFY(st.getDouble(7) > 0 && st.getDouble(7) < 60);
        // Usage shares of a team add up to about 100% x 5 players on court.
        auto usage = db.prepare("SELECT sum(usage_rate * minutes) / sum(minutes) FROM player_game_summary"
                                " WHERE game_id = ? AND team_id = ? AND played = 1");
        usage.bindAll(games.front().id, int64_t(league.teams()[size_t(games.front().home)].id));
        QVERIFY(usage.step());
        QVERIFY2(std::abs(usage.getDouble(0) - 20.0) < 0.5, qPrintable(QString::number(usage.getDouble(0))));
        // Players who did not play are kept, with zero minutes and the reason.
        QVERIFY(count(db, "SELECT count(*) FROM player_game_summary WHERE played = 0 AND dnp_reason LIKE 'DNP%'") > 0);
    }

    void rerunningADateReplacesItsRows()
    {
        test::SessionFixture f;
        f.start();
        f.session->runner().runDate(test::gameDay());
        auto& db = f.session->db();
        const auto pgs = test::tableChecksum(db, kPgsChecksum);
        const auto raw = test::tableChecksum(db, kRawChecksum);
        const auto rows = count(db, "SELECT count(*) FROM player_game_summary");
        f.session->runner().runDate(test::gameDay());
        QCOMPARE(test::tableChecksum(db, kPgsChecksum), pgs);
        QCOMPARE(test::tableChecksum(db, kRawChecksum), raw);
        QCOMPARE(count(db, "SELECT count(*) FROM player_game_summary"), rows);
        QCOMPARE(count(db, "SELECT count(*) FROM processor_runs"),
                 int64_t(2 * pipeline::Runner::implementedProcessors().size()));
        QCOMPARE(count(db, "SELECT max(attempt) FROM processor_runs"), int64_t(2));
        QCOMPARE(count(db, "SELECT count(*) FROM raw_payloads WHERE endpoint = 'scoreboardv2'"), int64_t(1));
    }

    void aSummerDayHasNoDataAvailable()
    {
        test::SessionFixture f;
        f.start();
        const auto res = f.session->runner().runDate(test::summerDay());
        for (const auto& r : res.results)
            QVERIFY2(r.outcome.category == Category::NoDataAvailable, (r.processor + ": " + r.outcome.error).c_str());
        QCOMPARE(res.realFailures(), 0);
        QCOMPARE(count(f.session->db(), "SELECT count(*) FROM processor_runs WHERE status = 'no_data'"),
                 int64_t(pipeline::Runner::implementedProcessors().size()));
    }

    void anEmptyDayIsNoDataNotAFailure()
    {
        test::SessionFixture f;
        f.start({sim::FaultRule::parse("scoreboardv2:empty_day")});
        const auto res = f.session->runner().runDate(test::gameDay());
        QCOMPARE(res.realFailures(), 0);
        QCOMPARE(test::str(res.results.front().outcome.category), test::str(Category::NoDataAvailable));
    }

    void aMissingUpstreamIsDependencyMissing()
    {
        test::SessionFixture f;
        f.start();
        const auto r = f.session->runner().runOne("player_game_summary", test::gameDay());
        QCOMPARE(test::str(r.outcome.category), test::str(Category::DependencyMissing));
        QVERIFY2(QString::fromStdString(r.outcome.error).contains(QStringLiteral("game_schedule")), r.outcome.error.c_str());
        auto st = f.session->db().prepare("SELECT status, failure_category, error, phase, records_out, run_id,"
                                          " started_at, finished_at, duration_ms FROM processor_runs");
        QVERIFY(st.step());
        QCOMPARE(st.getText(0), std::string("failed"));
        QCOMPARE(st.getText(1), std::string("dependency_missing"));
        QVERIFY(!st.getText(2).empty());
        QCOMPARE(st.getInt(3), int64_t(3));
        QCOMPARE(st.getInt(4), int64_t(0));
        QVERIFY(QString::fromStdString(st.getText(5)).startsWith(QStringLiteral("run-")));
        QVERIFY(st.getText(6) <= st.getText(7));
        QVERIFY(st.getInt(8) >= 0);
    }

    void aFailedBoxScoreLeavesNoPartialDate()
    {
        test::SessionFixture f;
        const auto game = sim::League().gamesOn(test::gameDay()).back().id;
        f.start({sim::FaultRule::parse("boxscoretraditionalv2:http503:game=" + game)});
        const auto res = f.session->runner().runDate(test::gameDay());
        QCOMPARE(test::str(res.results[1].outcome.category), test::str(Category::Error)); // the box-score scraper
        QVERIFY2(QString::fromStdString(res.results[1].outcome.error).contains(QString::fromStdString(game)),
                 res.results[1].outcome.error.c_str());
        auto& db = f.session->db();
        QCOMPARE(count(db, "SELECT count(*) FROM raw_nbac_player_boxscores"), int64_t(0)); // no partial date
        // What cannot run without NBA.com's box scores says so; the rest goes on from balldontlie.
        int64_t blocked = 0;
        const auto impl = pipeline::Runner::implementedProcessors();
        for (const auto& n : registry::Registry::builtin().blockedBy({"nbac_boxscore_scraper"}))
            blocked += std::count(impl.begin(), impl.end(), n);
        QCOMPARE(blocked, int64_t(1)); // nbac_player_boxscores
        QCOMPARE(count(db, "SELECT count(*) FROM processor_runs WHERE failure_category = 'dependency_missing'"), blocked);
        const int64_t players = count(db, "SELECT count(*) FROM player_game_summary");
        QVERIFY(players > 0);
        QCOMPARE(count(db, "SELECT count(*) FROM player_game_summary WHERE source = 'balldontlie'"), players);
        QCOMPARE(count(db, "SELECT count(*) FROM processor_runs WHERE processor = 'player_game_summary'"
                           " AND source = 'balldontlie' AND failure_category = 'success'"), int64_t(1));
        // Fixed upstream, a rerun completes the date.
        f.session->simulator()->clearFaults();
        const auto again = f.session->runner().runDate(test::gameDay());
        QCOMPARE(again.realFailures(), 0);
        QCOMPARE(count(db, "SELECT count(*) FROM player_game_summary WHERE source = 'nba_com'"), players);
    }

    void aDateRangeRunsEveryDay()
    {
        test::SessionFixture f;
        f.start();
        int days = 0;
        for (Date d = Date::ymd(2024, 1, 8); d <= Date::ymd(2024, 1, 10); d = d.addDays(1), ++days)
            QCOMPARE(f.session->runner().runDate(d).realFailures(), 0);
        QCOMPARE(count(f.session->db(), "SELECT count(DISTINCT game_date) FROM player_game_summary"), int64_t(days));
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
