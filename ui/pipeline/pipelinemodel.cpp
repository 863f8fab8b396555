#include "pipelinemodel.h"

#include "common/qtconv.h"
#include "common/statestyle.h"
#include "registry/registry.h"

#include <QBrush>

namespace nbaops::ui {

PipelineModel::PipelineModel(QObject* parent) : QAbstractTableModel(parent)
{
    const auto& reg = registry::Registry::builtin();
    const auto impl = pipeline::Runner::implementedProcessors();
    for (const auto& name : reg.topologicalOrder()) {
        if (std::find(impl.begin(), impl.end(), name) == impl.end())
            continue;
        Row r;
        r.name = qs(name);
        r.phase = reg.get(name).phase;
        for (const auto& d : reg.get(name).dependsOn) {
            if (std::find(impl.begin(), impl.end(), d) != impl.end())
                r.dependsOn << qs(d);
        }
        for (const auto& group : reg.get(name).anyOf) {
            for (size_t i = 1; i < group.size(); ++i)
                r.fallbacks << qs(group[i]);
        }
        m_rows.push_back(r);
    }
}

int PipelineModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int PipelineModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

int PipelineModel::rowOf(const QString& processor) const
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].name == processor)
            return int(i);
    }
    return -1;
}

QVariant PipelineModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const Row& r = m_rows[size_t(index.row())];
    switch (role) {
    case StateRole: return r.state;
    case PhaseRole: return r.phase;
    case DependsOnRole: return r.dependsOn;
    case FallbackRole: return r.fallbacks;
    case Qt::ToolTipRole: return r.message.isEmpty() ? r.state : r.message;
    case Qt::ForegroundRole:
        if (index.column() == State)
            return QBrush(styleForCategory(r.state == QLatin1String("skipped") ? QStringLiteral("success") : r.state).foreground);
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case Processor: return r.name;
        case Phase: return r.phase;
        case State: return r.state;
        case Records: return r.records;
        case Duration: return tr("%1 ms").arg(r.durationMs);
        case Message: return r.message;
        case Source: return r.source;
        }
        return {};
    default: return {};
    }
}

QVariant PipelineModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o == Qt::Horizontal && role == Qt::ToolTipRole && section == Records)
        return tr("Records the processor wrote: payloads for a scraper, rows for the others");
    if (o == Qt::Horizontal && role == Qt::ToolTipRole && section == Phase)
        return tr("The pipeline's phase, 1 (scrapers) to 6 (publishing)");
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Processor: return tr("Processor");
    case Phase: return tr("Phase");
    case State: return tr("State");
    case Records: return tr("Records");
    case Duration: return tr("Duration");
    case Message: return tr("Message");
    case Source: return tr("Source");
    }
    return {};
}

void PipelineModel::showHistory(const pipeline::DateRuns& runs)
{
    beginResetModel();
    m_date = runs.date ? toQDate(*runs.date) : QDate();
    for (auto& row : m_rows) {
        row.state = QStringLiteral("not_run");
        row.records = row.durationMs = 0;
        row.message.clear();
        row.source.clear();
        for (const auto& r : runs.runs) {
            if (qs(r.processor) != row.name)
                continue;
            row.state = r.skipped ? QStringLiteral("skipped") : qs(r.category.empty() ? r.status : r.category);
            row.records = r.recordsOut;
            row.durationMs = r.durationMs;
            row.message = qs(r.error);
            row.source = qs(r.source);
        }
    }
    endResetModel();
}

void PipelineModel::startDate(const QDate& date)
{
    beginResetModel();
    m_date = date;
    for (auto& row : m_rows) {
        row.state = QStringLiteral("waiting");
        row.records = row.durationMs = 0;
        row.message.clear();
        row.source.clear();
    }
    endResetModel();
}

void PipelineModel::setRunning(const QString& processor)
{
    const int i = rowOf(processor);
    if (i < 0)
        return;
    m_rows[size_t(i)].state = QStringLiteral("running");
    changed(i);
}

void PipelineModel::setResult(const pipeline::ProcessorResult& res)
{
    const int i = rowOf(qs(res.processor));
    if (i < 0)
        return;
    Row& r = m_rows[size_t(i)];
    r.state = res.skipped ? QStringLiteral("skipped") : qs(pipeline::toString(res.outcome.category));
    r.records = res.outcome.recordsOut;
    r.durationMs = res.durationMs;
    r.message = qs(res.outcome.error);
    r.source = qs(res.outcome.source);
    changed(i);
}

void PipelineModel::changed(int row)
{
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

} // namespace nbaops::ui
