#pragma once

#include "pipeline/history.h"
#include "pipeline/runner.h"

#include <QAbstractTableModel>
#include <QDate>

#include <vector>

namespace nbaops::ui {

// One row per processor this build runs, in dependency order, with its state for the date
// being shown: waiting, running, or the outcome of its latest run.
class PipelineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Processor, Phase, State, Source, Records, Duration, Message, ColumnCount };
    enum Role { StateRole = Qt::UserRole + 1, PhaseRole, DependsOnRole, FallbackRole };

    explicit PipelineModel(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

    void showHistory(const pipeline::DateRuns& runs); // the latest runs of a date
    void startDate(const QDate& date);                // every processor waiting
    void setRunning(const QString& processor);
    void setResult(const pipeline::ProcessorResult& result);
    QDate date() const { return m_date; }
    int rowOf(const QString& processor) const;

private:
    struct Row
    {
        QString name;
        int phase = 0;
        QStringList dependsOn;
        QStringList fallbacks; // dependencies that stand in for a preferred one (any_of)
        QString state = QStringLiteral("not_run");
        qint64 records = 0;
        qint64 durationMs = 0;
        QString message;
        QString source;
    };
    std::vector<Row> m_rows;
    QDate m_date;
    void changed(int row);
};

} // namespace nbaops::ui
