#pragma once

#include "common/backend.h"
#include "common/jobfacade.h"
#include "jobs/backfill.h"

#include <QString>

namespace nbaops::ui {

// The console's facade over a backfill executed by this process where the backend runs (its
// workers, or the cloud's services): start() plans, records and runs one; resume() runs a
// paused or interrupted one. stop() pauses it (the runs in flight
// finish); pausing or cancelling from anywhere else goes through the database
// (jobs::pauseBackfill), which the executor reads. Signals arrive on the GUI thread.
class BackfillRunner : public JobFacade
{
    Q_OBJECT
public:
    explicit BackfillRunner(QObject* parent = nullptr);
    ~BackfillRunner() override;

    void start(const BackendPtr& backend, const jobs::PlanRequest& request);
    void resume(const BackendPtr& backend, int64_t id, int workers);

Q_SIGNALS:
    void created(qint64 id);
    void line(const QString& text); // one line of the live log
    void progress(int done, int total);
    void finished(const nbaops::jobs::BackfillResult& result);
    void failed(const QString& message);

private:
    void execute(const BackendPtr& backend, int64_t id, int workers);
};

} // namespace nbaops::ui
