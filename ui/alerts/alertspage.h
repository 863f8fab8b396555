#pragma once

#include "jobs/alertcycle.h"
#include "alerts/engine.h"
#include "common/jobtracker.h"
#include "common/backend.h"
#include "common/page.h"
#include "common/texttable.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;
class QLineEdit;
class QTimer;

namespace nbaops::ui {

// What the Alerts page shows, read in the background.
struct AlertsSnapshot
{
    std::vector<alerts::AlertView> open;
    std::vector<alerts::EventView> events;
    std::vector<alerts::NotificationView> notifications;
    std::vector<alerts::SilenceView> silences;
    std::string rulesOrigin;
    std::vector<std::string> receivers; // "chat: webhook, not configured (set ...)"
    std::optional<jobs::AlertCycle> cycle; // when the page evaluated the rules first
    std::vector<alerts::Message> desktop; // notifications for this console
};

// Firing, pending and recently resolved alerts; acknowledge, silence, history, what each
// silence held back. While open it evaluates the rules every minute (as cron would) and shows
// the console's own notifications.
class AlertsPage : public Page
{
    Q_OBJECT
public:
    // `backend` shares acknowledgements and silences with the cloud's other operators (see
    // jobs::Backend::share); without one, the local database on `dbPath`.
    explicit AlertsPage(QString dbPath, QWidget* parent = nullptr, BackendPtr backend = {});
    QString pageId() const override { return QStringLiteral("alerts"); }
    QString title() const override { return tr("Alerts"); }
    void refresh() override;
    // Measures the rules now, updates the alerts, sends what is due, then shows the result.
    void evaluateNow();

    // Acts on the selected open alert / silence: false (with the reason in statusMessage) when
    // nothing suitable is selected or the input is refused; true when the change is being
    // written, off the GUI thread. The outcome arrives in statusMessage, then the page reloads.
    bool acknowledgeSelected(const QString& who, const QString& comment);
    bool silence(const QStringList& matchers, const QString& duration, const QString& who, const QString& comment);
    bool endSelectedSilence();
    // The matchers a silence of the selected alert starts from (its rule and labels).
    QStringList matchersForSelected() const;
    // Shows the firing and pending alerts whose rule, summary or labels contain `text` (the
    // Health page's "Next:" actions open the page this way); "" shows them all.
    void filterTo(const QString& text);

    TextTableModel* openModel() const { return m_open; }
    TextTableModel* eventsModel() const { return m_events; }
    TextTableModel* notificationsModel() const { return m_notes; }
    TextTableModel* silencesModel() const { return m_silences; }
    QTabWidget* tabs() const { return m_tabs; }
    QTableView* openView() const { return m_openView; }
    QTableView* silencesView() const { return m_silenceView; }
    int desktopShown() const { return m_desktopShown; }

Q_SIGNALS:
    void desktopNotification(const QString& title, const QString& body);

private:
    void load(bool evaluate);
    // Runs a change to the database on the thread pool; its message (or error) goes to the
    // status bar and the page reloads.
    void write(std::function<QString(store::Database&)> change);
    void display(const AlertsSnapshot& s);
    void openSilenceDialog();
    void acknowledgeDialog();
    std::optional<int64_t> selectedAlert() const;
    void showDetail(int row);
    void applyFilter();

    QString m_dbPath;
    BackendPtr m_backend;
    JobTracker m_jobs{this};
    JobTracker m_writes{this}; // separate: a reload must not drop a write's outcome
    std::vector<alerts::AlertView> m_alerts;
    std::vector<alerts::SilenceView> m_silenceRows;
    QLabel* m_summary;
    QLabel* m_receivers;
    QPushButton* m_evaluate;
    QPushButton* m_ack;
    QPushButton* m_silence;
    QPushButton* m_unsilence;
    QTabWidget* m_tabs;
    QLineEdit* m_filter;
    TextTableModel* m_open;
    TextTableModel* m_events;
    TextTableModel* m_notes;
    TextTableModel* m_silences;
    QTableView* m_openView;
    QTableView* m_silenceView;
    QLabel* m_detail;
    QTimer* m_timer;
    int m_desktopShown = 0;
    bool m_evaluated = false; // the first showing measures the rules (the page then does every minute)
};

} // namespace nbaops::ui
