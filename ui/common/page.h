#pragma once

#include <QString>
#include <QWidget>

namespace nbaops::ui {

// A page of the console. Pages load their data in the background and say when it is shown,
// which --screenshot waits for.
class Page : public QWidget
{
    Q_OBJECT
public:
    using QWidget::QWidget;
    virtual QString pageId() const = 0;   // "health", used by --page
    virtual QString title() const = 0;    // shown in the sidebar
    virtual void refresh() = 0;

Q_SIGNALS:
    void loaded();                        // the page shows fresh data
    void failed(const QString& message);  // a sentence for the user
    void statusMessage(const QString& message);
};

} // namespace nbaops::ui
