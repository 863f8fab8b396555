// nbaops-bench-console: the console's first paint over large run histories. The Trends page
// is opened on a database holding a year of history (3,000,000 runs by default) and timed
// from refresh() to its first complete paint (data read in the background, charts filled,
// the widget rendered), beside the bare trends query in the same process as the baseline.
#include "bench.h"

#include "health/trends.h"
#include "store/database.h"
#include "trends/trendspage.h"
#include "util/log.h"

#include <CLI/CLI.hpp>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <iostream>

using namespace nbaops;

namespace {

// refresh() (or a range) to the first complete paint; -1 when the page did not load in 60 s.
double firstPaintMs(const QString& db, const registry::Registry& reg, int days, double* loadMs)
{
    ui::TrendsPage page(db, nullptr, &reg);
    page.resize(1440, 900);
    page.show();
    QEventLoop loop;
    bool done = false;
    QObject::connect(&page, &ui::Page::loaded, &loop, [&] {
        done = true;
        loop.quit();
    });
    QObject::connect(&page, &ui::Page::failed, &loop, [&](const QString& m) {
        std::cerr << "the page failed: " << m.toStdString() << "\n";
        loop.quit();
    });
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    QElapsedTimer t;
    t.start();
    if (days == 30)
        page.refresh();
    else
        page.setRangeDays(days);
    loop.exec();
    if (!done)
        return -1;
    const QPixmap shot = page.grab(); // lays out and paints every chart
    const double ms = double(t.nsecsElapsed()) / 1e6;
    *loadMs = page.lastLoadMs();
    return shot.isNull() ? -1 : ms;
}

} // namespace

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
    CLI11_PARSE(cli, argc, argv);
    if (runs < 1000)
        runs = 3000000; // --year-runs 0 skips the year in nbaops-bench; here the year is the point
    nbaops::log::setLevel(nbaops::log::Level::Error);
    bench::Reporter r(json);
    try {
        std::vector<std::string> names;
        const auto reg = bench::bigRegistry(names);
        const auto dir = std::filesystem::temp_directory_path() / ("nbaops-bench-console-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        const auto path = dir / "year.db";
        bench::writeHistory(r, reg, names, path, runs, 365, "_year");
        const QString db = QString::fromStdString(path.string());
        double ignored = 0;
        firstPaintMs(db, reg, 30, &ignored); // warm the page cache and Qt's fonts
        for (const auto& [days, target] : {std::pair{30, 300.0}, std::pair{90, 0.0}, std::pair{365, 0.0}}) {
            std::vector<double> paint, load, query;
            for (int i = 0; i < reps; ++i) {
                double l = 0;
                const double ms = firstPaintMs(db, reg, days, &l);
                if (ms < 0)
                    throw std::runtime_error("the Trends page did not load");
                paint.push_back(ms);
                load.push_back(l);
            }
            // Baseline in the same process: the bare trends query the page runs.
            auto sdb = store::Database::open(path, store::Database::Mode::ReadOnly);
            query = bench::timeRuns(reps, [&] {
                health::TrendsQuery q;
                q.days = days;
                health::trends(sdb, reg, q);
            });
            const std::string suffix = "_" + std::to_string(days) + "d";
            char note[200];
            std::snprintf(note, sizeof note, "refresh() to the first complete paint, 1440x900, a year of history%s",
                          target > 0 ? "; target < 300 ms" : "");
            r.report({"console", "trends_first_paint" + suffix, bench::median(paint), "ms", "median", runs, note});
            r.report({"console", "trends_first_paint_max" + suffix, *std::max_element(paint.begin(), paint.end()), "ms",
                      "max", runs, ""});
            r.report({"console", "trends_page_read" + suffix, bench::median(load), "ms", "median", runs,
                      "the page's background read (open + trends)"});
            r.report({"console", "baseline_trends_query" + suffix, bench::median(query), "ms", "median", runs,
                      "health::trends alone, same process"});
        }
        std::filesystem::remove_all(dir);
    } catch (const std::exception& e) {
        std::cerr << "nbaops-bench-console: " << e.what() << "\n";
        return 3;
    }
    return 0;
}
