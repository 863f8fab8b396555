#pragma once

#include "common/rowsmodel.h"
#include "dr/backup.h"
#include "dr/drill.h"

#include <QString>

namespace nbaops::ui {

// The backups of a folder, newest first: kind, when, size, last verify, last test-restore.
class BackupsModel : public RowsModel<dr::BackupEntry>
{
    Q_OBJECT
public:
    using RowsModel::RowsModel;
    int columnCount(const QModelIndex& = {}) const override { return 6; }
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
};

// The steps of the drill being walked (or of one from the history).
class DrillStepsModel : public RowsModel<dr::DrillStep>
{
    Q_OBJECT
public:
    using RowsModel::RowsModel;
    int columnCount(const QModelIndex& = {}) const override { return 4; }
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    void setStep(size_t i, const dr::DrillStep& s);
    // The running step's timer, shown in its time column.
    void setRunning(int row, double seconds);

private:
    int m_running = -1;
    double m_runningSeconds = 0;
};

class DrillHistoryModel : public RowsModel<dr::DrillSummary>
{
    Q_OBJECT
public:
    using RowsModel::RowsModel;
    int columnCount(const QModelIndex& = {}) const override { return 7; }
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
};

struct AuditRow
{
    qint64 id = 0;
    QString at, actor, action, detail, args, result;
};

class AuditModel : public RowsModel<AuditRow>
{
    Q_OBJECT
public:
    using RowsModel::RowsModel;
    int columnCount(const QModelIndex& = {}) const override { return 6; }
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
};

QString sizeText(qint64 bytes);
// Engine text for a rich-text label.
inline QString htmlText(const std::string& s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

} // namespace nbaops::ui
