#pragma once

#include "util/date.h"

#include <QDate>
#include <QString>

#include <optional>
#include <string>
#include <string_view>

namespace nbaops::ui {

inline QString qs(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }
inline std::string ss(const QString& s) { return s.toStdString(); }

// Dates cross between the engine and Qt as values, never through text.
inline QDate toQDate(Date d) { return QDate(d.year(), int(d.month()), int(d.day())); }
inline std::optional<Date> toDate(const QDate& d)
{
    if (!d.isValid())
        return std::nullopt;
    return Date::ymd(d.year(), unsigned(d.month()), unsigned(d.day()));
}
// A date the engine gave as ISO text (a report's field); invalid when it is not one.
inline QDate isoToQDate(std::string_view iso)
{
    const auto d = Date::parse(iso);
    return d ? toQDate(*d) : QDate();
}

} // namespace nbaops::ui
