#pragma once

#include "health/health.h"

#include <QFrame>

class QLabel;

namespace nbaops::ui {

// A phase at a glance: name, state (coloured), run counts by outcome, SLA and last success.
class PhaseTile : public QFrame
{
    Q_OBJECT
public:
    explicit PhaseTile(int phase, QWidget* parent = nullptr);
    void setHealth(const health::PhaseHealth& phase, int windowDays);
    health::State state() const { return m_state; }

private:
    int m_phase;
    health::State m_state = health::State::NotRun;
    int m_windowDays = 1;
    QLabel* m_title;
    QLabel* m_stateLabel;
    QLabel* m_counts;
    QLabel* m_detail;
};

} // namespace nbaops::ui
