#pragma once

#include "common/backend.h"
#include "pipeline/runner.h"

#include <QDate>
#include "common/jobfacade.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <thread>

namespace nbaops::ui {

// The console's facade over a pipeline run (as hotspot's PerfParser is over perf): start(),
// stop(), progress signals, finished() or failed(). The run happens on its own thread with
// its own database connections; every signal is emitted on the GUI thread.
class PipelineRunner : public JobFacade
{
    Q_OBJECT
public:
    explicit PipelineRunner(QObject* parent = nullptr);
    ~PipelineRunner() override;

    // Runs the dates where `backend` runs the pipeline (jobs::Backend::runDates).
    // `only`: one processor (and any upstream that never ran for the date); empty: all of them.
    void start(const BackendPtr& backend, const QDate& from, const QDate& to, int workers,
               const QString& only = QString());

Q_SIGNALS:
    void dateStarted(const QDate& date);
    void processorStarted(const QString& processor);
    void processorFinished(const nbaops::pipeline::ProcessorResult& result);
    void finished(int dates, int realFailures, bool cancelled, double seconds);
    void failed(const QString& message);
};

} // namespace nbaops::ui
