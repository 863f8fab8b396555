#include "mainwindow.h"

#include "alerts/alertspage.h"
#include "backfill/backfillpage.h"
#include "common/page.h"
#include "common/qtconv.h"
#include "dr/drpage.h"
#include "health/healthpage.h"
#include "jobs/cloudsync.h"
#include "pipeline/pipelinepage.h"
#include "registry/registrypage.h"
#include "store/database.h"
#include "trends/trendspage.h"
#include "util/date.h"
#include "workbench/modelspage.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTimer>

namespace nbaops::ui {

MainWindow::MainWindow(const QString& dbPath, QWidget* parent, const QString& cloudProject)
    : QMainWindow(parent), m_dbPath(dbPath), m_cloudProject(cloudProject), m_sidebar(new QListWidget(this)),
      m_stack(new QStackedWidget(this)), m_dbLabel(new QLabel(this))
{
    setWindowTitle(tr("nbaops console"));
    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setFixedWidth(150);
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setFocusPolicy(Qt::NoFocus);
    m_sidebar->setStyleSheet(QStringLiteral(
        "QListWidget#sidebar { background: #202124; color: #e8eaed; padding-top: 12px; font-size: 11pt;"
        " outline: 0; }"
        " QListWidget#sidebar::item { padding-left: 18px; height: 38px; border-left: 4px solid transparent; }"
        " QListWidget#sidebar::item:selected { background: #3c4043; color: white; border-left: 4px solid #8ab4f8; }"
        " QListWidget#sidebar::item:hover:!selected { background: #2d2e31; }"));
    layout->addWidget(m_sidebar);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);

    auto* healthPage = new HealthPage(dbPath, this);
    addPage(healthPage);
    auto* alertsPage = new AlertsPage(dbPath, this);
    addPage(alertsPage);
    connect(alertsPage, &AlertsPage::desktopNotification, this, &MainWindow::notify);
    addPage(new TrendsPage(dbPath, this));
    addPage(new PipelinePage(dbPath, this));
    auto* backfillPage = new BackfillPage(dbPath, this);
    addPage(backfillPage);
    connect(healthPage, &HealthPage::fillGapsRequested, this, [this, backfillPage](const QDate& from, const QDate& to) {
        showPage(QStringLiteral("backfill"));
        backfillPage->planGaps(from, to);
    });
    addPage(new ModelsPage(dbPath, this));
    addPage(new DrPage(dbPath, this));
    addPage(new RegistryPage(this));

    connect(m_sidebar, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0 || row >= int(m_pages.size()))
            return;
        m_stack->setCurrentIndex(row);
        m_pages[size_t(row)]->refresh();
    });
    m_dbLabel->setObjectName(QStringLiteral("dbLabel"));
    statusBar()->addPermanentWidget(m_dbLabel);
    showBackend();
    if (!m_cloudProject.isEmpty()) {
        auto* timer = new QTimer(this); // the cache's age moves on
        connect(timer, &QTimer::timeout, this, &MainWindow::showBackend);
        timer->start(60000);
    }
    resize(1440, 900);
}

MainWindow::~MainWindow() = default;

QString MainWindow::backendText() const { return m_dbLabel->text(); }

// "Backend: local (embedded SQLite) · Database: PATH", or the cloud project with its cache's
// age: the pages read the cache and do not know the difference, the operator must.
void MainWindow::showBackend()
{
    if (m_cloudProject.isEmpty()) {
        m_dbLabel->setText(tr("Backend: local (embedded SQLite)   ·   Database: %1").arg(m_dbPath));
        return;
    }
    QString age = tr("never synced: nbaops cloud sync");
    try {
        auto db = store::Database::open(ss(m_dbPath), store::Database::Mode::ReadOnly);
        const auto st = jobs::cloudSyncState(db, std::chrono::system_clock::now());
        if (st.ageSeconds) {
            age = tr("synced %1 ago (%2 runs)").arg(qs(ageText(*st.ageSeconds))).arg(st.rowsTotal);
        }
        if (!st.lastError.empty())
            age += tr("   ·   last sync failed: %1").arg(qs(st.lastError).left(80));
    } catch (const std::exception& e) {
        age = tr("cache unreadable: %1").arg(qs(e.what()));
    }
    m_dbLabel->setText(tr("Backend: cloud · %1 · %2   ·   Cache: %3").arg(m_cloudProject, age, m_dbPath));
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

} // namespace nbaops::ui
