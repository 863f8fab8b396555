// Trends: daily series from the run history's summaries, percentiles from the duration
// histogram against the exact ones, anomaly detection on series with known injected anomalies
// (caught) and with noise only (quiet), the weekday-hour warning, and timeouts from P95.
#include "health/anomaly.h"
#include "health/trends.h"
#include "registry/registry.h"
#include "store/database.h"
#include "store/migrations.h"
#include "testutil.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace nbaops;

namespace {

// A deterministic noise source in [-1, 1].
struct Noise
{
    uint64_t s = 0x9E3779B97F4A7C15ull;
    double next()
    {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return double(s % 20001) / 10000.0 - 1.0;
    }
};

// Durations around `base` ms with +-15% noise and Saturdays 30% slower (a weekly pattern).
std::vector<health::DayValue> noisySeries(Date start, int days, double base, Noise& n)
{
    std::vector<health::DayValue> v;
    for (int i = 0; i < days; ++i) {
        const Date d = start.addDays(i);
        const double weekly = d.weekday() == 6 ? 1.3 : 1.0;
        v.push_back({d, base * weekly * (1.0 + 0.15 * n.next())});
    }
    return v;
}

} // namespace

class TestTrends : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    // Runs of one processor: `perDay` per day for `days` days up to `until` (UTC 10:00 + i s).
    static void insertRuns(store::Database& db, const std::string& proc, int phase, Date until, int days, int perDay,
                           const std::function<int64_t(Date, int)>& durationMs,
                           const std::function<std::string(Date, int)>& category, int hourUtc = 10)
    {
        store::Transaction tx(db);
        auto st = db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, finished_at,"
                             " duration_ms, status, failure_category, records_out) VALUES ('r',?,?,?,?,?,?,?,?,?)");
        for (int day = days - 1; day >= 0; --day) {
            const Date d = until.addDays(-day);
            for (int i = 0; i < perDay; ++i) {
                const TimePoint t = TimePoint(d.days()) + std::chrono::hours(hourUtc) + std::chrono::seconds(i);
                const std::string cat = category(d, i);
                st.reset();
                st.bindAll(proc, int64_t(phase), d.addDays(-1).iso(), toIsoUtc(t), toIsoUtc(t), durationMs(d, i),
                           std::string(cat == "success" ? "success" : cat == "no_data_available" ? "no_data" : "failed"),
                           cat, int64_t(cat == "success" ? 10 : 0));
                st.run();
            }
        }
        tx.commit();
    }

private Q_SLOTS:
    void noiseAloneRaisesNothing()
    {
        Noise n;
        const auto series = noisySeries(Date::ymd(2024, 1, 1), 120, 10000, n);
        int flagged = 0;
        for (size_t end = 40; end <= series.size(); ++end) {
            const std::vector<health::DayValue> upTo(series.begin(), series.begin() + long(end));
            const auto d = health::deviation(upTo, {30, 3.5, 0.20, 500, 7});
            QVERIFY(d.has_value());
            flagged += d->anomalous;
        }
        QCOMPARE(flagged, 0); // 81 days of noise and Saturday peaks: quiet
    }

    void injectedAnomaliesAreCaught()
    {
        Noise n;
        auto series = noisySeries(Date::ymd(2024, 1, 1), 45, 10000, n);
        // 1.6x on an ordinary weekday.
        const Date last = series.back().day;
        series.back().value = (last.weekday() == 6 ? 13000 : 10000) * 1.6;
        auto d = health::deviation(series, {30, 3.5, 0.20, 500, 7});
        QVERIFY(d && d->anomalous);
        QVERIFY(d->ratio > 1.4);
        // A Saturday at its usual Saturday level is not an anomaly (the weekday baseline)...
        Noise m;
        auto sat = noisySeries(Date::ymd(2024, 1, 8), 41, 10000, m); // ends on a Saturday
        QCOMPARE(sat.back().day.weekday(), 6u);
        sat.back().value = 13000;
        d = health::deviation(sat, {30, 3.5, 0.20, 500, 7});
        QVERIFY(d && d->weekdayAware && !d->anomalous);
        // ... while 15 s on a Friday is.
        sat.pop_back();
        sat.back().value = 15000;
        QCOMPARE(sat.back().day.weekday(), 5u);
        d = health::deviation(sat, {30, 3.5, 0.20, 500, 7});
        QVERIFY(d && d->anomalous);
        // A count jumping from ~1 to 9 is caught; to 3 (within the absolute floor) is not.
        std::vector<health::DayValue> counts;
        for (int i = 0; i < 35; ++i)
            counts.push_back({Date::ymd(2024, 3, 1).addDays(i), double(i % 3 == 0 ? 2 : 1)});
        counts.back().value = 9;
        QVERIFY(health::deviation(counts, {30, 3.5, 1.0, 3, 7})->anomalous);
        counts.back().value = 3;
        QVERIFY(!health::deviation(counts, {30, 3.5, 1.0, 3, 7})->anomalous);
        // Too little history: no verdict.
        QVERIFY(!health::deviation({counts.begin(), counts.begin() + 4}, {30, 3.5, 1.0, 3, 7}));
    }

    void percentilesFromTheHistogramAreWithinFivePercent()
    {
        for (int64_t ms : {0LL, 7LL, 42LL, 999LL, 1234LL, 98765LL, 3600000LL}) {
            const double mid = health::bucketMidpointMs(health::bucketOf(ms));
            QVERIFY2(std::fabs(mid - double(ms)) <= std::max(0.5, 0.05 * double(ms)) + 1e-9,
                     qPrintable(QStringLiteral("%1 -> %2").arg(ms).arg(mid)));
        }
        auto db = store::Database::open(m_dir.path().toStdString() + "/p.db");
        const Date until = Date::ymd(2024, 3, 10);
        // 200 successful runs a day, durations 1..200 s spread evenly.
        insertRuns(db, "player_game_summary", 3, until, 3, 200, [](Date, int i) { return int64_t(1000 * (i + 1)); },
                   [](Date, int) { return std::string("success"); });
        const auto r = health::trends(db, registry::Registry::builtin(), {3, until, true, 30});
        const auto& phase3 = r.phases[2];
        QCOMPARE(phase3.total.runs, 600);
        QCOMPARE(phase3.days.size(), size_t(3));
        QVERIFY(phase3.total.p50Ms && std::fabs(*phase3.total.p50Ms - 100000) <= 5000);
        QVERIFY(phase3.total.p95Ms && std::fabs(*phase3.total.p95Ms - 190000) <= 9500);
        QVERIFY(phase3.total.p99Ms && std::fabs(*phase3.total.p99Ms - 198000) <= 9900);
        QCOMPARE(r.runs, int64_t(600));
    }

    // The phases' series come from their own statistics and histogram: backfilled by the
    // upgrade to schema 12, kept by triggers after it (a run inserted finished, and a run
    // finished by an update), and the same as the processors' summed.
    void phasesReadTheirOwnStatisticsAcrossAnUpgrade()
    {
        const std::string path = m_dir.path().toStdString() + "/upgrade.db";
        const Date until = Date::ymd(2024, 3, 10);
        const auto ms = [](Date d, int i) { return int64_t(800 + 37 * i + d.day() * 11); };
        const auto ok = [](Date, int i) { return std::string(i % 9 == 4 ? "error" : "success"); };
        {
            auto old = store::Database::open(path, store::Database::Mode::ReadWrite, 11);
            QCOMPARE(old.schemaVersion(), 11);
            insertRuns(old, "player_game_summary", 3, until.addDays(-5), 10, 40, ms, ok);
            insertRuns(old, "team_offense_game_summary", 3, until.addDays(-5), 10, 20, ms, ok);
        }
        auto db = store::Database::open(path);
        QCOMPARE(db.schemaVersion(), store::latestSchemaVersion());
        insertRuns(db, "player_game_summary", 3, until, 5, 40, ms, ok);
        insertRuns(db, "nbac_player_boxscores", 2, until, 5, 10, ms, ok);
        // A run that starts, then finishes with an update (the other trigger path).
        db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, status)"
                   " VALUES ('r', 'team_offense_game_summary', 3, '2024-03-09', '2024-03-10T11:00:00Z', 'running')")
            .run();
        db.prepare("UPDATE processor_runs SET status = 'success', failure_category = 'success', duration_ms = 4321,"
                   " finished_at = '2024-03-10T11:00:04Z', records_out = 5 WHERE status = 'running'")
            .run();
        QCOMPARE(test::count(db, "SELECT count(*) FROM (SELECT day, bucket, sum(runs) FROM run_duration_hist"
                                 " WHERE processor <> 'nbac_player_boxscores' GROUP BY 1, 2"
                                 " EXCEPT SELECT day, bucket, runs FROM run_duration_phase_hist WHERE phase = 3)"),
                 int64_t(0));
        QCOMPARE(test::count(db, "SELECT sum(runs) FROM run_duration_phase_hist"),
                 test::count(db, "SELECT count(*) FROM processor_runs WHERE failure_category = 'success'"));
        QCOMPARE(test::count(db, "SELECT sum(runs) FROM run_day_phase_stats"), test::count(db, "SELECT count(*) FROM processor_runs"));
        QCOMPARE(test::count(db, "SELECT sum(records_out) FROM run_day_phase_stats"),
                 test::count(db, "SELECT sum(records_out) FROM processor_runs"));

        health::TrendsQuery q{15, until, true, 30};
        const auto full = health::trends(db, registry::Registry::builtin(), q);
        q.withProcessors = false;
        const auto phasesOnly = health::trends(db, registry::Registry::builtin(), q);
        QVERIFY(phasesOnly.processors.empty() && !full.processors.empty());
        for (size_t p = 0; p < 6; ++p) {
            const auto &a = full.phases[p], &b = phasesOnly.phases[p];
            QCOMPARE(a.days.size(), b.days.size());
            QCOMPARE(a.total.runs, b.total.runs);
            QCOMPARE(a.total.p95Ms, b.total.p95Ms);
            for (size_t d = 0; d < a.days.size(); ++d) {
                QCOMPARE(a.days[d].p50Ms, b.days[d].p50Ms);
                QCOMPARE(a.days[d].p99Ms, b.days[d].p99Ms);
                QCOMPARE(a.days[d].byCategory, b.days[d].byCategory);
                QCOMPARE(a.days[d].zeroRecords, b.days[d].zeroRecords);
                QCOMPARE(a.days[d].recordsOut, b.days[d].recordsOut);
            }
        }
        QVERIFY(full.phases[2].total.p95Ms && full.phases[1].total.p95Ms); // phases 2 and 3 have durations
    }

    void slowPhaseAndWeekdayFailuresBecomeSentences()
    {
        auto db = store::Database::open(m_dir.path().toStdString() + "/a.db");
        const Date until = Date::ymd(2024, 3, 11); // a Monday
        QCOMPARE(until.weekday(), 1u);
        Noise n;
        // Phase 3: ~10 s for 60 days, then 15 s on the last day.
        insertRuns(db, "player_game_summary", 3, until, 60, 24,
                   [&](Date d, int) { return int64_t((d == until ? 15000 : 10000) * (1.0 + 0.05 * n.next())); },
                   [](Date, int) { return std::string("success"); });
        // Phase 1: a failure or two every day at 12:00 UTC; in the last 4 weeks, Mondays at 05:00
        // UTC (00-03 h ET) fail 6 times each.
        insertRuns(db, "nbac_schedule_scraper", 1, until, 60, 10, [](Date, int) { return int64_t(2000); },
                   [](Date, int i) { return std::string(i == 0 ? "error" : "success"); }, 12);
        insertRuns(db, "nbac_schedule_scraper", 1, until, 28, 6, [](Date, int) { return int64_t(2000); },
                   [](Date d, int) { return std::string(d.weekday() == 1 ? "error" : "success"); }, 5);
        const auto r = health::trends(db, registry::Registry::builtin(), {30, until, true, 30});
        QStringList sentences;
        for (const auto& a : r.anomalies)
            sentences << QString::fromStdString(a.sentence);
        const auto has = [&](const QString& part) {
            return std::any_of(sentences.begin(), sentences.end(), [&](const QString& s) { return s.contains(part); });
        };
        QVERIFY2(has(QStringLiteral("Phase 3 is taking 4")) || has(QStringLiteral("Phase 3 is taking 5")),
                 qPrintable(sentences.join(QLatin1Char('\n')))); // 15 s against 10 s (+-5% noise)
        QVERIFY2(has(QStringLiteral("Failures on Mondays 00-03 h ET")), qPrintable(sentences.join(QLatin1Char('\n'))));
        QVERIFY(!has(QStringLiteral("Phase 1 is taking"))); // steady: no warning
        // The window's days are all there, empty ones included.
        QCOMPARE(r.phases[0].days.size(), size_t(30));
        QVERIFY(r.phases[0].total.failures >= 30);
        QVERIFY(r.weekdayBlocks[1][0] >= 24);
    }

    void daysThatStandOutAreMarkedAcrossTheWindow()
    {
        auto db = store::Database::open(m_dir.path().toStdString() + "/m.db");
        const Date until = Date::ymd(2024, 3, 11);
        const Date slowDay = until.addDays(-12), failDay = until.addDays(-5);
        Noise n;
        // ~10 s for 70 days with one slow day in the middle of the window (2x), and one day
        // with 9 failures where there is usually one.
        insertRuns(db, "player_game_summary", 3, until, 70, 24,
                   [&](Date d, int) { return int64_t((d == slowDay ? 20000 : 10000) * (1.0 + 0.05 * n.next())); },
                   [&](Date d, int i) { return std::string(i < (d == failDay ? 9 : 1) ? "error" : "success"); });
        const auto r = health::trends(db, registry::Registry::builtin(), {30, until, true, 30});
        const auto& phase3 = r.phases[2];
        QCOMPARE(phase3.slowDays, std::vector<std::string>{slowDay.iso()});
        QCOMPARE(phase3.failureDays, std::vector<std::string>{failDay.iso()});
        const auto proc = std::find_if(r.processors.begin(), r.processors.end(),
                                       [](const auto& x) { return x.name == "player_game_summary"; });
        QVERIFY(proc != r.processors.end());
        QCOMPARE(proc->slowDays, std::vector<std::string>{slowDay.iso()});
        // Phase 1 ran nothing: nothing marked.
        QVERIFY(r.phases[0].slowDays.empty() && r.phases[0].failureDays.empty());
        QCOMPARE(health::toJson(r)["phases"][2]["slow_days"].size(), size_t(1));
    }

    void aYoungHistoryFillsTheWindow()
    {
        auto db = store::Database::open(m_dir.path().toStdString() + "/young.db");
        const Date until = Date::ymd(2024, 3, 11);
        insertRuns(db, "player_game_summary", 3, until, 10, 4, [](Date, int) { return int64_t(1000); },
                   [](Date, int) { return std::string("success"); });
        health::TrendsQuery q{30, until, false, 30};
        QCOMPARE(health::trends(db, registry::Registry::builtin(), q).days, 30);
        q.clampToHistory = true;
        auto r = health::trends(db, registry::Registry::builtin(), q);
        QCOMPARE(r.days, 10); // the ten days with runs
        QCOMPARE(QString::fromStdString(r.from), QString::fromStdString(until.addDays(-9).iso()));
        QCOMPARE(r.phases[2].days.size(), size_t(10));
        q.days = 5; // shorter than the history: unchanged
        QCOMPARE(health::trends(db, registry::Registry::builtin(), q).days, 5);
        auto tiny = store::Database::open(m_dir.path().toStdString() + "/tiny.db");
        insertRuns(tiny, "player_game_summary", 3, until, 2, 4, [](Date, int) { return int64_t(1000); },
                   [](Date, int) { return std::string("success"); });
        q.days = 30;
        QCOMPARE(health::trends(tiny, registry::Registry::builtin(), q).days, 7); // at least a week
    }

    void timeoutsComeFromP95AndApplyingThemIsAudited()
    {
        auto db = store::Database::open(m_dir.path().toStdString() + "/t.db");
        const Date until = Date::ymd(2024, 3, 10);
        insertRuns(db, "ml_feature_store", 4, until, 10, 5, [](Date, int i) { return int64_t(30000 + 2500 * i); },
                   [](Date, int) { return std::string("success"); });
        auto r = health::trends(db, registry::Registry::builtin(), {30, until, true, 30});
        const auto it = std::find_if(r.timeouts.begin(), r.timeouts.end(),
                                     [](const auto& t) { return t.processor == "ml_feature_store"; });
        QVERIFY(it != r.timeouts.end());
        QCOMPARE(it->runs, 50);
        QVERIFY(std::fabs(it->p95Ms - 40000) <= 2000);
        QCOMPARE(it->suggestedS, 130); // 3 x 40.5 s (the bucket's midpoint), rounded up to 10 s
        QCOMPARE(it->currentS, registry::Registry::builtin().get("ml_feature_store").timeoutSeconds);
        QCOMPARE(health::applyTimeouts(db, {*it}, "ana", TimePoint(until.days())), 1);
        QCOMPARE(health::appliedTimeouts(db).at("ml_feature_store"), 130);
        QCOMPARE(test::count(db, "SELECT count(*) FROM audit_log WHERE action = 'timeout' AND actor = 'ana'"), int64_t(1));
        r = health::trends(db, registry::Registry::builtin(), {30, until, true, 30});
        const auto again = std::find_if(r.timeouts.begin(), r.timeouts.end(),
                                        [](const auto& t) { return t.processor == "ml_feature_store"; });
        QVERIFY(again->currentApplied);
        QCOMPARE(again->currentS, 130);
        const auto j = health::toJson(r);
        QVERIFY(j["timeouts"].is_array() && j["phases"].size() == 6);
        QVERIFY(QString::fromStdString(health::toText(r)).contains(QStringLiteral("0 differ")));
    }

    void anEmptyHistorySaysWhatToDo()
    {
        auto db = store::Database::open(m_dir.path().toStdString() + "/e.db");
        const auto r = health::trends(db, registry::Registry::builtin(), {});
        QVERIFY(r.empty);
        QVERIFY(QString::fromStdString(health::toText(r)).contains(QStringLiteral("nbaops run")));
    }
};

QTEST_GUILESS_MAIN(TestTrends)
#include "tst_trends.moc"
