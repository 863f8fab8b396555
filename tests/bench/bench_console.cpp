// nbaops-bench-console: the console's first paint over large run histories. The Trends page
// is opened on a database holding a year of history (3,000,000 runs by default) and timed
// from refresh() to its first paint (the phases read in the background, charts filled, the
// widget rendered) and to the complete page (every processor read too), beside the bare
// trends query in the same process as the baseline. Then the window on the cloud backend, opened
// offline from a cache of 30 days of cloud history (270,000 runs), to the Health page's paint.
#include "bench.h"

#include "app/mainwindow.h"
#include "cloud/auth.h"
#include "cloud/bigquery.h"
#include "health/health.h"
#include "health/trends.h"
#include "jobs/backend.h"
#include "pipeline/runner.h"
#include "store/database.h"
#include "trends/trendspage.h"
#include "backfill/backfillmodels.h"
#include "backfill/backfillpage.h"
#include "jobs/backfill.h"
#include "util/log.h"

#include <CLI/CLI.hpp>

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <iostream>

using namespace nbaops;

namespace {

struct Paint
{
    double firstMs = -1;    // refresh() to the phases' charts rendered
    double completeMs = -1; // ... to every processor's series read and the page rendered again
    double phasesReadMs = 0, fullReadMs = 0;
};

// refresh() (or a range) to the first paint and to the complete page; negative figures when
// the page did not load in 60 s.
Paint paintMs(const QString& db, const registry::Registry& reg, int days)
{
    ui::TrendsPage page(db, nullptr, &reg);
    page.resize(1440, 900);
    page.show();
    QEventLoop loop;
    Paint p;
    QElapsedTimer t;
    QObject::connect(&page, &ui::TrendsPage::phasesShown, &loop, [&] {
        const QPixmap shot = page.grab(); // lays out and paints every chart
        if (!shot.isNull())
            p.firstMs = double(t.nsecsElapsed()) / 1e6;
        p.phasesReadMs = page.lastLoadMs();
    });
    QObject::connect(&page, &ui::Page::loaded, &loop, [&] {
        const QPixmap shot = page.grab();
        if (!shot.isNull())
            p.completeMs = double(t.nsecsElapsed()) / 1e6;
        p.fullReadMs = page.lastLoadMs();
        loop.quit();
    });
    QObject::connect(&page, &ui::Page::failed, &loop, [&](const QString& m) {
        std::cerr << "the page failed: " << m.toStdString() << "\n";
        loop.quit();
    });
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    t.start();
    if (days == 30)
        page.refresh();
    else
        page.setRangeDays(days);
    loop.exec();
    return p;
}

// The Backfill page planning ten seasons of game dates (a dates file, half of them with a run
// history): Plan pressed to the plan table and its estimate rendered, beside the bare plan in
// the same process.
void backfillPlanShown(bench::Reporter& r, const std::filesystem::path& dir, int reps)
{
    size_t dates = 0;
    const auto file = bench::writeTenSeasons(dir, dates);
    const QString db = QString::fromStdString((dir / "plan.db").string());
    std::vector<double> shown, bare;
    for (int i = 0; i <= reps; ++i) { // the first warms the caches
        ui::BackfillPage page(db);
        page.resize(1440, 900);
        page.show();
        page.findChild<QComboBox*>(QStringLiteral("backfillSource"))->setCurrentIndex(1);
        page.findChild<QLineEdit*>(QStringLiteral("datesFile"))->setText(QString::fromStdString(file.string()));
        QEventLoop loop;
        double ms = -1;
        QElapsedTimer t;
        QObject::connect(&page, &ui::BackfillPage::planned, &loop, [&] {
            if (!page.grab().isNull())
                ms = double(t.nsecsElapsed()) / 1e6;
            loop.quit();
        });
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        t.start();
        page.plan();
        loop.exec();
        if (ms < 0 || page.planModel()->rowCount() == 0)
            throw std::runtime_error("the Backfill page did not show the plan");
        if (i > 0)
            shown.push_back(ms);
    }
    auto sdb = store::Database::open(dir / "plan.db");
    jobs::PlanRequest req;
    req.datesFile = file;
    req.workers = 4;
    bare = bench::timeRuns(reps, [&] { jobs::planBackfill(sdb, req); });
    r.report({"console", "backfill_plan_shown", bench::median(shown), "ms", "median", static_cast<long long>(dates),
              "Plan pressed to the plan of ten seasons' game dates (half with history) rendered, 1440x900; "
              "target < 300 ms"});
    r.report({"console", "baseline_backfill_plan", bench::median(bare), "ms", "median", static_cast<long long>(dates),
              "jobs::planBackfill alone, same process"});
}

} // namespace

// The console over a cloud project's cache of 30 days (about `runs` runs) synced from the
// simulated cloud, which is then stopped: from building the window on the cloud backend to the
// Health page painted, offline; beside the health check alone on the same cache.
void cloudFirstPaint(bench::Reporter& r, const std::filesystem::path& dir, int reps, long long runs)
{
    const auto base = dir / "cloud";
    std::filesystem::create_directories(base);
    auto c = bench::startBenchCloud(base, runs);
    const auto cache = base / "cache.db";
    {
        SystemClock clock;
        cloud::ServiceAccountTokens tokens(c.keyPath, clock);
        cloud::BigQuery bq(c.settings, tokens);
        auto db = store::Database::open(cache);
        const auto s = jobs::syncCloud(db, bq, c.sync, {});
        r.report({"console", "cloud_cache_sync_s", s.seconds, "s", "once", s.fetched, "the cache the window opens"});
    }
    c.sim->stop(); // no network from here on
    std::vector<double> paint;
    for (int i = 0; i < reps; ++i) {
        QElapsedTimer t;
        t.start();
        ui::MainWindow w(ui::BackendPtr(jobs::cloudBackend(c.settings, cache)));
        w.resize(1440, 900);
        auto* health = w.page(QStringLiteral("health"));
        QEventLoop loop;
        double ms = -1;
        QObject::connect(health, &ui::Page::loaded, &loop, [&] {
            if (!w.grab().isNull())
                ms = double(t.nsecsElapsed()) / 1e6;
            loop.quit();
        });
        QObject::connect(health, &ui::Page::failed, &loop, &QEventLoop::quit);
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        w.show();
        w.showPage(QStringLiteral("health"));
        loop.exec();
        if (ms < 0)
            throw std::runtime_error("the Health page did not load from the cloud cache");
        paint.push_back(ms);
    }
    auto db = store::Database::open(cache, store::Database::Mode::ReadOnly);
    const auto q = jobs::cloudBackend(c.settings, cache)->healthQuery();
    const auto& reg = registry::Registry::builtin();
    const auto checks = bench::timeRuns(reps, [&] {
        auto query = q;
        query.mode = health::Mode::Full;
        health::check(db, reg, pipeline::Runner::implementedProcessors(), query);
    });
    r.report({"console", "cloud_health_first_paint", bench::median(paint), "ms", "median", c.total,
              "the window built on the cloud backend to the Health page painted, 1440x900, offline"});
    r.report({"console", "baseline_cloud_health_check", bench::median(checks), "ms", "median", c.total,
              "the full health check alone on the same cache, same process"});
}

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    CLI::App cli{"nbaops-bench-console: the console's first paint over a large run history"};
    bool json = false;
    long long runs = 3000000;
    int reps = 5;
    cli.add_flag("--json", json, "One JSON object per figure, one per line");
    cli.add_option("--year-runs", runs, "Runs in the year of history (default 3,000,000)");
    cli.allow_extras(); // dev.sh bench passes nbaops-bench's flags too
    cli.add_option("--reps", reps, "Pages opened per figure (median reported)");
    long long cloudRuns = 270000;
    cli.add_option("--cloud-runs", cloudRuns, "Runs in the cloud cache's 30 days (default 270,000)");
    std::string keep;
    cli.add_option("--keep-db", keep, "Write the year's history to this file and keep it; an existing file is reused");
    CLI11_PARSE(cli, argc, argv);
    if (runs < 1000)
        runs = 3000000; // --year-runs 0 skips the year in nbaops-bench; here the year is the point
    nbaops::log::setLevel(nbaops::log::Level::Error);
    QLoggingCategory::setFilterRules(QStringLiteral("nbaops.*.info=false")); // the figures only
    bench::Reporter r(json);
    try {
        std::vector<std::string> names;
        const auto reg = bench::bigRegistry(names);
        const auto dir = std::filesystem::temp_directory_path() / ("nbaops-bench-console-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        const auto path = keep.empty() ? dir / "year.db" : std::filesystem::path(keep);
        if (keep.empty() || !std::filesystem::exists(path))
            bench::writeHistory(r, reg, names, path, runs, 365, "_year");
        const QString db = QString::fromStdString(path.string());
        paintMs(db, reg, 30); // warm the page cache and Qt's fonts
        for (const int days : {30, 90, 365}) {
            std::vector<double> first, complete, phasesRead, fullRead;
            for (int i = 0; i < reps; ++i) {
                const Paint p = paintMs(db, reg, days);
                if (p.firstMs < 0 || p.completeMs < 0)
                    throw std::runtime_error("the Trends page did not load");
                first.push_back(p.firstMs);
                complete.push_back(p.completeMs);
                phasesRead.push_back(p.phasesReadMs);
                fullRead.push_back(p.fullReadMs);
            }
            // Baseline in the same process: the bare trends query the page's second read runs.
            auto sdb = store::Database::open(path, store::Database::Mode::ReadOnly);
            const auto query = bench::timeRuns(reps, [&] {
                health::TrendsQuery q;
                q.days = days;
                health::trends(sdb, reg, q);
            });
            const std::string suffix = "_" + std::to_string(days) + "d";
            r.report({"console", "trends_first_paint" + suffix, bench::median(first), "ms", "median", runs,
                      "refresh() to the phases' charts rendered, 1440x900, a year of history; target < 300 ms"});
            r.report({"console", "trends_first_paint_max" + suffix, *std::max_element(first.begin(), first.end()), "ms",
                      "max", runs, ""});
            r.report({"console", "trends_complete" + suffix, bench::median(complete), "ms", "median", runs,
                      "refresh() to every processor's series read and the page rendered again"});
            r.report({"console", "trends_phases_read" + suffix, bench::median(phasesRead), "ms", "median", runs,
                      "the page's first background read (open + phases)"});
            r.report({"console", "trends_full_read" + suffix, bench::median(fullRead), "ms", "median", runs,
                      "the page's second background read (open + phases + processors)"});
            r.report({"console", "baseline_trends_query" + suffix, bench::median(query), "ms", "median", runs,
                      "health::trends with processors alone, same process"});
        }
        backfillPlanShown(r, dir, reps);
        cloudFirstPaint(r, dir, reps, cloudRuns);
        std::filesystem::remove_all(dir);
    } catch (const std::exception& e) {
        std::cerr << "nbaops-bench-console: " << e.what() << "\n";
        return 3;
    }
    return 0;
}
