#include "consoleapp.h"

#include "common/logging.h"
#include "common/page.h"
#include "cloud/settings.h"
#include "common/qtconv.h"
#include "common/theme.h"
#include "firststart.h"
#include "jobs/backend.h"
#include "jobs/cloudsync.h"
#include "mainwindow.h"
#include "registry/registry.h"
#include "store/database.h"
#include "util/files.h"
#include "util/version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QMessageBox>
#include <QPixmap>
#include <QTimer>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string_view>

namespace nbaops::ui {

namespace {

struct Options
{
    QCommandLineOption db, page, shot, backend, theme;
};

// The console's options on `parser`.
Options addOptions(QCommandLineParser& parser)
{
    parser.setApplicationDescription(QStringLiteral("Operator console for the NBA props pipeline"));
    parser.addHelpOption();
    parser.addVersionOption();
    Options o{QCommandLineOption(QStringLiteral("db"), QStringLiteral("SQLite database"), QStringLiteral("PATH"),
                                 qs(defaultDatabasePath().string())),
              QCommandLineOption(QStringLiteral("page"),
                                 QStringLiteral("Page to open (health, alerts, trends, pipeline, backfill, models, dr, "
                                                "registry, settings)"),
                                 QStringLiteral("NAME"), QStringLiteral("health")),
              QCommandLineOption(QStringLiteral("screenshot"),
                                 QStringLiteral("Render the page once its data has loaded, save it as PNG and exit"),
                                 QStringLiteral("FILE.png")),
              QCommandLineOption(QStringLiteral("backend"),
                                 QStringLiteral("local (the database) or cloud (the cloud project's cache); default: "
                                                "the settings'"),
                                 QStringLiteral("NAME")),
              QCommandLineOption(QStringLiteral("theme"),
                                 QStringLiteral("system (the desktop's light or dark preference, or NBAOPS_THEME), "
                                                "light or dark"),
                                 QStringLiteral("NAME"), QStringLiteral("system"))};
    parser.addOptions({o.db, o.page, o.shot, o.backend, o.theme});
    return o;
}

// --help and --version are answered without a display: a QApplication would need one first.
bool asksHelpOrVersion(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view a(argv[i]);
        if (a == "--help" || a == "-h" || a == "-?" || a == "--help-all" || a == "--version" || a == "-v")
            return true;
    }
    return false;
}

// The cloud project's cache, created when missing: it opens at once and works offline (an empty
// one says it was never synced).
QString openCloudCache(const std::string& project)
{
    const auto cache = jobs::cloudCachePath(project);
    std::filesystem::create_directories(cache.parent_path());
    store::Database::open(cache);
    return qs(cache.string());
}

// A window saved as PNG once shown (the first-start dialog in screenshot mode).
int saveShot(QWidget& w, const QString& file)
{
    w.show();
    QCoreApplication::processEvents();
    const QPixmap pix = w.grab();
    if (!pix.save(file, "PNG")) {
        std::fprintf(stderr, "nbaops-console: could not write %s\n", qPrintable(file));
        return 3;
    }
    std::printf("saved %s (%dx%d)\n", qPrintable(file), pix.width(), pix.height());
    return 0;
}

} // namespace

int runConsole(int argc, char** argv)
{
    QCoreApplication::setApplicationName(QStringLiteral("nbaops-console"));
    QCoreApplication::setOrganizationName(QStringLiteral("nbaops"));
    QCoreApplication::setApplicationVersion(qs(std::string(version())) + QStringLiteral(" (git ") +
                                            qs(std::string(gitCommit())) + QStringLiteral(")"));
    if (asksHelpOrVersion(argc, argv)) {
        QCoreApplication core(argc, argv);
        QCommandLineParser parser;
        addOptions(parser);
        parser.process(core); // prints the help or the version and exits
        return 0;
    }
    QApplication app(argc, argv);
    app.setWindowIcon(QIcon::fromTheme(QStringLiteral("nbaops-console"))); // installed in hicolor
    QCommandLineParser parser;
    const Options opts = addOptions(parser);
    const QCommandLineOption& dbOpt = opts.db;
    const QCommandLineOption& pageOpt = opts.page;
    const QCommandLineOption& shotOpt = opts.shot;
    const QCommandLineOption& backendOpt = opts.backend;
    parser.process(app);
    Scheme scheme = Scheme::Light;
    if (!parseScheme(parser.value(opts.theme), &scheme)) {
        std::fprintf(stderr, "nbaops-console: --theme takes system, light or dark\n");
        return 64;
    }
    applyScheme(app, scheme); // before any window: every page draws with it

    try {
        registry::Registry::builtin(); // validated before any window opens
    } catch (const std::exception& e) {
        std::fprintf(stderr, "nbaops-console: %s\n", e.what());
        return 3;
    }

    std::optional<cloud::CloudSettings> cloudSettings;
    QString dbPath = parser.value(dbOpt);
    try {
        const auto settings = cloud::loadSettings();
        const std::string backend = parser.isSet(backendOpt) ? ss(parser.value(backendOpt)) : settings.backend;
        if (backend != "local" && backend != "cloud") {
            std::fprintf(stderr, "nbaops-console: --backend takes local or cloud\n");
            return 64;
        }
        if (backend == "cloud") {
            if (settings.cloud.project.empty()) {
                std::fprintf(stderr, "nbaops-console: the cloud backend has no project yet: nbaops cloud configure --project ID\n");
                return 64;
            }
            cloudSettings = settings.cloud;
            if (!parser.isSet(dbOpt)) {
                dbPath = openCloudCache(settings.cloud.project);
            }
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "nbaops-console: %s\n", e.what());
        return 64;
    }
    QString db = QFileInfo(dbPath).absoluteFilePath();
    QString pageId = parser.value(pageOpt);
    const QString shot = parser.value(shotOpt);
    if (!cloudSettings && !QFileInfo::exists(db)) {
        // First start: never an empty window. The demo goes where --db points, else beside the
        // default database (so the operator's own database stays for the nightly runs).
        const QString demo = parser.isSet(dbOpt) ? db : qs((defaultDataDir() / "demo.db").string());
        FirstStartDialog first(db, demo);
        if (!shot.isEmpty())
            return saveShot(first, shot);
        if (first.exec() != QDialog::Accepted)
            return 0;
        if (first.cloud()) {
            cloudSettings = *first.cloud();
            db = openCloudCache(cloudSettings->project);
            if (!parser.isSet(pageOpt))
                pageId = QStringLiteral("settings"); // the key and the region come next
        } else {
            db = first.database();
        }
    }
    if (QFileInfo::exists(db)) {
        // Bring an older database up to this build's schema once, before the pages read it;
        // a newer or damaged one is reported by the pages themselves.
        try {
            store::Database::open(ss(db));
        } catch (const std::exception& e) {
            qCWarning(lcApp) << e.what();
        }
    }
    MainWindow window(cloudSettings ? BackendPtr(jobs::cloudBackend(*cloudSettings, ss(db)))
                                    : BackendPtr(jobs::localBackend(ss(db))));
    if (!window.page(pageId)) {
        std::fprintf(stderr, "nbaops-console: there is no page '%s'; pages: %s\n", qPrintable(pageId),
                     qPrintable(window.pageIds().join(QStringLiteral(", "))));
        return 64;
    }
    if (shot.isEmpty()) {
        window.show();
        window.showPage(pageId);
        window.watchAlerts();     // the console tells the operator, whichever page is open
        window.startCatchingUp(); // a cloud cache syncs now and every 5 minutes, if it can
        return app.exec();
    }

    // Screenshot mode: show, wait for the page's data, grab, save, exit (bounded by 60 s).
    int rc = 0;
    Page* page = window.page(pageId);
    const auto grabAndQuit = [&] {
        QTimer::singleShot(50, &window, [&] {
            const QPixmap pix = window.grab();
            if (!pix.save(shot, "PNG")) {
                std::fprintf(stderr, "nbaops-console: could not write %s\n", qPrintable(shot));
                rc = 3;
            } else {
                std::printf("saved %s (%dx%d)\n", qPrintable(shot), pix.width(), pix.height());
            }
            app.quit();
        });
    };
    QObject::connect(page, &Page::loaded, &window, grabAndQuit, Qt::SingleShotConnection);
    QObject::connect(page, &Page::failed, &window, [&](const QString& m) {
        std::fprintf(stderr, "nbaops-console: %s\n", qPrintable(m));
        rc = 3;
        grabAndQuit();
    }, Qt::SingleShotConnection);
    QTimer::singleShot(60000, &window, [&] {
        std::fprintf(stderr, "nbaops-console: the page did not load within 60 s\n");
        rc = 3;
        app.quit();
    });
    window.show();
    window.showPage(pageId);
    app.exec();
    return rc;
}

} // namespace nbaops::ui
