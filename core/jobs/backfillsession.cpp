// A backfill on the session's workers: the local backend's BackfillWorkers.
#include "backfill.h"

#include "pipeline/session.h"
#include "store/database.h"
#include "util/log.h"

namespace nbaops::jobs {

namespace {

// The session's workers: publishing is deferred while the backfill runs and flushed at its end.
class SessionWorkers final : public BackfillWorkers
{
public:
    explicit SessionWorkers(pipeline::Session& session) : m_session(session) {}
    std::filesystem::path database() const override { return m_session.db().path(); }
    size_t count() const override { return m_session.runner().workerCount(); }
    pipeline::ProcessorResult run(const std::string& processor, Date date, size_t worker) override
    {
        return m_session.runner().runOn(processor, date, worker);
    }
    void interrupt(bool on) override { m_session.runner().interrupt(on); }
    void attach(int64_t id) override
    {
        m_session.runner().setBackfill(id);
        if (id != 0) {
            m_session.setDeferPublishing(true);
            return;
        }
        try {
            m_session.flushPublished();
        } catch (const std::exception& e) {
            log::warning("backfill",
                         std::string("queued documents not published yet (the next run will): ") + e.what());
        }
    }
    bool tablesHere() const override { return true; }
    bool waitsForOtherRuns() const override { return true; }

private:
    pipeline::Session& m_session;
};

} // namespace

BackfillResult runBackfill(pipeline::Session& session, const RunBackfillOptions& options,
                           const Control<BackfillEvent>& control)
{
    SessionWorkers workers(session);
    return runBackfill(workers, options, control);
}

} // namespace nbaops::jobs
