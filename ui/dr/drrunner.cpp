#include "drrunner.h"

#include "common/logging.h"
#include "common/poster.h"
#include "common/qtconv.h"
#include "dr/records.h"
#include "dr/restore.h"
#include "dr/verify.h"
#include "store/database.h"

namespace nbaops::ui {

namespace fs = std::filesystem;

namespace {

fs::path destOf(const QString& dbPath, const QString& dest)
{
    return dest.isEmpty() ? dr::defaultBackupDir(ss(dbPath)) : fs::path(ss(dest));
}

} // namespace

BackupJobs::BackupJobs(QObject* parent) : JobFacade(parent) {}

BackupJobs::~BackupJobs()
{
    shutdown();
}

bool BackupJobs::run(const QString& what,
                     const std::function<std::pair<bool, std::string>(const dr::DrControl&)>& work)
{
    const auto post = poster(this);
    return launch([=, this] {
        dr::DrControl c;
        c.cancel = &m_cancel;
        c.progress = [post](const dr::Progress& p) {
            post([t = qs(p.text), f = p.fraction](BackupJobs& j) { Q_EMIT j.progress(t, f); });
        };
        try {
            const auto outcome = work(c);
            const bool ok = outcome.first;
            const std::string summary = outcome.second;
            post([=](BackupJobs& j) {
                j.finish();
                qCInfo(lcDr) << what << (ok ? "ok:" : "NOT ok:") << qs(summary);
                Q_EMIT j.done(what, ok, qs(summary));
            });
        } catch (const std::exception& e) {
            post([what, msg = QString::fromUtf8(e.what())](BackupJobs& j) {
                j.finish();
                qCWarning(lcDr) << what << "failed:" << msg;
                Q_EMIT j.failed(what, msg);
            });
        }
    });
}

bool BackupJobs::create(const QString& dbPath, const QString& dest)
{
    const std::string db = ss(dbPath);
    const fs::path to = destOf(dbPath, dest);
    return run(QStringLiteral("create"), [=](const dr::DrControl& c) {
        dr::BackupOptions o;
        o.database = db;
        o.dest = to;
        const auto r = dr::createBackup(o, c);
        if (r.cancelled)
            return std::pair<bool, std::string>{false,
                                                "the backup was cancelled; nothing was kept"};
        return std::pair<bool, std::string>{
            true, "backup " + r.manifest.id + ": " + std::to_string(r.manifest.tables.size()) +
                      " tables, " + std::to_string(r.manifest.files.size()) + " files in " +
                      dr::durationText(r.manifest.seconds)};
    });
}

bool BackupJobs::verify(const QString& dbPath, const QString& dest, const QString& id)
{
    const std::string db = ss(dbPath);
    const fs::path from = destOf(dbPath, dest);
    const std::string which = ss(id);
    return run(QStringLiteral("verify"), [=](const dr::DrControl& c) {
        const auto b = dr::findBackup(from, which);
        const auto r = dr::verifyBackup(b, c);
        auto live = store::Database::open(db);
        dr::recordVerify(&live, b, r);
        std::string text = r.summary();
        for (size_t i = 0; i < r.problems.size() && i < 5; ++i)
            text += "\n" + r.problems[i].text();
        return std::pair<bool, std::string>{r.ok, text};
    });
}

bool BackupJobs::testRestore(const QString& dbPath, const QString& dest, const QString& id)
{
    const std::string db = ss(dbPath);
    const fs::path from = destOf(dbPath, dest);
    const std::string which = ss(id);
    return run(QStringLiteral("test-restore"), [=](const dr::DrControl& c) {
        const auto b = dr::findBackup(from, which);
        const auto r = dr::testRestore(b, from, c);
        if (r.cancelled)
            return std::pair<bool, std::string>{false, "the test-restore was cancelled"};
        auto live = store::Database::open(db);
        dr::recordProof(&live, b, r.proof);
        return std::pair<bool, std::string>{r.proof.ok, "backup " + b.id + ": " + r.proof.detail};
    });
}

bool BackupJobs::restore(const QString& dbPath, const QString& dest, const QString& id,
                         const QStringList& tables)
{
    const std::string db = ss(dbPath);
    const fs::path from = destOf(dbPath, dest);
    const std::string which = ss(id);
    std::vector<std::string> chosen;
    for (const auto& t : tables)
        chosen.push_back(ss(t));
    return run(QStringLiteral("restore"), [=](const dr::DrControl& c) {
        dr::RestoreOptions o;
        o.database = db;
        o.dest = from;
        o.id = which;
        o.tables = chosen;
        const auto r = dr::restoreBackup(o, c);
        std::string text = r.summary();
        if (!r.safetyBackupId.empty())
            text += "\nTo undo: restore backup " + r.safetyBackupId + ".";
        return std::pair<bool, std::string>{r.ok, text};
    });
}

DrillRunner::DrillRunner(QObject* parent) : JobFacade(parent) {}

DrillRunner::~DrillRunner()
{
    interrupt();
    shutdown();
}

bool DrillRunner::waiting() const
{
    std::lock_guard lock(m_mutex);
    return m_waiting;
}

void DrillRunner::answer(bool deviation, const QString& note)
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_waiting)
            return;
        m_answer = dr::StepOutcome{deviation, ss(note), false};
    }
    m_answered.notify_all();
}

void DrillRunner::interrupt()
{
    stop();
    {
        std::lock_guard lock(m_mutex);
        if (m_waiting)
            m_answer = dr::StepOutcome{false, "", true};
    }
    m_answered.notify_all();
}

// On the job's thread: posts the question, then waits for the operator (or a stop).
dr::StepOutcome DrillRunner::ask(const dr::RunbookStep& step, size_t index)
{
    const auto post = poster(this);
    std::unique_lock lock(m_mutex);
    m_answer.reset();
    m_waiting = true;
    post([i = int(index), t = qs(step.title), a = qs(step.action)](DrillRunner& r) {
        Q_EMIT r.waitingFor(i, t, a);
    });
    m_answered.wait(lock, [this] { return m_answer.has_value() || m_cancel.load(); });
    m_waiting = false;
    if (!m_answer)
        return dr::StepOutcome{false, "", true};
    return *m_answer;
}

bool DrillRunner::launchDrill(dr::DrillOptions o)
{
    const auto post = poster(this);
    return launch([=, this]() mutable {
        o.manualStep = [this](const dr::RunbookStep& s, size_t i) { return ask(s, i); };
        Control<dr::DrillEvent> c;
        c.cancel = &m_cancel;
        c.progress = [post](const dr::DrillEvent& e) {
            post([e](DrillRunner& r) { Q_EMIT r.drillEvent(e); });
        };
        try {
            const auto result = dr::runDrill(o, c);
            post([result](DrillRunner& r) {
                r.finish();
                qCInfo(lcDr) << "drill" << result.id << qs(result.scenario) << qs(result.state);
                Q_EMIT r.finished(result);
            });
        } catch (const std::exception& e) {
            post([msg = QString::fromUtf8(e.what())](DrillRunner& r) {
                r.finish();
                qCWarning(lcDr) << "drill failed:" << msg;
                Q_EMIT r.failed(msg);
            });
        }
    });
}

bool DrillRunner::start(const QString& dbPath, const QString& program, const QString& scenario)
{
    dr::DrillOptions o;
    o.database = ss(dbPath);
    o.nbaops = ss(program);
    o.scenario = ss(scenario);
    return launchDrill(o);
}

bool DrillRunner::resume(const QString& dbPath, const QString& program, qint64 id)
{
    dr::DrillOptions o;
    o.database = ss(dbPath);
    o.nbaops = ss(program);
    o.resume = id;
    return launchDrill(o);
}

} // namespace nbaops::ui
