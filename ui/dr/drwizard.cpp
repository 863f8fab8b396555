// The Recovery page's drill wizard: the scenario, the steps as the engine walks them (a timer
// for the running one), a person's steps answered Done or Deviation, the RTO clock.
#include "drpage.h"

#include "common/qtconv.h"
#include "dr/runbook.h"
#include "drmodels.h"
#include "drrunner.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>

namespace nbaops::ui {

void DrPage::connectDrill()
{
    connect(m_scenario, &QComboBox::currentIndexChanged, this, &DrPage::showScenario);
    connect(m_startDrill, &QPushButton::clicked, this,
            [this] { startDrill(m_scenario->currentData().toString()); });
    connect(m_stopDrill, &QPushButton::clicked, m_drill, &DrillRunner::interrupt);
    connect(m_done, &QPushButton::clicked, this, [this] { answerStep(false); });
    connect(m_deviation, &QPushButton::clicked, this, [this] { answerStep(true); });
    connect(m_stepTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& i) {
                if (i.isValid() && size_t(i.row()) < m_stepOutputs.size() &&
                    !m_stepOutputs[size_t(i.row())].empty())
                    m_stepDetail->setPlainText(qs(m_stepOutputs[size_t(i.row())]));
            });
    connect(m_drill, &DrillRunner::drillEvent, this, &DrPage::showDrillEvent);
    connect(m_drill, &DrillRunner::waitingFor, this,
            [this](int step, const QString& title, const QString& action) {
                m_stepDetail->setHtml(tr("<h3>%1. %2</h3><p>%3</p><p><i>A step a person does: "
                                         "press Done when it is done, or "
                                         "Deviation with a note when it went otherwise.</i></p>")
                                          .arg(step + 1)
                                          .arg(title.toHtmlEscaped(), action.toHtmlEscaped()));
                m_done->setEnabled(true);
                m_deviation->setEnabled(true);
                m_note->setFocus();
            });
    connect(m_drill, &DrillRunner::finished, this, [this](const dr::DrillResult& r) {
        m_tick->stop();
        m_runningStep = -1;
        m_injectedAt = -1;
        m_startDrill->setEnabled(true);
        m_stopDrill->setEnabled(false);
        m_done->setEnabled(false);
        m_deviation->setEnabled(false);
        const bool passed = r.state == "passed";
        m_clock->setText(
            passed ? tr("RTO %1 (target %2), RPO %3 rows")
                         .arg(qs(dr::durationText(r.rtoSeconds)), qs(dr::durationText(r.rtoTarget)))
                         .arg(r.rpoRows)
                   : tr("Drill %1").arg(qs(r.state)));
        QString html =
            tr("<h3>Drill %1: %2</h3><p>%3</p>").arg(r.id).arg(qs(r.state), htmlText(r.injection));
        for (const auto& p : r.verification)
            html += QStringLiteral("<p>not recovered: %1</p>").arg(htmlText(p));
        if (!r.liveProof.empty())
            html += QStringLiteral("<p>%1</p>").arg(htmlText(r.liveProof));
        html += tr("<p>Report: %1</p>").arg(htmlText(r.report.string()));
        m_stepDetail->setHtml(html);
        Q_EMIT statusMessage(tr("Drill %1 of %2: %3").arg(r.id).arg(qs(r.scenario), qs(r.state)));
        Q_EMIT drillFinished(r);
        refresh();
    });
    connect(m_drill, &DrillRunner::failed, this, [this](const QString& msg) {
        m_tick->stop();
        m_startDrill->setEnabled(true);
        m_stopDrill->setEnabled(false);
        m_stepDetail->setPlainText(tr("The drill could not start: %1").arg(msg));
        Q_EMIT failed(msg);
    });
}

void DrPage::showScenario()
{
    const auto& rb = dr::runbook(ss(m_scenario->currentData().toString()));
    QString text =
        tr("%1 (%2): RTO target %3, RPO target %4. In a copy of the live state, %5; then the drill "
           "walks the %6 "
           "steps of the runbook, and the live state is proven untouched by checksums.")
            .arg(qs(rb.title), qs(rb.severity), qs(rb.rtoText), qs(rb.rpoText), qs(rb.injects))
            .arg(rb.steps.size());
    const bool programThere = QFileInfo::exists(m_program);
    if (!programThere)
        text += tr(" The nbaops program is not at %1: the drill cannot run the runbook's commands.")
                    .arg(m_program);
    m_scenarioInfo->setText(text);
    m_startDrill->setEnabled(programThere && !m_drill->isRunning());
    if (!m_drill->isRunning()) {
        std::vector<dr::DrillStep> steps;
        for (const auto& s : rb.steps)
            steps.push_back({s.id, s.title, "pending", "", 0, "", "", "", ""});
        m_steps->resetData(steps);
        m_stepOutputs.assign(steps.size(), {});
        m_stepDetail->setMarkdown(qs(rb.markdown));
    }
}

void DrPage::startDrill(const QString& scenario)
{
    if (const int i = m_scenario->findData(scenario); i >= 0)
        m_scenario->setCurrentIndex(i);
    showScenario();
    if (!m_drill->start(m_dbPath, m_program, scenario))
        return;
    m_startDrill->setEnabled(false);
    m_stopDrill->setEnabled(true);
    m_clock->setText(tr("preparing the sandbox…"));
    m_tick->start();
}

void DrPage::answerStep(bool deviation)
{
    if (deviation && m_note->text().trimmed().isEmpty()) {
        m_note->setPlaceholderText(tr("A deviation needs a note: what went otherwise?"));
        m_note->setFocus();
        return;
    }
    m_drill->answer(deviation, m_note->text().trimmed());
    m_note->clear();
    m_done->setEnabled(false);
    m_deviation->setEnabled(false);
}

void DrPage::showDrillEvent(const dr::DrillEvent& e)
{
    using K = dr::DrillEvent::Kind;
    switch (e.kind) {
    case K::Prepared:
        m_clock->setText(tr("sandbox ready"));
        m_stepDetail->setHtml(tr("<h3>Prepared</h3><p>%1</p>").arg(htmlText(e.text)));
        break;
    case K::Injected:
        m_injectedAt = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        m_stepDetail->setHtml(tr("<h3>Injected</h3><p>%1</p>").arg(htmlText(e.text)));
        break;
    case K::StepStarted:
        m_runningStep = int(e.step);
        m_stepStarted = QDateTime::currentMSecsSinceEpoch();
        m_steps->setStep(e.step, e.state);
        m_stepTable->selectRow(int(e.step));
        break;
    case K::StepFinished: {
        m_runningStep = -1;
        m_steps->setStep(e.step, e.state);
        std::string out;
        if (!e.state.command.empty())
            out += "$ " + e.state.command + "\n" + e.state.output + "\n";
        if (!e.state.checkText.empty())
            out += e.state.checkText;
        if (e.step < m_stepOutputs.size())
            m_stepOutputs[e.step] = out;
        if (!out.empty())
            m_stepDetail->setPlainText(qs(out));
        break;
    }
    case K::Verified:
        m_stepDetail->append(QStringLiteral("\n") + qs(e.text));
        break;
    case K::Finished:
        break;
    }
}

} // namespace nbaops::ui
