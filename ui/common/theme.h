#pragma once

#include <QColor>
#include <QString>

class QApplication;
class QChart;

namespace nbaops::ui {

enum class Scheme { Light, Dark };

// The console's colours in the scheme in use: what the stylesheets, the table tints, the phase
// graph and the charts draw with. Light is the console's look as it always was; dark keeps the
// same meanings (green healthy, amber degraded, red failed) on dark grounds, each text colour
// readable on its ground.
struct Theme
{
    Scheme scheme = Scheme::Light;
    QColor muted;        // secondary text
    QColor card;         // a panel of text (details under a table)
    QColor cardBorder;
    QColor warnText;     // "retrain due", a note to heed
    QColor errorText;
    QColor okText;
    QColor bannerBackground, bannerText, bannerBorder; // a page's red banner
    QColor sidebar, sidebarText, sidebarSelected, sidebarHover, sidebarAccent;
    QColor graphBackground, graphText, graphEdge, graphLabel; // the pipeline's phase graph
    QColor rowNeutral;   // a table row with nothing to say (not measured)
    QColor rowRed, rowAmber, rowYellow;
    QColor accent;       // a chart's main series
    QColor accentSoft;   // its band
    QColor secondary;    // a chart's comparison series (a baseline)
    QColor gridLine;     // reference lines drawn on charts
    bool dark() const { return scheme == Scheme::Dark; }
};

const Theme& theme();

// What the system asks for: NBAOPS_THEME (light or dark) first, then the desktop portal's
// colour-scheme preference (org.freedesktop.appearance, over D-Bus), then a GTK_THEME ending
// in ":dark", then the platform theme's own palette.
Scheme systemScheme();
// "system", "light" or "dark"; nullopt-like Light for anything else is the caller's to refuse.
bool parseScheme(const QString& name, Scheme* out);
// Sets the application's style and palette for `s`, and theme(). Called once, before any window.
void applyScheme(QApplication& app, Scheme s);
// A chart in the scheme: its background, labels and grid (Qt Charts' light or dark theme), the
// series colours left to the caller.
void themeChart(QChart* chart);

} // namespace nbaops::ui
