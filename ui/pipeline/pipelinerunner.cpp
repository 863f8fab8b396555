#include "pipelinerunner.h"

#include "common/logging.h"
#include "common/poster.h"
#include "common/qtconv.h"
#include "jobs/runrange.h"
#include "util/errors.h"


namespace nbaops::ui {

PipelineRunner::PipelineRunner(QObject* parent) : JobFacade(parent) {}

PipelineRunner::~PipelineRunner()
{
    shutdown();
}

void PipelineRunner::start(const BackendPtr& backend, const QDate& from, const QDate& to, int workers,
                           const QString& only)
{
    const auto first = toDate(from);
    const std::string one = ss(only);
    const auto last = toDate(to);
    const auto post = poster(this);
    launch([=, this] {
        try {
            if (!first || !last || *last < *first)
                throw UsageError("Pick a first date on or before the last date.");
            jobs::Control<jobs::RunRangeEvent> control;
            control.cancel = &m_cancel;
            control.progress = [post](const jobs::RunRangeEvent& e) {
                using Kind = jobs::RunRangeEvent::Kind;
                switch (e.kind) {
                case Kind::DateStarted:
                    post([q = toQDate(e.date)](PipelineRunner& r) { Q_EMIT r.dateStarted(q); });
                    break;
                case Kind::ProcessorStarted:
                    post([n = qs(e.processor)](PipelineRunner& r) { Q_EMIT r.processorStarted(n); });
                    break;
                case Kind::ProcessorFinished:
                    post([res = *e.result](PipelineRunner& r) { Q_EMIT r.processorFinished(res); });
                    break;
                }
            };
            const auto res = backend->runDates({*first, *last, one}, workers, control);
            post([res](PipelineRunner& r) {
                r.finish();
                Q_EMIT r.finished(res.dates, res.realFailures, res.cancelled, res.seconds);
            });
        } catch (const std::exception& e) {
            post([msg = QString::fromUtf8(e.what())](PipelineRunner& r) {
                r.finish();
                qCWarning(lcPipeline) << msg;
                Q_EMIT r.failed(msg);
            });
        }
    });
}

} // namespace nbaops::ui
