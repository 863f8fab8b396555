#include "statestyle.h"

#include "theme.h"

namespace nbaops::ui {

StateStyle styleFor(health::State s)
{
    if (theme().dark()) { // the same meanings on dark grounds: ground, edge, text
        switch (s) {
        case health::State::Healthy:
            return {QColor(0x1e, 0x3a, 0x29), QColor(0x34, 0xa8, 0x53), QColor(0x81, 0xc9, 0x95), QStringLiteral("Healthy")};
        case health::State::Degraded:
            return {QColor(0x4a, 0x3a, 0x0c), QColor(0xf9, 0xab, 0x00), QColor(0xfd, 0xd6, 0x63), QStringLiteral("Degraded")};
        case health::State::Failed:
            return {QColor(0x5c, 0x1d, 0x18), QColor(0xd9, 0x30, 0x25), QColor(0xf6, 0xae, 0xa9), QStringLiteral("Failed")};
        case health::State::NotRun:
            break;
        }
        return {QColor(0x30, 0x31, 0x34), QColor(0x5f, 0x63, 0x68), QColor(0xbd, 0xc1, 0xc6), QStringLiteral("Not run")};
    }
    switch (s) {
    case health::State::Healthy:
        return {QColor(0xe6, 0xf4, 0xea), QColor(0x34, 0xa8, 0x53), QColor(0x13, 0x73, 0x33), QStringLiteral("Healthy")};
    case health::State::Degraded:
        return {QColor(0xfe, 0xf7, 0xe0), QColor(0xf9, 0xab, 0x00), QColor(0x8a, 0x5a, 0x00), QStringLiteral("Degraded")};
    case health::State::Failed:
        return {QColor(0xfc, 0xe8, 0xe6), QColor(0xd9, 0x30, 0x25), QColor(0xa5, 0x0e, 0x0e), QStringLiteral("Failed")};
    case health::State::NotRun:
        break;
    }
    return {QColor(0xf1, 0xf3, 0xf4), QColor(0xba, 0xbd, 0xc1), QColor(0x5f, 0x63, 0x68), QStringLiteral("Not run")};
}

StateStyle styleForCategory(const QString& category)
{
    if (category == QLatin1String("success"))
        return styleFor(health::State::Healthy);
    if (category == QLatin1String("no_data_available") || category.isEmpty())
        return styleFor(health::State::NotRun);
    return styleFor(health::State::Failed);
}

} // namespace nbaops::ui
