#pragma once

#include <QString>

#include <string>
#include <string_view>

namespace nbaops::ui {

inline QString qs(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }
inline std::string ss(const QString& s) { return s.toStdString(); }

} // namespace nbaops::ui
