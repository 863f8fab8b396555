#include "theme.h"

#include <QApplication>
#include <QChart>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

#include <optional>

namespace nbaops::ui {

namespace {

Theme lightTheme()
{
    Theme t;
    t.scheme = Scheme::Light;
    t.muted = QColor(0x5f, 0x63, 0x68);
    t.card = QColor(0xf8, 0xf9, 0xfa);
    t.cardBorder = QColor(0xda, 0xdc, 0xe0);
    t.warnText = QColor(0x8a, 0x5a, 0x00); // 0xb06000 and 0x1e8e3e read below 4.5:1 on the window
    t.errorText = QColor(0xb3, 0x26, 0x1e);
    t.okText = QColor(0x13, 0x73, 0x33);
    t.bannerBackground = QColor(0xfc, 0xe8, 0xe6);
    t.bannerText = QColor(0xa5, 0x0e, 0x0e);
    t.bannerBorder = QColor(0xd9, 0x30, 0x25);
    t.sidebar = QColor(0x20, 0x21, 0x24);
    t.sidebarText = QColor(0xe8, 0xea, 0xed);
    t.sidebarSelected = QColor(0x3c, 0x40, 0x43);
    t.sidebarHover = QColor(0x2d, 0x2e, 0x31);
    t.sidebarAccent = QColor(0x8a, 0xb4, 0xf8);
    t.graphBackground = QColor(0xfa, 0xfb, 0xfc);
    t.graphText = QColor(0x20, 0x21, 0x24);
    t.graphEdge = QColor(0xb0, 0xb5, 0xbb);
    t.graphLabel = QColor(0x3c, 0x40, 0x43);
    t.rowNeutral = QColor(0xe8, 0xea, 0xed);
    t.rowRed = QColor(0xfc, 0xe8, 0xe6);
    t.rowAmber = QColor(0xfe, 0xef, 0xc3);
    t.rowYellow = QColor(0xfe, 0xf7, 0xe0);
    t.accent = QColor(26, 115, 232);
    t.accentSoft = QColor(26, 115, 232, 90);
    t.secondary = QColor(189, 193, 198);
    t.gridLine = QColor(128, 128, 128);
    return t;
}

Theme darkTheme()
{
    Theme t;
    t.scheme = Scheme::Dark;
    t.muted = QColor(0x9a, 0xa0, 0xa6);
    t.card = QColor(0x29, 0x2a, 0x2d);
    t.cardBorder = QColor(0x5f, 0x63, 0x68);
    t.warnText = QColor(0xfd, 0xd6, 0x63);
    t.errorText = QColor(0xf2, 0x8b, 0x82);
    t.okText = QColor(0x81, 0xc9, 0x95);
    t.bannerBackground = QColor(0x5c, 0x1d, 0x18);
    t.bannerText = QColor(0xf6, 0xae, 0xa9);
    t.bannerBorder = QColor(0xf2, 0x8b, 0x82);
    t.sidebar = QColor(0x17, 0x18, 0x1a);
    t.sidebarText = QColor(0xe8, 0xea, 0xed);
    t.sidebarSelected = QColor(0x3c, 0x40, 0x43);
    t.sidebarHover = QColor(0x28, 0x29, 0x2c);
    t.sidebarAccent = QColor(0x8a, 0xb4, 0xf8);
    t.graphBackground = QColor(0x20, 0x21, 0x24);
    t.graphText = QColor(0xe8, 0xea, 0xed);
    t.graphEdge = QColor(0x80, 0x86, 0x8b);
    t.graphLabel = QColor(0xbd, 0xc1, 0xc6);
    t.rowNeutral = QColor(0x3c, 0x40, 0x43);
    t.rowRed = QColor(0x5c, 0x1d, 0x18);
    t.rowAmber = QColor(0x5c, 0x43, 0x0a);
    t.rowYellow = QColor(0x4a, 0x3f, 0x12);
    t.accent = QColor(0x8a, 0xb4, 0xf8);
    t.accentSoft = QColor(0x8a, 0xb4, 0xf8, 90);
    t.secondary = QColor(0x80, 0x86, 0x8b);
    t.gridLine = QColor(0x9a, 0xa0, 0xa6);
    return t;
}

Theme& current()
{
    static Theme t = lightTheme();
    return t;
}

// The desktop portal's org.freedesktop.appearance color-scheme: 1 prefers dark, 2 light, 0
// no preference (or no portal): nullopt.
std::optional<Scheme> portalScheme()
{
    auto bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return std::nullopt;
    auto msg = QDBusMessage::createMethodCall(QStringLiteral("org.freedesktop.portal.Desktop"),
                                              QStringLiteral("/org/freedesktop/portal/desktop"),
                                              QStringLiteral("org.freedesktop.portal.Settings"), QStringLiteral("Read"));
    msg << QStringLiteral("org.freedesktop.appearance") << QStringLiteral("color-scheme");
    const QDBusMessage reply = bus.call(msg, QDBus::Block, 500); // no portal: an error at once
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty())
        return std::nullopt;
    // The value comes as a variant, in a variant with older portals.
    QVariant v = reply.arguments().constFirst();
    while (v.canConvert<QDBusVariant>())
        v = v.value<QDBusVariant>().variant();
    bool ok = false;
    const uint value = v.toUInt(&ok);
    if (!ok || value == 0)
        return std::nullopt;
    return value == 1 ? Scheme::Dark : Scheme::Light;
}

} // namespace

const Theme& theme()
{
    return current();
}

bool parseScheme(const QString& name, Scheme* out)
{
    if (name == QLatin1String("system"))
        *out = systemScheme();
    else if (name == QLatin1String("dark"))
        *out = Scheme::Dark;
    else if (name == QLatin1String("light"))
        *out = Scheme::Light;
    else
        return false;
    return true;
}

Scheme systemScheme()
{
    const QString forced = qEnvironmentVariable("NBAOPS_THEME").toLower();
    if (forced == QLatin1String("dark"))
        return Scheme::Dark;
    if (forced == QLatin1String("light"))
        return Scheme::Light;
    if (const auto p = portalScheme())
        return *p;
    if (qEnvironmentVariable("GTK_THEME").endsWith(QLatin1String(":dark"), Qt::CaseInsensitive))
        return Scheme::Dark;
    const QColor window = QApplication::palette().color(QPalette::Window);
    return window.lightness() < 128 ? Scheme::Dark : Scheme::Light;
}

void applyScheme(QApplication& app, Scheme s)
{
    // The platform's own style and palette, as the application started with them: the light scheme.
    static const QString platformStyle = app.style()->name();
    static const QPalette platformPalette = app.palette();
    current() = s == Scheme::Dark ? darkTheme() : lightTheme();
    static bool darkApplied = false;
    if (s == Scheme::Light) {
        if (darkApplied) {
            app.setStyle(QStyleFactory::create(platformStyle));
            app.setPalette(platformPalette);
            darkApplied = false;
        }
        return;
    }
    darkApplied = true;
    // Fusion draws every widget from the palette, so a dark palette reaches all of them.
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    const QColor window(0x20, 0x21, 0x24), base(0x17, 0x18, 0x1a), text(0xe8, 0xea, 0xed);
    const QColor button(0x30, 0x31, 0x34), highlight(0x8a, 0xb4, 0xf8), disabled(0x80, 0x86, 0x8b);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x27, 0x2a));
    p.setColor(QPalette::ToolTipBase, QColor(0x3c, 0x40, 0x43));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xf2, 0x8b, 0x82));
    p.setColor(QPalette::Link, highlight);
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, QColor(0x20, 0x21, 0x24));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4d, 0x51));
    p.setColor(QPalette::Midlight, QColor(0x3c, 0x40, 0x43));
    p.setColor(QPalette::Mid, QColor(0x2d, 0x2e, 0x31));
    p.setColor(QPalette::Dark, QColor(0x12, 0x13, 0x14));
    p.setColor(QPalette::Shadow, Qt::black);
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    app.setPalette(p);
}

void themeChart(QChart* chart)
{
    chart->setTheme(theme().dark() ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    if (theme().dark())
        chart->setBackgroundBrush(QApplication::palette().color(QPalette::Base));
}

} // namespace nbaops::ui
