#pragma once

#include "common/jobfacade.h"
#include "dr/backup.h"
#include "dr/drill.h"

#include <QString>
#include <QStringList>

#include <condition_variable>
#include <mutex>
#include <optional>

namespace nbaops::ui {

// The console's facade over the backup jobs: one at a time (a backup, a verify, a test-restore,
// a restore), on the job's thread; progress and the outcome arrive on the GUI thread.
class BackupJobs : public JobFacade
{
    Q_OBJECT
public:
    explicit BackupJobs(QObject* parent = nullptr);
    ~BackupJobs() override;

    bool create(const QString& dbPath, const QString& dest);
    bool verify(const QString& dbPath, const QString& dest, const QString& id);
    bool testRestore(const QString& dbPath, const QString& dest, const QString& id);
    bool restore(const QString& dbPath, const QString& dest, const QString& id,
                 const QStringList& tables);

Q_SIGNALS:
    void progress(const QString& text, double fraction);
    // what: "create", "verify", "test-restore", "restore"; ok: it succeeded and checks out.
    void done(const QString& what, bool ok, const QString& summary);
    void failed(const QString& what, const QString& message);

private:
    bool run(const QString& what,
             const std::function<std::pair<bool, std::string>(const dr::DrControl&)>& work);
};

// The console's facade over a drill: the engine walks the runbook on the job's thread; a step a
// person does waits until the operator answers (Done or Deviation with a note) through answer().
class DrillRunner : public JobFacade
{
    Q_OBJECT
public:
    explicit DrillRunner(QObject* parent = nullptr);
    ~DrillRunner() override;

    // `program`: the nbaops program the runbook's commands run.
    bool start(const QString& dbPath, const QString& program, const QString& scenario);
    bool resume(const QString& dbPath, const QString& program, qint64 id);
    // The operator's word on the step that waits.
    void answer(bool deviation, const QString& note);
    // Stop after the step in progress; the drill can be resumed.
    void interrupt();
    bool waiting() const;

Q_SIGNALS:
    void drillEvent(const nbaops::dr::DrillEvent& e);
    void waitingFor(int step, const QString& title, const QString& action);
    void finished(const nbaops::dr::DrillResult& result);
    void failed(const QString& message);

private:
    bool launchDrill(dr::DrillOptions options);
    dr::StepOutcome ask(const dr::RunbookStep& step, size_t index);

    mutable std::mutex m_mutex;
    std::condition_variable m_answered;
    std::optional<dr::StepOutcome> m_answer;
    bool m_waiting = false;
};

} // namespace nbaops::ui
