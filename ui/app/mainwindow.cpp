#include "mainwindow.h"

#include "alerts/alertspage.h"
#include "backfill/backfillpage.h"
#include "common/page.h"
#include "common/qtconv.h"
#include "common/theme.h"
#include "dr/drpage.h"
#include "health/healthpage.h"
#include "pipeline/pipelinepage.h"
#include "registry/registrypage.h"
#include "settings/settingspage.h"
#include "trends/trendspage.h"
#include "util/version.h"
#include "workbench/modelspage.h"

#include <QAction>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTimer>

#include <algorithm>

namespace nbaops::ui {

MainWindow::MainWindow(const QString& dbPath, QWidget* parent) : MainWindow(backendOr({}, dbPath), parent) {}

MainWindow::MainWindow(BackendPtr backend, QWidget* parent)
    : QMainWindow(parent), m_backend(std::move(backend)), m_dbPath(qs(m_backend->database().string())),
      m_sidebar(new QListWidget(this)),
      m_stack(new QStackedWidget(this)), m_dbLabel(new QLabel(this))
{
    setWindowTitle(tr("nbaops console"));
    // Every page from the keyboard: Ctrl+1..9 in the sidebar's order, Ctrl+R (or F5) refreshes.
    m_goMenu = menuBar()->addMenu(tr("&Go"));
    auto* refresh = new QAction(tr("&Refresh this page"), this);
    refresh->setObjectName(QStringLiteral("refreshAction"));
    refresh->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_R), QKeySequence(Qt::Key_F5)});
    connect(refresh, &QAction::triggered, this, [this] {
        if (auto* p = currentPage())
            p->refresh();
    });
    m_goMenu->addAction(refresh);
    m_goMenu->addSeparator();
    auto* about = menuBar()->addMenu(tr("&Help"))->addAction(tr("&About nbaops"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setShortcut(QKeySequence::HelpContents);
    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setFixedWidth(150);
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setFocusPolicy(Qt::NoFocus);
    const Theme& t = theme();
    m_sidebar->setStyleSheet(
        QStringLiteral("QListWidget#sidebar { background: %1; color: %2; padding-top: 12px; font-size: 11pt;"
                       " outline: 0; }"
                       " QListWidget#sidebar::item { padding-left: 18px; height: 38px; border-left: 4px solid transparent; }"
                       " QListWidget#sidebar::item:selected { background: %3; color: white; border-left: 4px solid %4; }"
                       " QListWidget#sidebar::item:hover:!selected { background: %5; }")
            .arg(t.sidebar.name(), t.sidebarText.name(), t.sidebarSelected.name(), t.sidebarAccent.name(),
                 t.sidebarHover.name()));
    layout->addWidget(m_sidebar);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);

    const QString& dbPath = m_dbPath;
    auto* healthPage = new HealthPage(dbPath, this, m_backend);
    addPage(healthPage);
    auto* alertsPage = new AlertsPage(dbPath, this, m_backend);
    addPage(alertsPage);
    connect(alertsPage, &AlertsPage::desktopNotification, this, &MainWindow::notify);
    addPage(new TrendsPage(dbPath, this, nullptr, m_backend));
    auto* pipelinePage = new PipelinePage(dbPath, this, m_backend);
    addPage(pipelinePage);
    // The Health page's "Next:" actions go where the work is done, and do it there.
    connect(healthPage, &HealthPage::rerunRequested, this, [this, pipelinePage](const QDate& date, const QString& only) {
        showPage(QStringLiteral("pipeline"));
        pipelinePage->runDate(date, only);
    });
    connect(healthPage, &HealthPage::openAlertsRequested, this, [this, alertsPage](const QString& filter) {
        showPage(QStringLiteral("alerts"));
        alertsPage->filterTo(filter);
    });
    auto* backfillPage = new BackfillPage(dbPath, this, m_backend);
    addPage(backfillPage);
    connect(healthPage, &HealthPage::fillGapsRequested, this, [this, backfillPage](const QDate& from, const QDate& to) {
        showPage(QStringLiteral("backfill"));
        backfillPage->planGaps(from, to);
    });
    addPage(new ModelsPage(dbPath, this));
    addPage(new DrPage(dbPath, this));
    addPage(new RegistryPage(this));
    auto* settings = new SettingsPage(m_backend, this);
    addPage(settings);
    connect(settings, &SettingsPage::syncRequested, this, &MainWindow::catchUp);

    connect(m_sidebar, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0 || row >= int(m_pages.size()))
            return;
        m_stack->setCurrentIndex(row);
        m_pages[size_t(row)]->refresh();
    });
    m_dbLabel->setObjectName(QStringLiteral("dbLabel"));
    statusBar()->addPermanentWidget(m_dbLabel);
    showBackend();
    if (m_backend->kind() == jobs::BackendKind::Cloud) {
        auto* timer = new QTimer(this); // the cache's age moves on
        connect(timer, &QTimer::timeout, this, &MainWindow::showBackend);
        timer->start(60000);
    }
    resize(1440, 900);
}

MainWindow::~MainWindow()
{
    *m_cancel = true; // a sync still running stops at its next page
}

void MainWindow::catchUp()
{
    if (m_catchingUp || m_backend->kind() == jobs::BackendKind::Local)
        return;
    m_catchingUp = true;
    statusBar()->showMessage(tr("Syncing %1 …").arg(qs(m_backend->label())));
    const BackendPtr backend = m_backend;
    const auto cancel = m_cancel;
    m_jobs.run<std::string>(
        [backend, cancel] {
            jobs::Control<jobs::CloudSyncEvent> control;
            control.cancel = cancel.get();
            return backend->catchUp(control);
        },
        [this](const std::string& line) {
            m_catchingUp = false;
            showBackend();
            statusBar()->showMessage(qs(line), 15000);
            if (auto* p = currentPage())
                p->refresh();
            Q_EMIT caughtUp(qs(line));
        },
        [this](const QString& why) {
            m_catchingUp = false;
            showBackend(); // says the last sync failed, and how old the cache is
            statusBar()->showMessage(tr("The sync failed; the cache stays as it was: %1").arg(why), 30000);
            Q_EMIT caughtUp(why);
        });
}

void MainWindow::startCatchingUp(int minutes)
{
    if (m_backend->kind() == jobs::BackendKind::Local)
        return;
    auto* timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &MainWindow::catchUp);
    timer->start(std::max(1, minutes) * 60000);
    catchUp();
}

QString MainWindow::backendText() const { return m_dbLabel->text(); }

// "Backend: local (embedded SQLite) · Database: PATH", or the cloud project with its cache's
// age: the pages read the cache and do not know the difference, the operator must.
void MainWindow::showBackend()
{
    const QString fresh = qs(m_backend->freshness());
    m_dbLabel->setText(m_backend->kind() == jobs::BackendKind::Local
                           ? tr("Backend: %1   ·   Database: %2").arg(qs(m_backend->label()), m_dbPath)
                           : tr("Backend: %1 · %2   ·   Cache: %3").arg(qs(m_backend->label()), fresh, m_dbPath));
}

void MainWindow::watchAlerts()
{
    if (auto* p = page(QStringLiteral("alerts")))
        p->refresh(); // evaluates in the background, then every minute
}

bool MainWindow::notify(const QString& title, const QString& body)
{
    if (!QSystemTrayIcon::isSystemTrayAvailable() || !QSystemTrayIcon::supportsMessages()) {
        statusBar()->showMessage(title + QStringLiteral(": ") + body.section(QLatin1Char('\n'), 0, 0), 15000);
        return false;
    }
    if (!m_tray) {
        m_tray = new QSystemTrayIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning), this);
        m_tray->setToolTip(tr("nbaops console"));
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
            showNormal();
            raise();
            activateWindow();
            showPage(QStringLiteral("alerts"));
        });
        m_tray->show();
    }
    m_tray->showMessage(title, body, QSystemTrayIcon::Warning, 15000);
    return true;
}

void MainWindow::addPage(Page* page)
{
    m_pages.push_back(page);
    m_stack->addWidget(page);
    m_sidebar->addItem(page->title());
    const int n = int(m_pages.size());
    auto* go = m_goMenu->addAction(page->title(), this, [this, id = page->pageId()] { showPage(id); });
    go->setObjectName(QStringLiteral("goAction_") + page->pageId());
    if (n <= 9) {
        go->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + n)));
        m_sidebar->item(n - 1)->setToolTip(tr("%1 (%2)").arg(page->title(), go->shortcut().toString(QKeySequence::NativeText)));
    }
    connect(page, &Page::statusMessage, this, [this](const QString& m) { statusBar()->showMessage(m, 10000); });
    connect(page, &Page::failed, this, [this](const QString& m) { statusBar()->showMessage(m); });
}

Page* MainWindow::page(const QString& id) const
{
    for (Page* p : m_pages) {
        if (p->pageId() == id)
            return p;
    }
    return nullptr;
}

QStringList MainWindow::pageIds() const
{
    QStringList ids;
    for (Page* p : m_pages)
        ids << p->pageId();
    return ids;
}

bool MainWindow::showPage(const QString& id)
{
    for (size_t i = 0; i < m_pages.size(); ++i) {
        if (m_pages[i]->pageId() == id) {
            if (m_sidebar->currentRow() == int(i))
                m_pages[i]->refresh();
            else
                m_sidebar->setCurrentRow(int(i));
            return true;
        }
    }
    return false;
}

Page* MainWindow::currentPage() const
{
    const int i = m_stack->currentIndex();
    return i >= 0 && i < int(m_pages.size()) ? m_pages[size_t(i)] : nullptr;
}

QString MainWindow::aboutText() const
{
    return tr("<b>nbaops console</b> %1<br>Built from git commit %2 with Qt %3 (running on %4).<br><br>"
              "Backend: %5<br>Database: %6<br><br>"
              "The operator console of the NBA player-props pipeline; <tt>nbaops --help</tt> lists the "
              "same work for a terminal.")
        .arg(qs(std::string(version())), qs(std::string(gitCommit())), QStringLiteral(QT_VERSION_STR),
             QString::fromLatin1(qVersion()), qs(m_backend->label()).toHtmlEscaped(), m_dbPath.toHtmlEscaped());
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About nbaops"), aboutText());
}

} // namespace nbaops::ui
