#pragma once

#include <QAbstractTableModel>

#include <set>
#include <string>
#include <vector>

namespace nbaops::registry {
class Registry;
}

namespace nbaops::ui {

// The processor registry in topological order.
class RegistryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Phase, Criticality, DependsOn, Frequency, Sla, Timeout, Records, Build, ColumnCount };
    RegistryModel(const registry::Registry& reg, std::set<std::string> implemented, QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    QString processorAt(int row) const;

private:
    const registry::Registry& m_registry;
    std::vector<std::string> m_order;
    std::set<std::string> m_implemented;
};

} // namespace nbaops::ui
