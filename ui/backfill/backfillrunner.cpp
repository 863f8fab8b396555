#include "backfillrunner.h"

#include "common/logging.h"
#include "common/poster.h"
#include "common/qtconv.h"
#include "store/audit.h"
#include "store/database.h"

namespace nbaops::ui {

BackfillRunner::BackfillRunner(QObject* parent) : JobFacade(parent) {}

BackfillRunner::~BackfillRunner()
{
    shutdown();
}

void BackfillRunner::start(const BackendPtr& backend, const jobs::PlanRequest& request)
{
    const auto post = poster(this);
    launch([=, this] {
        try {
            int64_t id = 0;
            {
                auto db = store::Database::open(backend->database());
                const auto plan = jobs::planBackfill(db, request);
                id = jobs::createBackfill(db, plan, {}, store::currentActor());
            }
            post([id](BackfillRunner& r) { Q_EMIT r.created(qint64(id)); });
            execute(backend, id, request.workers);
        } catch (const std::exception& e) {
            post([msg = QString::fromUtf8(e.what())](BackfillRunner& r) {
                r.finish();
                qCWarning(lcBackfill) << msg;
                Q_EMIT r.failed(msg);
            });
        }
    });
}

void BackfillRunner::resume(const BackendPtr& backend, int64_t id, int workers)
{
    const auto post = poster(this);
    launch([=, this] {
        try {
            execute(backend, id, workers);
        } catch (const std::exception& e) {
            post([msg = QString::fromUtf8(e.what())](BackfillRunner& r) {
                r.finish();
                qCWarning(lcBackfill) << msg;
                Q_EMIT r.failed(msg);
            });
        }
    });
}

// On the job's thread: the executor where the backend runs, its events posted as log lines.
void BackfillRunner::execute(const BackendPtr& backend, int64_t id, int workers)
{
    const auto post = poster(this);
    jobs::Control<jobs::BackfillEvent> control;
    control.cancel = &m_cancel; // stop() pauses it: the runs in flight finish
    control.progress = [post](const jobs::BackfillEvent& e) {
        using K = jobs::BackfillEvent::Kind;
        if (e.kind == K::ItemStarted)
            return;
        QString text;
        if (e.kind == K::ItemFinished && e.result) {
            const auto& r = *e.result;
            text = QStringLiteral("[%1/%2] %3  %4 %5 %6 rec  %7 ms  %8")
                       .arg(e.done)
                       .arg(e.total)
                       .arg(qs(r.date.iso()), qs(r.processor).leftJustified(27),
                            qs(pipeline::toString(r.outcome.category)).leftJustified(18))
                       .arg(r.outcome.recordsOut, 5)
                       .arg(r.durationMs, 6)
                       .arg(qs(r.outcome.error));
        } else {
            text = qs(e.text);
        }
        post([text, done = e.done, total = e.total](BackfillRunner& r) {
            Q_EMIT r.line(text);
            Q_EMIT r.progress(done, total);
        });
    };
    const auto res =
        backend->runBackfill({id, std::chrono::milliseconds(200), store::currentActor()}, workers, control);
    post([res](BackfillRunner& r) {
        r.finish();
        Q_EMIT r.finished(res);
    });
}

} // namespace nbaops::ui
