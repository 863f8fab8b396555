#include "widgets.h"

#include "theme.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>

namespace nbaops::ui {

QLabel* makeHeading(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    QFont f = l->font();
    f.setPointSizeF(f.pointSizeF() * 1.5);
    f.setBold(true);
    l->setFont(f);
    return l;
}

QLabel* makeSubtitle(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    l->setStyleSheet(QStringLiteral("color: %1;").arg(theme().muted.name()));
    l->setWordWrap(true);
    return l;
}

QTableView* makeTable(QAbstractItemModel* model, QWidget* parent, const QString& name)
{
    auto* v = new QTableView(parent);
    v->setAccessibleName(name);
    v->setModel(model);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->setEditTriggers(QAbstractItemView::NoEditTriggers);
    v->setAlternatingRowColors(true);
    v->verticalHeader()->hide();
    v->verticalHeader()->setDefaultSectionSize(24);
    v->horizontalHeader()->setHighlightSections(false);
    v->setWordWrap(false);
    // Rows are chosen whole, with the arrows; Tab moves on to the next control rather than
    // through every cell of a table of thousands.
    v->setTabKeyNavigation(false);
    return v;
}

QLabel* makeDetailPane(const QString& objectName, QWidget* parent)
{
    auto* l = new QLabel(parent);
    l->setObjectName(objectName);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    l->setStyleSheet(QStringLiteral("background: %1; border: 1px solid %2; border-radius: 4px; padding: 6px;")
                         .arg(l->palette().color(QPalette::Base).name(), theme().cardBorder.name()));
    return l;
}

QLabel* makeLabelFor(const QString& text, QWidget* buddy, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    l->setBuddy(buddy);
    return l;
}

void chainTabs(std::initializer_list<QWidget*> order)
{
    const QWidget* last = nullptr;
    for (auto* w : order) {
        if (last)
            QWidget::setTabOrder(const_cast<QWidget*>(last), w);
        last = w;
    }
}

} // namespace nbaops::ui
