#pragma once

#include <initializer_list>

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
// A read-only table of whole rows, as every page shows them; `name` is what a screen reader says
// on reaching it (what the table holds, as its box or tab calls it).
QTableView* makeTable(QAbstractItemModel* model, QWidget* parent, const QString& name);
// A white, word-wrapped, selectable pane for the details of the selected row.
QLabel* makeDetailPane(const QString& objectName, QWidget* parent);
// A label naming `buddy`: a screen reader says it on reaching the control.
QLabel* makeLabelFor(const QString& text, QWidget* buddy, QWidget* parent);
// Tab visits these in this order, for controls created in another order than they are laid out.
void chainTabs(std::initializer_list<QWidget*> order);

} // namespace nbaops::ui
