#include "drill.h"

#include "backup.h"
#include "drillparts.h"
#include "store/audit.h"
#include "store/database.h"
#include "util/date.h"
#include "util/errors.h"
#include "util/log.h"
#include "util/process.h"

#include <algorithm>
#include <sstream>

namespace nbaops::dr {

namespace fs = std::filesystem;
using detail::DrillState;

namespace {

double secondsBetween(const std::string& from, const std::string& to)
{
    const auto a = parseIsoUtc(from);
    const auto b = parseIsoUtc(to);
    if (!a || !b)
        return -1;
    return std::chrono::duration<double>(*b - *a).count();
}

struct FoundDrill
{
    std::string scenario, state, folder;
};

FoundDrill findDrill(const fs::path& database, int64_t id)
{
    auto live = store::Database::open(database);
    auto st = live.prepare("SELECT scenario, state, folder FROM drills WHERE id = ?");
    st.bind(1, id);
    if (!st.step())
        throw UsageError("There is no drill " + std::to_string(id) +
                         "; 'nbaops drill history' lists them.");
    return {st.getText(0), st.getText(1), st.getText(2)};
}

// A runbook command as the drill runs it: split into words first (a path with spaces stays one
// word), the runbook's <date>, <backup> and <backups> filled in, the database added after `nbaops`.
std::vector<std::string> commandWords(const std::string& text, const DrillState& s)
{
    std::istringstream in(text);
    std::vector<std::string> words;
    std::string w;
    while (in >> w) {
        for (const auto& [from, to] :
             {std::pair<std::string, std::string>{"<date>", s.result.testDate},
              {"<backup>", s.result.backupId},
              {"<backups>", s.backupsDir.string()}}) {
            for (size_t at = w.find(from); at != std::string::npos;
                 at = w.find(from, at + to.size()))
                w.replace(at, from.size(), to);
        }
        words.push_back(w);
    }
    if (!words.empty() && words.front() == "nbaops") {
        words.erase(words.begin());
        words.insert(words.begin(), {"--db", s.targetDb.string()});
    }
    return words;
}

std::string shown(const std::vector<std::string>& words)
{
    std::string out = "nbaops";
    for (const auto& w : words)
        out += " " + (w.find(' ') != std::string::npos ? "'" + w + "'" : w);
    return out;
}

class Drill
{
public:
    Drill(const DrillOptions& o, const Control<DrillEvent>& c)
        : m_o(o), m_c(c), m_rb(runbook(o.scenario))
    {
    }

    DrillResult run()
    {
        if (m_o.resume > 0)
            resume();
        else
            prepareAndInject();
        walk();
        if (m_s.result.state == "running")
            finish();
        else
            persist();
        return m_s.result;
    }

private:
    void report(DrillEvent::Kind kind, std::string text, size_t step = 0)
    {
        DrillEvent e;
        e.kind = kind;
        e.text = std::move(text);
        e.step = step;
        if (step < m_s.result.steps.size())
            e.state = m_s.result.steps[step];
        m_c.report(e);
    }

    void persist()
    {
        detail::saveState(m_s);
        detail::recordDrill(m_s.liveDb, m_s);
    }

    void prepareAndInject()
    {
        if (std::find(drillScenarios().begin(), drillScenarios().end(), m_o.scenario) ==
            drillScenarios().end())
            throw UsageError("Unknown scenario '" + m_o.scenario +
                             "': 'nbaops drill list' names the five.");
        std::error_code ec;
        if (!fs::is_regular_file(m_o.nbaops, ec))
            throw OpsError("The nbaops program is not at " + m_o.nbaops.string() +
                           "; the drill runs the runbook's commands with it.");
        auto& r = m_s.result;
        m_s.liveDb = fs::absolute(m_o.database);
        const fs::path liveBackups =
            m_o.backups.empty() ? defaultBackupDir(m_s.liveDb) : fs::absolute(m_o.backups);
        {
            auto live = store::Database::open(m_s.liveDb);
            r.id = detail::newDrillRow(live, m_o, m_rb, "");
            r.folder = detail::drillFolder(m_s.liveDb, r.id, m_o.scenario);
            live.prepare("UPDATE drills SET folder = ? WHERE id = ?")
                .bindAll(r.folder.string(), r.id)
                .run();
            store::writeAudit(live, {m_o.actor, "drill.run",
                                     "drill " + std::to_string(r.id) + " of " + m_o.scenario,
                                     m_o.live ? "--live" : "--sandbox", "started"});
        }
        fs::create_directories(r.folder);
        r.scenario = m_o.scenario;
        r.mode = m_o.live ? "live" : "sandbox";
        r.state = "running";
        r.startedAt = nowIsoUtc();
        r.rtoTarget = m_rb.rtoSeconds;
        r.rpoTarget = m_rb.rpoSeconds;
        for (const auto& st : m_rb.steps)
            r.steps.push_back({st.id, st.title, "pending", "", 0, "", "", "", ""});
        if (m_o.live) {
            m_s.targetDb = m_s.liveDb;
            m_s.backupsDir = liveBackups;
            // Live: a backup of this moment first, so the drill itself loses nothing.
            BackupOptions bo;
            bo.database = m_s.liveDb;
            bo.dest = liveBackups;
            bo.kind = "drill";
            const auto made = createBackup(bo, {});
            r.backupId = made.manifest.id;
            m_s.backupCreatedAt = made.manifest.createdAt;
            r.notes.push_back("live drill: backup " + made.manifest.id +
                              " was made just before the injection");
        } else {
            m_s.liveSums = detail::liveChecksum(m_s.liveDb);
            for (auto& n : detail::makeSandbox(m_s, liveBackups))
                r.notes.push_back(std::move(n));
        }
        r.testDate = detail::pickTestDate(m_s.targetDb);
        m_s.rowsBefore = detail::rowCounts(m_s.targetDb);
        m_s.problemsBefore = detail::verifyTarget(m_s.targetDb, r.testDate);
        for (const auto& p : m_s.problemsBefore)
            r.notes.push_back("already failing before the injection (not counted): " + p);
        report(DrillEvent::Kind::Prepared,
               (m_o.live ? "live state" : "sandbox " + m_s.targetDb.parent_path().string()) +
                   ", test date " + r.testDate + ", backup " + r.backupId);
        persist();
        r.injectedAt = nowIsoUtc();
        r.injection = detail::inject(m_s, m_o);
        report(DrillEvent::Kind::Injected, r.injection);
        persist();
    }

    void resume()
    {
        const auto found = findDrill(m_o.database, m_o.resume);
        if (found.state != "running" && found.state != "interrupted")
            throw UsageError("Drill " + std::to_string(m_o.resume) + " is " + found.state +
                             "; only an interrupted one resumes.");
        const std::optional<std::string> folder = found.folder;
        m_s = detail::loadState(*folder);
        m_s.result.state = "running";
        m_s.result.notes.push_back("resumed at step " + std::to_string(m_s.nextStep + 1) + " at " +
                                   nowIsoUtc());
    }

    void walk()
    {
        auto& r = m_s.result;
        for (size_t i = m_s.nextStep; i < m_rb.steps.size(); ++i) {
            if (m_c.cancelled()) {
                r.state = "interrupted";
                return;
            }
            const auto& spec = m_rb.steps[i];
            auto& st = r.steps[i];
            st.state = "running";
            st.startedAt = nowIsoUtc();
            report(DrillEvent::Kind::StepStarted, spec.title, i);
            const auto t0 = std::chrono::steady_clock::now();
            bool ok = true;
            if (spec.manual()) {
                StepOutcome out;
                if (m_o.manualStep)
                    out = m_o.manualStep(spec, i);
                else
                    out.note = "a person's step: acknowledged by the unattended drill";
                if (out.stop) {
                    st.state = "pending";
                    r.state = "interrupted";
                    m_s.nextStep = i;
                    return;
                }
                st.note = out.note;
                ok = !out.deviation;
            } else {
                if (!spec.command.empty()) {
                    const auto words = commandWords(spec.command, m_s);
                    st.command = shown(words);
                    const auto run = runCommand(m_o.nbaops.string(), words,
                                                m_o.commandTimeoutSeconds, m_c.cancel);
                    st.output = run.output;
                    if (run.exitCode != 0) {
                        ok = false;
                        st.note = "the command exited " + std::to_string(run.exitCode) +
                                  (run.timedOut ? " (timed out)" : "");
                    }
                }
                if (!spec.check.empty()) {
                    const auto words = commandWords(spec.check, m_s);
                    const auto run = runCommand(m_o.nbaops.string(), words,
                                                m_o.commandTimeoutSeconds, m_c.cancel);
                    const bool passed = spec.checkFails ? run.exitCode != 0 : run.exitCode == 0;
                    st.checkText =
                        "$ " + shown(words) + "  (exit " + std::to_string(run.exitCode) + ", " +
                        (spec.checkFails ? "must fail while the damage is there" : "must pass") +
                        ")\n" + run.output;
                    if (!passed) {
                        ok = false;
                        st.note += std::string(st.note.empty() ? "" : "; ") +
                                   (spec.checkFails ? "the check did not see the damage"
                                                    : "the check did not pass");
                    }
                }
            }
            st.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            st.state = ok ? "done" : (spec.manual() ? "deviation" : "failed");
            if (!ok)
                ++r.deviations;
            m_s.nextStep = i + 1;
            report(DrillEvent::Kind::StepFinished, spec.title, i);
            persist();
        }
    }

    void finish()
    {
        auto& r = m_s.result;
        auto after = detail::verifyTarget(m_s.targetDb, r.testDate);
        std::erase_if(after, [&](const std::string& p) {
            return std::find(m_s.problemsBefore.begin(), m_s.problemsBefore.end(), p) !=
                   m_s.problemsBefore.end();
        });
        r.verification = after;
        const std::string now = nowIsoUtc();
        if (after.empty()) {
            r.recoveredAt = now;
            r.rtoSeconds = secondsBetween(r.injectedAt, now);
        }
        report(DrillEvent::Kind::Verified,
               after.empty() ? "recovered: integrity, payloads and " + r.testDate + " check clean"
                             : "NOT recovered: " + after.front());
        // RPO: the rows the recovery did not bring back, and the age of the backup it used.
        const auto rowsAfter = detail::rowCounts(m_s.targetDb);
        r.rpoRows = 0;
        for (const auto& [t, n] : m_s.rowsBefore) {
            const auto it = rowsAfter.find(t);
            const int64_t now_n = it == rowsAfter.end() ? 0 : it->second;
            if (now_n < n) {
                r.rpoRows += n - now_n;
                r.lostRows.push_back(t + ": " + std::to_string(n - now_n) + " of " +
                                     std::to_string(n) + " rows");
            }
        }
        bool usedBackup = false;
        for (const auto& st : r.steps)
            usedBackup = usedBackup || st.command.find(" backup restore ") != std::string::npos;
        r.rpoSeconds =
            usedBackup ? std::max(0.0, secondsBetween(m_s.backupCreatedAt, r.injectedAt)) : 0;
        r.rtoMet = r.rtoSeconds >= 0 && r.rtoSeconds <= r.rtoTarget;
        r.rpoMet = r.rpoSeconds >= 0 && r.rpoSeconds <= r.rpoTarget;
        r.state = after.empty() ? "passed" : "failed";
        if (m_s.result.mode == "sandbox") {
            const std::string live = detail::liveChecksum(m_s.liveDb);
            r.liveProof = live == m_s.liveSums
                              ? "Untouched: the live tables (the drill's own records aside) and "
                                "files have the same checksum "
                                "before and after the drill, " +
                                    live + "."
                              : "CHANGED during the drill: before " + m_s.liveSums + ", after " +
                                    live + " (another process may have written to it meanwhile).";
        }
        r.report = detail::writeReport(m_s, m_rb);
        persist();
        if (r.state == "passed" && r.mode == "sandbox") {
            std::error_code ec;
            fs::remove_all(r.folder / "sandbox", ec);
        }
        try {
            // The row written when it started gets its result.
            auto live = store::Database::open(m_s.liveDb);
            const std::string result = r.state + ": RTO " + durationText(r.rtoSeconds) + ", RPO " +
                                       std::to_string(r.rpoRows) + " rows";
            const std::string detail = "drill " + std::to_string(r.id) + " of " + r.scenario;
            live.prepare(
                    "UPDATE audit_log SET result = ? WHERE action = 'drill.run' AND detail = ? AND "
                    "result = 'started'")
                .bindAll(result, detail)
                .run();
            if (live.changes() == 0) // a live drill whose restore brought back an older audit log
                store::writeAudit(live, {m_o.actor, "drill.run", detail, "--" + r.mode, result});
        } catch (const std::exception& e) {
            // The report and the drills row have the outcome; say what the audit log lacks.
            log::warning("drill", "drill " + std::to_string(r.id) +
                                      "'s result is not in the audit log: " + e.what());
        }
        report(DrillEvent::Kind::Finished, r.state);
    }

    const DrillOptions& m_o;
    const Control<DrillEvent>& m_c;
    const Runbook& m_rb;
    DrillState m_s;
};

} // namespace

DrillResult runDrill(const DrillOptions& options, const Control<DrillEvent>& control)
{
    DrillOptions o = options;
    if (o.resume > 0)
        o.scenario = findDrill(o.database, o.resume).scenario;
    Drill d(o, control);
    return d.run();
}

DrillResult endDrill(const fs::path& database, int64_t id)
{
    const auto found = findDrill(database, id);
    if (found.state != "running" && found.state != "interrupted")
        throw UsageError("Drill " + std::to_string(id) + " is already " + found.state + ".");
    const fs::path folder = found.folder;
    auto s = detail::loadState(folder);
    s.liveDb = fs::absolute(database);
    s.result.state = "ended";
    s.result.notes.push_back("ended by " + store::currentActor() + " at " + nowIsoUtc() +
                             " after step " + std::to_string(s.nextStep));
    s.result.report = detail::writeReport(s, runbook(s.result.scenario));
    detail::saveState(s);
    detail::recordDrill(s.liveDb, s);
    std::error_code ec;
    fs::remove_all(folder / "sandbox", ec);
    auto live = store::Database::open(database);
    store::writeAudit(live,
                      {"", "drill.end",
                       "drill " + std::to_string(id) + " of " + s.result.scenario + " ended midway",
                       "", "ended"});
    return s.result;
}

} // namespace nbaops::dr
