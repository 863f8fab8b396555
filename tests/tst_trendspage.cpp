// The console's Trends page, offscreen: the charts of a series, the range picker, the series
// picker, the days that stand out marked on the charts, export to PNG and CSV, applying the
// suggested timeouts, and a grab of what the operator sees.
#include "common/page.h"
#include "registry/registry.h"
#include "store/database.h"
#include "guiutil.h"
#include "testutil.h"
#include "trends/trendspage.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QScatterSeries>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace nbaops;
using namespace nbaops::ui;

namespace {

const Date kUntil = Date::ymd(2024, 3, 11);
const Date kSlowDay = kUntil.addDays(-12);
const Date kFailDay = kUntil.addDays(-5);

// 70 days of phase-3 runs around 10 s with one slow day and one day of many failures, and
// steady phase-1 runs.
void writeHistory(const std::filesystem::path& path)
{
    auto db = store::Database::open(path);
    store::Transaction tx(db);
    auto st = db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, finished_at,"
                         " duration_ms, status, failure_category, records_out) VALUES ('r',?,?,?,?,?,?,?,?,?)");
    uint64_t noise = 0x9E3779B97F4A7C15ull;
    for (int day = 69; day >= 0; --day) {
        const Date d = kUntil.addDays(-day);
        for (int i = 0; i < 24; ++i) {
            noise ^= noise << 13;
            noise ^= noise >> 7;
            noise ^= noise << 17;
            const double jitter = 1.0 + 0.05 * (double(noise % 2001) / 1000.0 - 1.0);
            const TimePoint t = TimePoint(d.days()) + std::chrono::hours(10) + std::chrono::seconds(i);
            const bool fail = i < (d == kFailDay ? 9 : 1);
            const auto dur = int64_t((d == kSlowDay ? 20000 : 10000) * jitter);
            st.reset();
            st.bindAll(std::string("player_game_summary"), int64_t(3), d.addDays(-1).iso(), toIsoUtc(t), toIsoUtc(t), dur,
                       std::string(fail ? "failed" : "success"), std::string(fail ? "error" : "success"), int64_t(fail ? 0 : 300));
            st.run();
            st.reset();
            st.bindAll(std::string("nbac_schedule_scraper"), int64_t(1), d.addDays(-1).iso(), toIsoUtc(t), toIsoUtc(t),
                       int64_t(1500), std::string("success"), std::string("success"), int64_t(12));
            st.run();
        }
    }
    tx.commit();
}

template <typename T>
QList<T*> seriesOf(QChartView* v)
{
    QList<T*> out;
    for (auto* s : v->chart()->series()) {
        if (auto* t = qobject_cast<T*>(s))
            out << t;
    }
    return out;
}

} // namespace

class TestTrendsPage : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;

    static void waitLoaded(TrendsPage& page, QSignalSpy& spy, int count)
    {
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), count, 30000);
        QVERIFY(page.report());
    }

    static void showAndLoad(TrendsPage& page, QSignalSpy& loaded)
    {
        page.resize(1400, 860);
        page.show();
        page.refresh();
        waitLoaded(page, loaded, 1);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.path() + QStringLiteral("/trends.db");
        writeHistory(m_db.toStdString());
    }

    void chartsShowTheSeriesWithItsMarkedDays()
    {
        TrendsPage page(m_db);
        QSignalSpy loaded(&page, &Page::loaded);
        showAndLoad(page, loaded);
        const auto* r = page.report();
        QCOMPARE(r->days, 30);
        QCOMPARE(QString::fromStdString(r->until), QStringLiteral("2024-03-11"));
        QCOMPARE(page.currentSeries(), QStringLiteral("phase 3"));
        auto* seriesBox = page.findChild<QComboBox*>(QStringLiteral("trendsSeries"));
        QVERIFY(seriesBox->findData(QStringLiteral("player_game_summary")) >= 0);
        QVERIFY(seriesBox->findData(QStringLiteral("phase 6")) >= 0);

        // Success rate: a point a day, 23 of 24 (95.8%) on ordinary days.
        const auto lines = seriesOf<QLineSeries>(page.successView());
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0]->count(), 30);
        QVERIFY(std::abs(lines[0]->at(0).y() - 100.0 * 23 / 24) < 1e-9);
        // Durations: the P50-P95 band, and the slow day marked at its P95 (about 20 s).
        QCOMPARE(seriesOf<QAreaSeries>(page.durationView()).size(), 1);
        const auto slow = seriesOf<QScatterSeries>(page.durationView());
        QCOMPARE(slow.size(), 1);
        QCOMPARE(slow[0]->count(), 1);
        QVERIFY2(slow[0]->at(0).y() > 18 && slow[0]->at(0).y() < 22, qPrintable(QString::number(slow[0]->at(0).y())));
        QVERIFY(page.durationView()->chart()->title().contains(QStringLiteral("phase 3")));
        // Failures: four stacked categories, the zero-record line, and the day of 9 marked.
        QCOMPARE(seriesOf<QAreaSeries>(page.failureView()).size(), 4);
        const auto spikes = seriesOf<QScatterSeries>(page.failureView());
        QCOMPARE(spikes.size(), 1);
        QCOMPARE(spikes[0]->count(), 1);
        QCOMPARE(spikes[0]->at(0).y(), 9.0);
        // Early warnings list every series' sentences; the summary says what was read.
        QVERIFY(page.warnings()->count() >= 1);
        const QString summary = page.findChild<QLabel*>(QStringLiteral("trendsSummary"))->text();
        QVERIFY2(summary.contains(QStringLiteral("720 runs")) && summary.contains(QStringLiteral("P95")), qPrintable(summary));

        // A processor's series replaces the phase's.
        QVERIFY(page.selectSeries(QStringLiteral("nbac_schedule_scraper")));
        QVERIFY(page.successView()->chart()->title().contains(QStringLiteral("nbac_schedule_scraper")));
        QCOMPARE(seriesOf<QScatterSeries>(page.durationView()).first()->count(), 0);
        QVERIFY(!page.selectSeries(QStringLiteral("no_such_processor")));

        // The charts lay themselves out on later passes of the event loop (slower under the
        // sanitizers), so wait for the paint, bounded.
        QTRY_VERIFY2_WITH_TIMEOUT(test::coloursAcross(page, 1.0 / 3) > 5, "the charts did not render", 10000);
        QVERIFY(page.selectSeries(QStringLiteral("phase 3")));
        QTest::qWait(100); // the charts lay their legends out on the next pass of the event loop
        QVERIFY(page.grab().save(QString::fromStdString((test::outputDir() / "trends_page.png").string())));
    }

    // The phases paint first; the processors follow, and a processor the user chose comes back
    // after a new range is read (its phase stands in meanwhile).
    void paintsThePhasesFirstThenTheProcessors()
    {
        TrendsPage page(m_db);
        page.resize(1400, 860);
        QSignalSpy shown(&page, &TrendsPage::phasesShown);
        QSignalSpy loaded(&page, &Page::loaded);
        bool completeAtFirstPaint = true;
        int processorsAtFirstPaint = -1;
        connect(&page, &TrendsPage::phasesShown, this, [&] {
            completeAtFirstPaint = page.isComplete();
            processorsAtFirstPaint = int(page.report()->processors.size());
            page.grab().save(QString::fromStdString((test::outputDir() / "trends_first_paint.png").string()));
        });
        page.refresh();
        waitLoaded(page, loaded, 1);
        QCOMPARE(shown.count(), 1);
        QVERIFY(!completeAtFirstPaint);
        QCOMPARE(processorsAtFirstPaint, 0);
        QVERIFY(page.isComplete() && !page.report()->processors.empty());
        QVERIFY(page.selectSeries(QStringLiteral("player_game_summary")));

        int seriesBox = -1;
        QString atFirstPaint;
        disconnect(&page, &TrendsPage::phasesShown, this, nullptr);
        connect(&page, &TrendsPage::phasesShown, this, [&] {
            atFirstPaint = page.currentSeries();
            seriesBox = page.findChild<QComboBox*>(QStringLiteral("trendsSeries"))->findData(QStringLiteral("player_game_summary"));
        });
        page.setRangeDays(7);
        waitLoaded(page, loaded, 2);
        QCOMPARE(atFirstPaint, QStringLiteral("phase 3")); // the processor's phase
        QCOMPARE(seriesBox, -1);
        QCOMPARE(page.currentSeries(), QStringLiteral("player_game_summary"));
    }

    void theRangePickerLoadsTheRange()
    {
        TrendsPage page(m_db);
        page.resize(1400, 860);
        QSignalSpy loaded(&page, &Page::loaded);
        page.setRangeDays(7);
        waitLoaded(page, loaded, 1);
        QCOMPARE(page.report()->days, 7);
        QCOMPARE(seriesOf<QLineSeries>(page.successView()).first()->count(), 7);
        QCOMPARE(page.findChild<QComboBox*>(QStringLiteral("trendsRange"))->currentText(), QStringLiteral("Last 7 days"));
        page.setRange(QDate(2024, 2, 1), QDate(2024, 2, 29));
        waitLoaded(page, loaded, 2);
        QCOMPARE(QString::fromStdString(page.report()->from), QStringLiteral("2024-02-01"));
        QCOMPARE(QString::fromStdString(page.report()->until), QStringLiteral("2024-02-29"));
        QCOMPARE(page.findChild<QComboBox*>(QStringLiteral("trendsRange"))->currentText(), QStringLiteral("Custom range"));
        // Backwards: said, and nothing loads.
        page.setRange(QDate(2024, 3, 1), QDate(2024, 2, 1));
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("trendsSummary"))->text().contains(QStringLiteral("forwards")));
        QTest::qWait(200);
        QCOMPARE(loaded.count(), 2);
        // A range with no runs says what to do.
        page.setRange(QDate(2023, 1, 1), QDate(2023, 1, 31));
        waitLoaded(page, loaded, 3);
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("trendsSummary"))->text().contains(QStringLiteral("nbaops run")));
        QVERIFY(page.exportAll(m_dir.path() + QStringLiteral("/none")).isEmpty());
    }

    void exportsPngAndCsv()
    {
        TrendsPage page(m_db);
        QSignalSpy loaded(&page, &Page::loaded);
        showAndLoad(page, loaded);
        const QString dir = m_dir.path() + QStringLiteral("/export");
        const auto files = page.exportAll(dir);
        QCOMPARE(files.size(), 6);
        for (const auto& f : files) {
            if (f.endsWith(QStringLiteral(".png"))) {
                QImage img(f);
                QVERIFY2(!img.isNull() && img.width() >= 360, qPrintable(f));
            }
        }
        QFile csv(dir + QStringLiteral("/trends_phase_3_failures.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const auto lines = QString::fromUtf8(csv.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 31); // the header and a row a day
        QCOMPARE(lines[0], QStringLiteral("day,dependency_missing,validation_failed,timeout,error,zero_record_runs,more_failures_than_usual"));
        QVERIFY(lines.contains(QString::fromStdString(kFailDay.iso()) + QStringLiteral(",0,0,0,9,0,1")));
        QFile durations(dir + QStringLiteral("/trends_phase_3_durations.csv"));
        QVERIFY(durations.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(durations.readAll()).contains(QString::fromStdString(kSlowDay.iso())));
    }

    void appliesTheSuggestedTimeouts()
    {
        const QString copy = m_dir.path() + QStringLiteral("/timeouts.db");
        QVERIFY(QFile::copy(m_db, copy));
        TrendsPage page(copy);
        QSignalSpy loaded(&page, &Page::loaded);
        page.refresh();
        waitLoaded(page, loaded, 1);
        int changed = 0;
        for (const auto& t : page.report()->timeouts)
            changed += t.suggestedS != t.currentS;
        QVERIFY(changed >= 1);
        page.applySuggestedTimeouts();
        waitLoaded(page, loaded, 2); // reloaded after applying
        for (const auto& t : page.report()->timeouts)
            QCOMPARE(t.currentS, t.suggestedS);
        auto db = store::Database::open(copy.toStdString(), store::Database::Mode::ReadOnly);
        QCOMPARE(test::count(db, "SELECT count(*) FROM processor_timeouts"), int64_t(changed));
    }

    void aMissingDatabaseFailsWithASentence()
    {
        TrendsPage page(m_dir.path() + QStringLiteral("/nope.db"));
        QSignalSpy failed(&page, &Page::failed);
        page.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QVERIFY(!QFile::exists(m_dir.path() + QStringLiteral("/nope.db")));
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("trendsSummary"))->text().startsWith(QStringLiteral("The trends could not be read")));
    }
};

QTEST_MAIN(TestTrendsPage)
#include "tst_trendspage.moc"
