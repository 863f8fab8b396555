#include "texttable.h"

namespace nbaops::ui {

TextTableModel::TextTableModel(QStringList headers, QObject* parent)
    : QAbstractTableModel(parent), m_headers(std::move(headers))
{
}

int TextTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int TextTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_headers.size()); }

QVariant TextTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
        return cell(index.row(), index.column());
    if (role == Qt::BackgroundRole && size_t(index.row()) < m_colours.size() && m_colours[size_t(index.row())].isValid())
        return m_colours[size_t(index.row())];
    return {};
}

QVariant TextTableModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o == Qt::Horizontal && role == Qt::DisplayRole && section < m_headers.size())
        return m_headers[section];
    if (o == Qt::Horizontal && role == Qt::ToolTipRole && section < m_tips.size() && !m_tips[section].isEmpty())
        return m_tips[section];
    return {};
}

void TextTableModel::reset(std::vector<QStringList> rows, std::vector<QColor> colours)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_colours = std::move(colours);
    endResetModel();
}

QString TextTableModel::cell(int row, int column) const
{
    if (row < 0 || row >= int(m_rows.size()) || column < 0 || column >= m_rows[size_t(row)].size())
        return {};
    return m_rows[size_t(row)][column];
}

} // namespace nbaops::ui
