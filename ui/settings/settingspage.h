#pragma once

#include "common/backend.h"
#include "common/jobtracker.h"
#include "common/page.h"

#include <array>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;

namespace nbaops::ui {

class TextTableModel;

// The console's settings: which backend the console and the CLI open (settings.json), the cloud
// project's coordinates and cost cap, and the secrets — each with where it comes from, its age
// and its rotation, set (never shown back) or deleted in the OS keychain. No value is ever
// displayed, logged or written outside the keychain.
class SettingsPage : public Page
{
    Q_OBJECT
public:
    explicit SettingsPage(BackendPtr backend, QWidget* parent = nullptr);
    QString pageId() const override { return QStringLiteral("settings"); }
    QString title() const override { return tr("Settings"); }
    void refresh() override;

    // What the buttons do after their dialogs (the tests call them directly).
    void setSecret(const QString& name, const QString& value);
    void deleteSecret(const QString& name);
    bool saveSettings(); // false with the reason on the page when a field is wrong
    TextTableModel* secretsModel() const { return m_secrets; }
    QString message() const;

Q_SIGNALS:
    void secretChanged(const QString& name);
    void settingsSaved();
    void syncRequested(); // "Sync now" (cloud backend): the window syncs its cache

private:
    QWidget* buildBackendBox();
    QWidget* buildSecretsBox();
    void loadSettingsIntoForm();
    QString selectedSecret() const;
    void audit(const std::string& action, const std::string& detail);
    void say(const QString& text, bool problem = false);

    BackendPtr m_backend;
    JobTracker m_jobs{this};
    QLabel* m_current;
    QComboBox* m_choice;
    QLineEdit* m_project;
    QLineEdit* m_region;
    QLineEdit* m_location;
    std::array<QLineEdit*, 5> m_datasets; // raw, analytics, precompute, predictions, reference
    QSpinBox* m_capGiB;
    QLabel* m_services;
    QPushButton* m_save;
    QPushButton* m_sync;
    TextTableModel* m_secrets;
    QTableView* m_secretsView;
    QPushButton* m_set;
    QPushButton* m_delete;
    QLabel* m_message;
};

} // namespace nbaops::ui
