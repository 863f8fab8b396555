#pragma once

#include "cloud/settings.h"

#include <QDialog>

#include <atomic>
#include <memory>
#include <optional>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace nbaops::ui {

// The console's first start: no database where it looks. Instead of an empty window it offers
// to build the demo (the simulated league's 14 nights with injected faults), to open a
// database, or to connect to the cloud project; what the user picks is what the window opens.
class FirstStartDialog : public QDialog
{
    Q_OBJECT
public:
    // `missing`: the database the console looked for; `demo`: where the demo is built.
    FirstStartDialog(const QString& missing, const QString& demo, QWidget* parent = nullptr);
    ~FirstStartDialog() override;

    // What to open once accepted: a local database, or the cloud project's settings.
    QString database() const { return m_database; }
    const std::optional<cloud::CloudSettings>& cloud() const { return m_cloud; }

    // What the three choices do after their dialogs (the tests call them directly).
    void buildDemo();                                  // in the background; accepts when done
    bool openDatabase(const QString& path);            // false with the reason shown
    bool connectCloud(const QString& project);         // saves settings.json; false with why
    QString message() const;

Q_SIGNALS:
    void demoProgress(const QString& line);

private:
    QWidget* buildChoices(const QString& missing);
    QWidget* buildCloudForm();
    QWidget* buildProgress();
    void say(const QString& text, bool problem);

    QString m_demoPath;
    QString m_database;
    std::optional<cloud::CloudSettings> m_cloud;
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
    QStackedWidget* m_stack;
    QLineEdit* m_project = nullptr;
    QLabel* m_step = nullptr;
    QProgressBar* m_bar = nullptr;
    QPushButton* m_stop = nullptr;
    QLabel* m_message;
};

} // namespace nbaops::ui
