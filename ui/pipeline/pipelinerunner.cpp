#include "pipelinerunner.h"

#include "common/logging.h"
#include "common/poster.h"
#include "common/qtconv.h"
#include "pipeline/session.h"
#include "util/errors.h"


namespace nbaops::ui {

PipelineRunner::PipelineRunner(QObject* parent) : QObject(parent) {}

PipelineRunner::~PipelineRunner()
{
    m_cancel = true;
    if (m_thread.joinable())
        m_thread.join();
}

void PipelineRunner::stop()
{
    m_cancel = true;
}

void PipelineRunner::start(const QString& dbPath, const QDate& from, const QDate& to, int workers)
{
    if (m_running)
        return;
    if (m_thread.joinable())
        m_thread.join();
    m_cancel = false;
    m_running = true;
    const std::string path = ss(dbPath);
    const auto first = Date::parse(ss(from.toString(Qt::ISODate)));
    const auto last = Date::parse(ss(to.toString(Qt::ISODate)));
    const auto post = poster(this);
    m_thread = std::thread([=, this] {
        const auto t0 = std::chrono::steady_clock::now();
        try {
            if (!first || !last || *last < *first)
                throw UsageError("Pick a first date on or before the last date.");
            pipeline::SessionOptions so;
            so.dbPath = path;
            so.workers = workers;
            so.cancel = &m_cancel;
            so.deferPublishing = *first < *last;
            pipeline::Session session(so);
            session.runner().onStart = [post](const std::string& name, Date) {
                post([n = qs(name)](PipelineRunner& r) { Q_EMIT r.processorStarted(n); });
            };
            session.runner().onResult = [post](const pipeline::ProcessorResult& res) {
                post([res](PipelineRunner& r) { Q_EMIT r.processorFinished(res); });
            };
            int dates = 0, failures = 0;
            bool cancelled = false;
            for (Date d = *first; d <= *last && !cancelled; d = d.addDays(1)) {
                post([q = QDate::fromString(qs(d.iso()), Qt::ISODate)](PipelineRunner& r) { Q_EMIT r.dateStarted(q); });
                const auto res = session.runner().runDate(d);
                ++dates;
                failures += res.realFailures();
                cancelled = res.cancelled || m_cancel.load();
            }
            session.flushPublished();
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            post([=](PipelineRunner& r) {
                r.m_running = false;
                Q_EMIT r.finished(dates, failures, cancelled, secs);
            });
        } catch (const std::exception& e) {
            post([msg = QString::fromUtf8(e.what())](PipelineRunner& r) {
                r.m_running = false;
                qCWarning(lcPipeline) << msg;
                Q_EMIT r.failed(msg);
            });
        }
    });
}

} // namespace nbaops::ui
