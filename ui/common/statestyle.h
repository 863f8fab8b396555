#pragma once

#include "health/health.h"

#include <QColor>
#include <QString>

namespace nbaops::ui {

// One palette for health states across the console (tiles, tables, badges).
struct StateStyle
{
    QColor background;
    QColor border;
    QColor foreground;
    QString label;
};

StateStyle styleFor(health::State s);
StateStyle styleForCategory(const QString& category); // success / no_data_available / failures

} // namespace nbaops::ui
