// nbaops import boxscores: the CSV of ../shared/data into the pipeline's own tables, bad rows
// quarantined with line, column and reason, the rest loaded, a second import a no-op.
#include "jobs/import.h"
#include "sources/csv.h"
#include "pipeline/session.h"
#include "store/database.h"
#include "testutil.h"
#include "util/errors.h"
#include "util/files.h"
#include "util/text.h"

#include <QtTest>

#include <zlib.h>

using namespace nbaops;
using test::count;

namespace {

const char* kHeader = "season,game_id,game_date,team_id,team_tricode,team_city,team_name,home,opponent_team_id,"
                      "opponent_tricode,person_id,first_name,family_name,name_i,position,comment,jersey_num,minutes,"
                      "fgm,fga,fg_pct,fg3m,fg3a,fg3_pct,ftm,fta,ft_pct,oreb,dreb,reb,ast,stl,blk,tov,pf,pts,plus_minus";

// One player's row in the file's format.
std::string row(const char* game, const char* date, bool home, int player, const char* minutes, int pts,
                const char* comment = "")
{
    const std::string team = home ? "1610612738,BOS,Boston,Celtics,1,1610612755,PHI" : "1610612755,PHI,Philadelphia,76ers,0,1610612738,BOS";
    char buf[512];
    std::snprintf(buf, sizeof buf, "2023-24,%s,%s,%s,%d,First%d,\"Family, %d\",F. Family,F,%s,,%s,%d,%d,0.5,0,1,0,%d,%d,1,1,2,3,4,1,0,1,2,%d,3",
                  game, date, team.c_str(), 1600000 + player, player, player, comment, minutes, pts / 2, pts, pts % 2,
                  pts % 2, pts);
    return buf;
}

std::string fixture()
{
    std::string csv = std::string(kHeader) + "\n";
    int line = 1;
    for (const char* date : {"2023-11-01", "2023-11-03"}) {
        const std::string game = std::string("00223000") + (date[9] == '1' ? "01" : "02");
        for (int p = 0; p < 4; ++p) {
            csv += row(game.c_str(), date, true, p, p == 3 ? "" : "30:15", 10 + p, p == 3 ? "DNP - Coach's Decision" : "") + "\n";
            csv += row(game.c_str(), date, false, 10 + p, "28:60", 8 + p) + "\n";
            line += 2;
        }
    }
    // Three bad rows: too few fields (line 18), minutes that are not a time (19), no such date (20).
    csv += "2023-24,0022300002,2023-11-03,1610612738,BOS\n";
    csv += row("0022300002", "2023-11-03", true, 7, "3x:10", 5) + "\n";
    csv += row("0022300003", "2023-02-30", true, 8, "12:00", 5) + "\n";
    return csv;
}

void writeGzip(const std::filesystem::path& path, const std::string& bytes)
{
    gzFile f = gzopen(path.c_str(), "wb");
    QVERIFY(f);
    QCOMPARE(gzwrite(f, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
    gzclose(f);
}

// The session `nbaops import` opens: one worker, reruns forced (an import replaces its dates).
void startAsTheCliDoes(test::SessionFixture& f)
{
    pipeline::SessionOptions so;
    so.http = test::fastHttp();
    so.force = true;
    so.workers = 1;
    f.start(so);
}

} // namespace

class TestImport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsQuotedFieldsGzipOrPlain()
    {
        QTemporaryDir dir;
        const std::filesystem::path plain = dir.path().toStdString() + "/a.csv", gz = dir.path().toStdString() + "/a.csv.gz";
        const std::string text = "a,b,c\r\n1,\"x, \"\"y\"\"\",3\n4,\"multi\nline\",6\n7,8\n,,\n\"open,9\n";
        writeFileAtomically(plain, text, false);
        writeGzip(gz, text);
        for (const auto& p : {plain, gz}) {
            sources::CsvReader csv(p);
            std::vector<std::string> f;
            QVERIFY(csv.next(f));
            QCOMPARE(f.size(), size_t(3));
            QCOMPARE(QString::fromStdString(f[2]), QStringLiteral("c")); // \r dropped
            QVERIFY(csv.next(f));
            QCOMPARE(QString::fromStdString(f[1]), QStringLiteral("x, \"y\""));
            QVERIFY(csv.next(f));
            QCOMPARE(csv.line(), size_t(3));
            QCOMPARE(QString::fromStdString(f[1]), QStringLiteral("multi\nline"));
            QVERIFY(csv.next(f));
            QCOMPARE(csv.line(), size_t(5));
            QCOMPARE(f.size(), size_t(2));
            QVERIFY(csv.problem().empty());
            QVERIFY(csv.next(f)); // empty fields, the buffers of the longer record before reused
            QCOMPARE(f.size(), size_t(3));
            QVERIFY(f[0].empty() && f[1].empty() && f[2].empty());
            QVERIFY(csv.next(f));
            QCOMPARE(QString::fromStdString(csv.problem()), QStringLiteral("a quoted field is never closed"));
            QVERIFY(!csv.next(f));
        }
    }

    void textThatIsNotUtf8IsRepaired_data()
    {
        QTest::addColumn<QByteArray>("in");
        QTest::addColumn<QByteArray>("out");
        const QByteArray r("\xEF\xBF\xBD"); // U+FFFD
        QTest::newRow("ascii") << QByteArray("LeBron James") << QByteArray("LeBron James");
        QTest::newRow("good utf-8") << QByteArray("Nikola Jokić 😀") << QByteArray("Nikola Jokić 😀");
        QTest::newRow("latin-1 byte") << QByteArray("Joki\xe6") << QByteArray("Joki") + r;
        QTest::newRow("stray continuation") << QByteArray("a\x80" "b") << QByteArray("a") + r + "b";
        QTest::newRow("cut-off sequence") << QByteArray("ab\xc3") << QByteArray("ab") + r;
        QTest::newRow("overlong") << QByteArray("\xc0\xaf") << r + r;
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << r + r + r;
        QTest::newRow("beyond U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << r + r + r + r;
    }

    void textThatIsNotUtf8IsRepaired()
    {
        QFETCH(QByteArray, in);
        QFETCH(QByteArray, out);
        std::string s = in.toStdString();
        QCOMPARE(repairUtf8(s), in != out);
        QCOMPARE(QByteArray::fromStdString(s), out);
    }

    void importsGoodRowsAndQuarantinesBadOnes()
    {
        test::SessionFixture f;
        startAsTheCliDoes(f);
        const std::filesystem::path file = f.dir.path().toStdString() + "/box.csv.gz";
        writeGzip(file, fixture());
        const auto rep = jobs::importHistory(*f.session, {file, std::nullopt}, {});
        QCOMPARE(rep.rows, int64_t(19));
        QCOMPARE(rep.loaded, int64_t(16));
        QCOMPARE(rep.quarantined, int64_t(3));
        QCOMPARE(rep.games, int64_t(2));
        QCOMPARE(rep.dates, int64_t(2));
        QCOMPARE(rep.analyticsFailures, 0);
        QCOMPARE(rep.issues.size(), size_t(3));
        QCOMPARE(rep.issues[0].line, size_t(18));
        QVERIFY(rep.issues[0].column.empty());
        QVERIFY2(QString::fromStdString(rep.issues[0].reason).contains(QStringLiteral("has 5 fields")), rep.issues[0].reason.c_str());
        QCOMPARE(rep.issues[1].line, size_t(19));
        QCOMPARE(QString::fromStdString(rep.issues[1].column), QStringLiteral("minutes"));
        QCOMPARE(rep.issues[2].line, size_t(20));
        QCOMPARE(QString::fromStdString(rep.issues[2].column), QStringLiteral("game_date"));
        auto& db = f.session->db();
        QCOMPARE(count(db, "SELECT count(*) FROM import_quarantine"), int64_t(3));
        QCOMPARE(count(db, "SELECT count(*) FROM raw_nbac_player_boxscores"), int64_t(16));
        QCOMPARE(count(db, "SELECT count(*) FROM game_schedule"), int64_t(2));
        // The pipeline's own phase-3 tables, from the imported rows.
        QCOMPARE(count(db, "SELECT count(*) FROM player_game_summary"), int64_t(16));
        QCOMPARE(count(db, "SELECT count(*) FROM player_game_summary WHERE played = 0 AND dnp_reason LIKE 'DNP%'"), int64_t(2));
        QCOMPARE(count(db, "SELECT count(*) FROM player_game_summary WHERE abs(minutes - 29.0) < 1e-9"), int64_t(8)); // 28:60
        QCOMPARE(count(db, "SELECT count(*) FROM team_defense_game_summary"), int64_t(4));
        QCOMPARE(count(db, "SELECT count(*) FROM processor_runs WHERE source = 'import' AND failure_category = 'success'"),
                 int64_t(4));
        QCOMPARE(count(db, "SELECT pts FROM player_game_summary WHERE player_id = 1600001 AND game_date = '2023-11-01'"),
                 int64_t(11));

        // The same bytes again: nothing changes.
        const auto sum = [&] {
            return test::tableChecksum(db, "SELECT * FROM player_game_summary ORDER BY game_id, player_id") +
                   test::tableChecksum(db, "SELECT * FROM raw_nbac_player_boxscores ORDER BY game_id, player_id");
        };
        const auto before = sum();
        const int64_t runs = count(db, "SELECT count(*) FROM processor_runs");
        const auto again = jobs::importHistory(*f.session, {file, std::nullopt}, {});
        QVERIFY(again.alreadyImported);
        QCOMPARE(sum(), before);
        QCOMPARE(count(db, "SELECT count(*) FROM processor_runs"), runs);
        QCOMPARE(count(db, "SELECT count(*) FROM import_quarantine"), int64_t(3));
    }

    void refusesWhatIsNotThisFormat()
    {
        test::SessionFixture f;
        f.start();
        const std::filesystem::path file = f.dir.path().toStdString() + "/other.csv";
        writeFileAtomically(file, "season,game_id,game_date,team_id,matchup,pts\n2023-24,0022300001,2023-11-01,1,x,100\n", false);
        try {
            jobs::importHistory(*f.session, {file, std::nullopt}, {});
            QFAIL("must be refused");
        } catch (const UsageError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("lacks the column(s)")), e.what());
        }
        QCOMPARE(count(f.session->db(), "SELECT count(*) FROM imports"), int64_t(0));
        try {
            jobs::importHistory(*f.session, {f.dir.path().toStdString() + "/absent.csv", std::nullopt}, {});
            QFAIL("must be refused");
        } catch (const OpsError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("absent.csv")), e.what());
        }
    }

    void importsTheRealThreeSeasons()
    {
        const auto shared = test::sharedData();
        if (!shared)
            QSKIP("The real box scores are absent: ../shared/data (or $NBAOPS_SHARED_DATA) is not there.");
        test::SessionFixture f;
        startAsTheCliDoes(f);
        const auto rep = jobs::importHistory(*f.session, {*shared / "nba_player_boxscores_2022-23_to_2024-25.csv.gz",
                                               *shared / "nba_team_game_logs_2022-23_to_2024-25.csv.gz"},
                                              {});
        // SOURCES.md: 96,442 rows, 3 x 1,230 games, players' points equal the team's in all games.
        QCOMPARE(rep.rows, int64_t(96442));
        QCOMPARE(rep.quarantined, int64_t(0));
        QCOMPARE(rep.games, int64_t(3690));
        QVERIFY2(rep.warnings.empty(), rep.warnings.empty() ? "" : rep.warnings.front().c_str());
        QCOMPARE(rep.analyticsFailures, 0);
        auto& db = f.session->db();
        // 78,601 rows have a playing time (counted with Python's csv module; SOURCES.md's 95,914
        // does not match the file), 14 of them 0:00.
        QCOMPARE(count(db, "SELECT count(*) FROM raw_nbac_player_boxscores WHERE minutes IS NOT NULL"), int64_t(78601));
        QCOMPARE(count(db, "SELECT count(*) FROM player_game_summary WHERE played = 1"),
                 count(db, "SELECT count(*) FROM raw_nbac_player_boxscores WHERE minutes IS NOT NULL AND minutes <> '0:00'"));
        QCOMPARE(count(db, "SELECT count(*) FROM game_schedule"), int64_t(3690));
        QCOMPARE(count(db, "SELECT count(*) FROM team_offense_game_summary"), int64_t(7380));
        // Donovan Mitchell's 71 points (SOURCES.md, section 1).
        QCOMPARE(count(db, "SELECT pts FROM player_game_summary WHERE game_id = '0022200552' AND player_id = 1628378"),
                 int64_t(71));
    }
};

QTEST_GUILESS_MAIN(TestImport)
#include "tst_import.moc"
