#pragma once

#include <QMainWindow>

#include <vector>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace nbaops::ui {

class Page;

// The console: a sidebar of pages, the page, and a status bar with the database and backend.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const QString& dbPath, QWidget* parent = nullptr);
    ~MainWindow() override;

    Page* page(const QString& id) const;
    QStringList pageIds() const;
    bool showPage(const QString& id); // false for an unknown id
    Page* currentPage() const;

private:
    void addPage(Page* page);
    QListWidget* m_sidebar;
    QStackedWidget* m_stack;
    QLabel* m_dbLabel;
    std::vector<Page*> m_pages;
};

} // namespace nbaops::ui
