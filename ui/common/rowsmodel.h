#pragma once

#include <QAbstractTableModel>

#include <vector>

namespace nbaops::ui {

// A table model over a vector of engine result values (rows), replaced whole by resetData().
template <typename Row>
class RowsModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex& parent = {}) const override
    {
        return parent.isValid() ? 0 : int(m_rows.size());
    }
    void resetData(const std::vector<Row>& rows)
    {
        beginResetModel();
        m_rows = rows;
        endResetModel();
    }
    const std::vector<Row>& rows() const { return m_rows; }

protected:
    const Row* rowAt(const QModelIndex& index) const
    {
        return index.isValid() && index.row() < int(m_rows.size()) ? &m_rows[size_t(index.row())] : nullptr;
    }
    std::vector<Row> m_rows;
};

} // namespace nbaops::ui
