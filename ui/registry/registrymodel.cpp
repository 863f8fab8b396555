#include "registrymodel.h"

#include "common/statestyle.h"
#include "common/theme.h"

#include "common/qtconv.h"
#include "registry/registry.h"

#include <QBrush>
#include <QColor>

namespace nbaops::ui {

RegistryModel::RegistryModel(const registry::Registry& reg, std::set<std::string> implemented, QObject* parent)
    : QAbstractTableModel(parent), m_registry(reg), m_order(reg.topologicalOrder()),
      m_implemented(std::move(implemented))
{
}

int RegistryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_order.size());
}
int RegistryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RegistryModel::processorAt(int row) const
{
    return row >= 0 && row < int(m_order.size()) ? qs(m_order[size_t(row)]) : QString();
}

QVariant RegistryModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_order.size()))
        return {};
    const auto& p = m_registry.get(m_order[size_t(index.row())]);
    const bool built = m_implemented.count(p.name) > 0;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name: return qs(p.name);
        case Phase: return QStringLiteral("%1 %2").arg(p.phase).arg(qs(m_registry.phaseName(p.phase)));
        case Criticality: return qs(registry::toString(p.criticality));
        case DependsOn: {
            const std::string deps = p.dependencyText();
            return deps.empty() ? QStringLiteral("-") : qs(deps);
        }
        case Frequency: return qs(p.frequency);
        case Sla: return qs(p.slaCompletion);
        case Timeout: return tr("%1 s").arg(p.timeoutSeconds);
        case Records: return QStringLiteral("%1 – %2").arg(p.minRecords).arg(p.maxRecords);
        case Build: return built ? tr("runs") : tr("registered");
        }
    }
    if (role == Qt::ToolTipRole)
        return qs(p.description);
    if (role == Qt::ForegroundRole && !built)
        return QBrush(theme().muted);
    if (role == Qt::ForegroundRole && index.column() == Criticality && p.criticality == registry::Criticality::Critical)
        return QBrush(styleFor(health::State::Failed).foreground);
    return {};
}

QVariant RegistryModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Processor");
    case Phase: return tr("Phase");
    case Criticality: return tr("Criticality");
    case DependsOn: return tr("Depends on");
    case Frequency: return tr("Frequency");
    case Sla: return tr("SLA (ET, next morning)");
    case Timeout: return tr("Timeout");
    case Records: return tr("Expected records");
    case Build: return tr("This build");
    }
    return {};
}

} // namespace nbaops::ui
