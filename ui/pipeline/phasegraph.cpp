#include "phasegraph.h"

#include "pipelinemodel.h"
#include "registry/registry.h"
#include "common/qtconv.h"
#include "common/statestyle.h"
#include "common/theme.h"

#include <QAbstractItemModel>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <map>

namespace nbaops::ui {

namespace {

struct Look
{
    QColor fill, border, text;
};

// Success and failure look as the health states do everywhere in the console (StateStyle);
// the states only a run in progress has get their own.
Look lookFor(const QString& state)
{
    const auto fromState = [](health::State st) {
        const StateStyle s = styleFor(st);
        return Look{s.background, s.border, s.foreground};
    };
    if (state == QLatin1String("success"))
        return fromState(health::State::Healthy);
    if (theme().dark()) {
        if (state == QLatin1String("skipped"))
            return {QColor(0x12, 0x36, 0x3b), QColor(0x12, 0x8c, 0x9e), QColor(0x78, 0xd9, 0xec)};
        if (state == QLatin1String("running"))
            return {QColor(0x1c, 0x2f, 0x4d), QColor(0x8a, 0xb4, 0xf8), QColor(0xae, 0xcb, 0xfa)};
        if (state == QLatin1String("no_data_available"))
            return {QColor(0x30, 0x31, 0x34), QColor(0x80, 0x86, 0x8b), QColor(0xbd, 0xc1, 0xc6)};
        if (state == QLatin1String("waiting") || state == QLatin1String("not_run"))
            return {QColor(0x20, 0x21, 0x24), QColor(0x5f, 0x63, 0x68), QColor(0x9a, 0xa0, 0xa6)};
    } else {
        if (state == QLatin1String("skipped"))
            return {QColor(0xe4, 0xf7, 0xfb), QColor(0x12, 0x8c, 0x9e), QColor(0x0b, 0x5c, 0x68)};
        if (state == QLatin1String("running"))
            return {QColor(0xe8, 0xf0, 0xfe), QColor(0x1a, 0x73, 0xe8), QColor(0x17, 0x4e, 0xa6)};
        if (state == QLatin1String("no_data_available"))
            return {QColor(0xf1, 0xf3, 0xf4), QColor(0x9a, 0xa0, 0xa6), QColor(0x5f, 0x63, 0x68)};
        if (state == QLatin1String("waiting") || state == QLatin1String("not_run"))
            return {QColor(0xff, 0xff, 0xff), QColor(0xda, 0xdc, 0xe0), QColor(0x80, 0x86, 0x8b)};
    }
    return fromState(health::State::Failed); // failures
}

} // namespace

PhaseGraph::PhaseGraph(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("phaseGraph"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void PhaseGraph::setModel(QAbstractItemModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    const auto repaint = [this] { update(); };
    connect(model, &QAbstractItemModel::dataChanged, this, repaint);
    connect(model, &QAbstractItemModel::modelReset, this, repaint);
    update();
}

namespace {
constexpr int kMargin = 12, kGap = 26, kHeader = 26;
constexpr double kBoxHeight = 42, kRowGap = 10;
} // namespace

int PhaseGraph::neededHeight() const
{
    std::map<int, int> perPhase;
    int most = 3;
    if (m_model) {
        for (int row = 0; row < m_model->rowCount(); ++row)
            most = std::max(most, ++perPhase[m_model->index(row, 0).data(PipelineModel::PhaseRole).toInt()]);
    }
    return int(kHeader + 6 + most * (kBoxHeight + kRowGap) - kRowGap + kMargin);
}

void PhaseGraph::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), theme().graphBackground);
    if (!m_model)
        return;
    const auto& reg = registry::Registry::builtin();
    const int columns = 6, margin = kMargin, gap = kGap, header = kHeader;
    const double colWidth = (width() - 2.0 * margin - (columns - 1) * gap) / columns;
    const double boxHeight = kBoxHeight, rowGap = kRowGap;
    std::map<QString, QRectF> boxes;
    std::map<int, int> perPhase;
    QFont headerFont = font();
    headerFont.setBold(true);
    for (int c = 0; c < columns; ++c) {
        const double x = margin + c * (colWidth + gap);
        p.setFont(headerFont);
        p.setPen(theme().graphLabel);
        p.drawText(QRectF(x, 4, colWidth, header - 6), Qt::AlignLeft | Qt::AlignVCenter,
                   tr("%1 · %2").arg(c + 1).arg(qs(reg.phaseName(c + 1))));
    }
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const int phase = m_model->index(row, 0).data(PipelineModel::PhaseRole).toInt();
        const int k = perPhase[phase]++;
        const double x = margin + (phase - 1) * (colWidth + gap);
        const double y = header + 6 + k * (boxHeight + rowGap);
        boxes[m_model->index(row, PipelineModel::Processor).data().toString()] = QRectF(x, y, colWidth, boxHeight);
    }
    // Dependencies first, under the boxes.
    // A fallback (a source that stands in when the preferred one fails) is drawn dashed.
    const QPen solid(theme().graphEdge, 1.4);
    QPen dashed(theme().graphEdge, 1.2, Qt::DashLine);
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QRectF to = boxes[m_model->index(row, 0).data().toString()];
        const QStringList fallbacks = m_model->index(row, 0).data(PipelineModel::FallbackRole).toStringList();
        for (const auto& dep : m_model->index(row, 0).data(PipelineModel::DependsOnRole).toStringList()) {
            p.setPen(fallbacks.contains(dep) ? dashed : solid);
            const auto it = boxes.find(dep);
            if (it == boxes.end())
                continue;
            const QRectF from = it->second;
            QPainterPath path;
            if (qFuzzyCompare(from.left(), to.left())) {
                path.moveTo(from.left() + 10, from.bottom());
                path.lineTo(to.left() + 10, to.top());
            } else {
                const QPointF a(from.right(), from.center().y()), b(to.left(), to.center().y());
                path.moveTo(a);
                path.cubicTo(a + QPointF(gap, 0), b - QPointF(gap, 0), b);
            }
            p.drawPath(path);
        }
    }
    QFont nameFont = font();
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QString name = m_model->index(row, PipelineModel::Processor).data().toString();
        const QString state = m_model->index(row, 0).data(PipelineModel::StateRole).toString();
        const QRectF r = boxes[name];
        const Look look = lookFor(state);
        p.setPen(QPen(look.border, state == QLatin1String("running") ? 2.2 : 1.2));
        p.setBrush(look.fill);
        p.drawRoundedRect(r, 5, 5);
        p.setPen(theme().graphText);
        p.setFont(nameFont);
        const QRectF inner = r.adjusted(8, 4, -6, -4);
        p.drawText(inner, Qt::AlignLeft | Qt::AlignTop, p.fontMetrics().elidedText(name, Qt::ElideMiddle, int(inner.width())));
        p.setFont(small);
        p.setPen(look.text);
        QString detail = state;
        const qint64 records = m_model->index(row, PipelineModel::Records).data().toLongLong();
        if (state != QLatin1String("waiting") && state != QLatin1String("not_run") && state != QLatin1String("running"))
            detail += tr(" · %1 rec · %2").arg(records).arg(m_model->index(row, PipelineModel::Duration).data().toString());
        p.drawText(inner, Qt::AlignLeft | Qt::AlignBottom, QFontMetrics(small).elidedText(detail, Qt::ElideRight, int(inner.width())));
    }
}

} // namespace nbaops::ui
