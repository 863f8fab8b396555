#pragma once

class QAbstractItemModel;
class QLabel;
class QString;
class QTableView;
class QWidget;

namespace nbaops::ui {

// The page title, large and bold.
QLabel* makeHeading(const QString& text, QWidget* parent);
// A grey explanatory line under a heading.
QLabel* makeSubtitle(const QString& text, QWidget* parent);
// A read-only table of whole rows, as every page shows them.
QTableView* makeTable(QAbstractItemModel* model, QWidget* parent);
// A white, word-wrapped, selectable pane for the details of the selected row.
QLabel* makeDetailPane(const QString& objectName, QWidget* parent);

} // namespace nbaops::ui
