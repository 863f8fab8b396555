#pragma once
// Helpers for the GUI tests: is a page really painted, and can the keyboard go round it?
#include <QAbstractButton>
#include <QAccessible>
#include <QApplication>
#include <QImage>
#include <QSet>
#include <QStringList>
#include <QTest>
#include <QWidget>

namespace nbaops::test {

// Distinct colours sampled every 7 pixels along the row at `fraction` of the widget's height.
// A painted page of tiles or charts has many; a blank or not-yet-laid-out one has one or two.
inline qsizetype coloursAcross(QWidget& w, double fraction)
{
    const QImage img = w.grab().toImage();
    QSet<QRgb> colours;
    const int y = static_cast<int>(img.height() * fraction);
    for (int x = 0; x < img.width(); x += 7)
        colours.insert(img.pixel(x, y));
    return colours.size();
}

// A control as a failure names it: its class, object name, text and place in the window.
inline QString describe(const QWidget* w)
{
    if (!w)
        return QStringLiteral("nothing");
    const QString name = w->objectName().isEmpty() ? QStringLiteral("?") : w->objectName();
    QString text;
    if (const auto* b = qobject_cast<const QAbstractButton*>(w))
        text = b->text();
    const QRect r(w->mapTo(w->window(), QPoint(0, 0)), w->size());
    return QStringLiteral("%1 %2%3 at %4,%5").arg(QString::fromLatin1(w->metaObject()->className()), name,
                                                  text.isEmpty() ? QString() : QStringLiteral(" \"") + text + u'"')
        .arg(r.x()).arg(r.y());
}

// Tab from the first control of `page` round to it again; what went wrong, each naming `where`.
inline QStringList walkTabs(QWidget& w, QWidget* page, const QString& where)
{
    QStringList problems;
    QList<QWidget*> reachable;
    for (auto* c : page->findChildren<QWidget*>())
        if (c->isVisibleTo(&w) && c->isEnabled() && (c->focusPolicy() & Qt::TabFocus) && !c->focusProxy())
            reachable << c;
    if (reachable.isEmpty())
        return {where + QStringLiteral(": no control takes the keyboard focus")};
    QWidget* first = page->nextInFocusChain();
    while (!reachable.contains(first))
        first = first->nextInFocusChain();
    first->setFocus(Qt::TabFocusReason);
    if (!QTest::qWaitFor([&] { return QApplication::focusWidget() == first; }, 2000))
        return {where + QStringLiteral(": the focus does not go to ") + describe(first)};
    // A date's Tab steps through its day, month and year before it moves on; anything else
    // that keeps the focus past a few presses traps the keyboard.
    QList<QWidget*> visited{first};
    int sameFor = 0;
    for (qsizetype i = 0; i < 8 * reachable.size() + 10 && sameFor < 6; ++i) {
        QWidget* before = QApplication::focusWidget();
        QTest::keyClick(before, Qt::Key_Tab);
        QWidget* f = QApplication::focusWidget();
        sameFor = f == before ? sameFor + 1 : 0;
        if (f == before)
            continue;
        if (f == first || !f)
            break;
        if (visited.contains(f)) {
            problems << where + QStringLiteral(": Tab comes back to ") + describe(f) + QStringLiteral(" before the first control");
            break;
        }
        visited << f;
    }
    if (QApplication::focusWidget() != first)
        problems << where + QStringLiteral(": Tab does not come back round (stuck at ") +
                        describe(QApplication::focusWidget()) + u')';
    for (auto* c : reachable) {
        if (!visited.contains(c))
            problems << where + QStringLiteral(": out of Tab's reach: ") + describe(c);
        // What a screen reader says on arriving: its text, its label's, or a name of its own.
        const QAccessibleInterface* a = QAccessible::queryAccessibleInterface(c);
        if (!a || a->text(QAccessible::Name).trimmed().isEmpty())
            problems << where + QStringLiteral(": no accessible name: ") + describe(c);
    }
    for (qsizetype i = 1; i < visited.size(); ++i) {
        if (!page->isAncestorOf(visited[i]) || !page->isAncestorOf(visited[i - 1]))
            continue;
        const QRect a(visited[i - 1]->mapTo(&w, QPoint(0, 0)), visited[i - 1]->size());
        const QRect b(visited[i]->mapTo(&w, QPoint(0, 0)), visited[i]->size());
        const bool below = b.top() >= a.top() - 4 && (b.top() > a.bottom() - 4 || b.left() >= a.left());
        const bool nextColumn = b.left() >= a.right() - 4;
        if (!below && !nextColumn)
            problems << where + QStringLiteral(": Tab goes back from ") + describe(visited[i - 1]) +
                            QStringLiteral(" to ") + describe(visited[i]);
    }
    return problems;
}

} // namespace nbaops::test
