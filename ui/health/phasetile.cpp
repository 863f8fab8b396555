#include "phasetile.h"

#include "common/qtconv.h"
#include "common/statestyle.h"

#include <QLabel>
#include <QVBoxLayout>

namespace nbaops::ui {

PhaseTile::PhaseTile(int phase, QWidget* parent)
    : QFrame(parent), m_phase(phase), m_title(new QLabel(this)), m_stateLabel(new QLabel(this)),
      m_counts(new QLabel(this)), m_detail(new QLabel(this))
{
    setObjectName(QStringLiteral("phaseTile%1").arg(phase));
    setMinimumSize(170, 130);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    auto* l = new QVBoxLayout(this);
    l->setContentsMargins(14, 10, 14, 10);
    l->setSpacing(3);
    QFont tf = m_title->font();
    tf.setBold(true);
    m_title->setFont(tf);
    QFont sf = m_stateLabel->font();
    sf.setPointSizeF(sf.pointSizeF() * 1.45);
    sf.setBold(true);
    m_stateLabel->setFont(sf);
    m_stateLabel->setObjectName(QStringLiteral("state"));
    m_detail->setWordWrap(true);
    m_counts->setWordWrap(true);
    l->addWidget(m_title);
    l->addWidget(m_stateLabel);
    l->addWidget(m_counts);
    l->addWidget(m_detail);
    l->addStretch();
    m_title->setText(tr("Phase %1").arg(phase));
    m_stateLabel->setText(tr("Loading…"));
}

void PhaseTile::setHealth(const health::PhaseHealth& p, int windowDays)
{
    m_windowDays = windowDays;
    m_state = p.state;
    const StateStyle s = styleFor(p.state);
    setStyleSheet(QStringLiteral("QFrame#%1 { background: %2; border: 1px solid %3; border-left: 6px solid %3;"
                                 " border-radius: 6px; } QLabel { color: %4; background: transparent; border: none; }")
                      .arg(objectName(), s.background.name(), s.border.name(), s.foreground.name()));
    m_title->setText(tr("%1 · %2").arg(p.phase).arg(qs(p.name)));
    m_stateLabel->setText(s.label);
    if (!p.scheduled) {
        m_counts->setText(tr("Not in the local pipeline yet"));
        m_detail->clear();
        setToolTip(qs(p.reason));
        return;
    }
    const auto cat = [&](const char* k) {
        const auto it = p.byCategory.find(k);
        return it == p.byCategory.end() ? 0 : it->second;
    };
    const int failed = p.runs - cat("success") - cat("no_data_available");
    m_counts->setText(tr("Last %5 days: %1 runs, %2 ok, %3 failed, %4 no games")
                          .arg(p.runs).arg(cat("success")).arg(failed).arg(cat("no_data_available")).arg(m_windowDays));
    QString last = tr("never");
    if (p.lastSuccess) {
        if (const auto t = parseIsoUtc(*p.lastSuccess))
            last = qs(formatEastern(*t));
    }
    m_detail->setText(tr("SLA: %1 met, %2 missed, %3 pending\nLast success %4\n%5")
                          .arg(p.slaMet).arg(p.slaMissed).arg(p.slaPending).arg(last, qs(p.reason)));
    setToolTip(qs(p.reason));
}

} // namespace nbaops::ui
