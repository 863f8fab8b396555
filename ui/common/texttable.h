#pragma once

#include <QAbstractTableModel>
#include <QColor>
#include <QStringList>

#include <vector>

namespace nbaops::ui {

// Rows of text with an optional background per row: read-only lists (alerts, SLAs, gaps, checks).
class TextTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    TextTableModel(QStringList headers, QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    void reset(std::vector<QStringList> rows, std::vector<QColor> colours = {});
    // What a column's figures are, for those that carry no unit (the header's tooltip).
    void setHeaderToolTips(QStringList tips) { m_tips = std::move(tips); }
    QString cell(int row, int column) const;

private:
    QStringList m_headers;
    QStringList m_tips;
    std::vector<QStringList> m_rows;
    std::vector<QColor> m_colours;
};

} // namespace nbaops::ui
