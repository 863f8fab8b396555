#pragma once

#include "model/versions.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace nbaops::ui {

class VersionsModel;

// The registered versions: the table, what serves now (champion, rollout, retraining
// triggers), compare with the champion, promote, export, and the result of the last action.
class VersionsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit VersionsPanel(QWidget* parent = nullptr);

    void setVersions(const std::vector<model::ModelVersion>& versions); // newest first
    const std::vector<model::ModelVersion>& versions() const;
    void setServing(const QString& html);
    void setActionResult(const QString& text);
    void select(int row);
    QString selected() const; // "" when none
    // The table as CSV into `path`; false when it could not be written.
    bool exportCsv(const QString& path) const;

Q_SIGNALS:
    void selectionChanged(const QString& version);
    void compareRequested();
    void diffRequested();
    void promoteRequested();
    void exportRequested();

private:
    VersionsModel* m_model;
    QTableView* m_table;
    QPushButton* m_compare;
    QPushButton* m_diff;
    QPushButton* m_promote;
    QPushButton* m_export;
    QLabel* m_actionResult;
    QLabel* m_serving;
};

} // namespace nbaops::ui
