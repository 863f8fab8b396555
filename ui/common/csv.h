#pragma once

#include <QList>
#include <QString>
#include <QStringList>

class QTableWidget;

namespace nbaops::ui {

// RFC 4180 CSV (fields with commas or quotes quoted). False when the file cannot be written.
bool writeCsv(const QString& path, const QStringList& header, const QList<QStringList>& rows);
// A table widget as CSV, as shown (header and cells).
bool writeTableCsv(const QTableWidget* table, const QString& path);

} // namespace nbaops::ui
