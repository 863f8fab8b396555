#pragma once

#include "common/backend.h"
#include "common/jobtracker.h"

#include <QMainWindow>

#include <atomic>
#include <memory>
#include <vector>

class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;
class QSystemTrayIcon;

namespace nbaops::ui {

class Page;

// The console: a sidebar of pages, the page, and a status bar with the database and backend.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // The pages over `backend`'s database, acting through it; the status bar names it and, for
    // a cloud project's cache, says how old it is.
    explicit MainWindow(BackendPtr backend, QWidget* parent = nullptr);
    // The local backend on `dbPath`.
    explicit MainWindow(const QString& dbPath, QWidget* parent = nullptr);
    ~MainWindow() override;

    Page* page(const QString& id) const;
    QStringList pageIds() const;
    bool showPage(const QString& id); // false for an unknown id
    Page* currentPage() const;
    // Evaluates the alert rules now and every minute from now on, whichever page is shown;
    // the console's notifications go to the system tray when there is one (else the status bar).
    void watchAlerts();
    // Shows one of the console's alert notifications; true when the system tray showed it.
    bool notify(const QString& title, const QString& body);

    QString backendText() const;
    // What Help > About (F1) says: the version, the git commit, Qt's version, the backend and
    // its database.
    QString aboutText() const;
    // Brings the backend's database up to date in the background (a cloud project's cache
    // syncs); then the status bar and the page shown refresh. Without a network it fails, says
    // so in the status bar, and the cache stays as it was.
    void catchUp();
    // Catches up now and every `minutes` from now on (cloud backend; the local one is current).
    void startCatchingUp(int minutes = 5);
    bool isCatchingUp() const { return m_catchingUp; }

Q_SIGNALS:
    void caughtUp(const QString& outcome); // the sync's line, or why it failed

private:
    void addPage(Page* page);
    void showAbout();
    void showBackend();
    BackendPtr m_backend;
    QString m_dbPath;
    QMenu* m_goMenu;
    QListWidget* m_sidebar;
    QStackedWidget* m_stack;
    QLabel* m_dbLabel;
    QSystemTrayIcon* m_tray = nullptr;
    JobTracker m_jobs{this};
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
    bool m_catchingUp = false;
    std::vector<Page*> m_pages;
};

} // namespace nbaops::ui
