#include "csv.h"

#include <QFile>
#include <QTableWidget>
#include <QTextStream>

namespace nbaops::ui {

bool writeCsv(const QString& path, const QStringList& header, const QList<QStringList>& rows)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        return false;
    QTextStream out(&f);
    const auto field = [](QString s) {
        if (s.contains(QLatin1Char(',')) || s.contains(QLatin1Char('"')))
            s = QLatin1Char('"') + s.replace(QStringLiteral("\""), QStringLiteral("\"\"")) + QLatin1Char('"');
        return s;
    };
    QStringList h;
    for (const auto& c : header)
        h << field(c);
    out << h.join(QLatin1Char(',')) << '\n';
    for (const auto& r : rows) {
        QStringList cells;
        for (const auto& c : r)
            cells << field(c);
        out << cells.join(QLatin1Char(',')) << '\n';
    }
    return true;
}

bool writeTableCsv(const QTableWidget* table, const QString& path)
{
    QStringList header;
    for (int c = 0; c < table->columnCount(); ++c)
        header << (table->horizontalHeaderItem(c) ? table->horizontalHeaderItem(c)->text() : QString());
    QList<QStringList> rows;
    for (int r = 0; r < table->rowCount(); ++r) {
        QStringList row;
        for (int c = 0; c < table->columnCount(); ++c)
            row << (table->item(r, c) ? table->item(r, c)->text() : QString());
        rows << row;
    }
    return writeCsv(path, header, rows);
}

} // namespace nbaops::ui
