#pragma once
// Helpers for the GUI tests: is a page really painted?
#include <QImage>
#include <QSet>
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

} // namespace nbaops::test
