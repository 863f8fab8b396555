// A drill's durable state (state.json), its rows in the live database, its report and the
// history.
#include "backup.h"
#include "drillparts.h"
#include "store/audit.h"
#include "store/database.h"
#include "util/date.h"
#include "util/errors.h"
#include "util/files.h"
#include "util/log.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace nbaops::dr {

namespace fs = std::filesystem;
using nlohmann::json;

std::string durationText(double seconds)
{
    char buf[48];
    if (seconds < 0)
        return "-";
    if (seconds < 60)
        std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    else if (seconds < 3600)
        std::snprintf(buf, sizeof buf, "%d min %02d s", int(seconds) / 60, int(seconds) % 60);
    else
        std::snprintf(buf, sizeof buf, "%d h %02d min", int(seconds) / 3600,
                      (int(seconds) % 3600) / 60);
    return buf;
}

namespace detail {

namespace {

json stepJson(const DrillStep& s)
{
    return {{"id", s.id},           {"title", s.title},
            {"state", s.state},     {"started_at", s.startedAt},
            {"seconds", s.seconds}, {"command", s.command},
            {"output", s.output},   {"check", s.checkText},
            {"note", s.note}};
}

DrillStep stepFrom(const json& j)
{
    DrillStep s;
    s.id = j.value("id", "");
    s.title = j.value("title", "");
    s.state = j.value("state", "pending");
    s.startedAt = j.value("started_at", "");
    s.seconds = j.value("seconds", 0.0);
    s.command = j.value("command", "");
    s.output = j.value("output", "");
    s.checkText = j.value("check", "");
    s.note = j.value("note", "");
    return s;
}

std::string lastLines(const std::string& text, size_t lines)
{
    size_t start = text.size();
    size_t seen = 0;
    while (start > 0) {
        const size_t nl = text.rfind('\n', start - 1);
        if (nl == std::string::npos)
            return text;
        if (nl + 1 < text.size() && ++seen > lines)
            return text.substr(nl + 1);
        start = nl;
    }
    return text;
}

} // namespace

fs::path drillFolder(const fs::path& liveDb, int64_t id, const std::string& scenario)
{
    return dataDirOf(liveDb) / "drills" / (std::to_string(id) + "-" + scenario);
}

void saveState(const DrillState& s)
{
    const auto& r = s.result;
    json steps = json::array();
    for (const auto& st : r.steps)
        steps.push_back(stepJson(st));
    const json doc{{"id", r.id},
                   {"scenario", r.scenario},
                   {"mode", r.mode},
                   {"state", r.state},
                   {"backup_id", r.backupId},
                   {"backup_created_at", s.backupCreatedAt},
                   {"test_date", r.testDate},
                   {"started_at", r.startedAt},
                   {"injected_at", r.injectedAt},
                   {"injection", r.injection},
                   {"recovered_at", r.recoveredAt},
                   {"live_db", s.liveDb.string()},
                   {"target_db", s.targetDb.string()},
                   {"backups_dir", s.backupsDir.string()},
                   {"rows_before", s.rowsBefore},
                   {"problems_before", s.problemsBefore},
                   {"live_sums", s.liveSums},
                   {"next_step", s.nextStep},
                   {"notes", r.notes},
                   {"deviations", r.deviations},
                   {"steps", steps}};
    writeFileAtomically(r.folder / "state.json", doc.dump(1));
}

DrillState loadState(const fs::path& folder)
{
    DrillState s;
    try {
        const auto doc = json::parse(readFile(folder / "state.json"));
        auto& r = s.result;
        r.folder = folder;
        r.id = doc.at("id").get<int64_t>();
        r.scenario = doc.at("scenario").get<std::string>();
        r.mode = doc.at("mode").get<std::string>();
        r.state = doc.at("state").get<std::string>();
        r.backupId = doc.at("backup_id").get<std::string>();
        s.backupCreatedAt = doc.at("backup_created_at").get<std::string>();
        r.testDate = doc.at("test_date").get<std::string>();
        r.startedAt = doc.at("started_at").get<std::string>();
        r.injectedAt = doc.at("injected_at").get<std::string>();
        r.injection = doc.at("injection").get<std::string>();
        r.recoveredAt = doc.at("recovered_at").get<std::string>();
        s.liveDb = doc.at("live_db").get<std::string>();
        s.targetDb = doc.at("target_db").get<std::string>();
        s.backupsDir = doc.at("backups_dir").get<std::string>();
        s.rowsBefore = doc.at("rows_before").get<std::map<std::string, int64_t>>();
        s.problemsBefore = doc.at("problems_before").get<std::vector<std::string>>();
        s.liveSums = doc.at("live_sums").get<std::string>();
        s.nextStep = doc.at("next_step").get<size_t>();
        r.notes = doc.at("notes").get<std::vector<std::string>>();
        r.deviations = doc.at("deviations").get<int>();
        for (const auto& st : doc.at("steps"))
            r.steps.push_back(stepFrom(st));
    } catch (const std::exception& e) {
        throw OpsError("The drill's state in " + folder.string() + " cannot be read (" + e.what() +
                       "); end the drill with 'nbaops drill end ID'.");
    }
    return s;
}

int64_t newDrillRow(store::Database& db, const DrillOptions& o, const Runbook& rb,
                    const fs::path& folder)
{
    db.prepare("INSERT INTO drills(scenario, mode, state, actor, started_at, folder, "
               "rto_target_seconds, rpo_target_seconds) "
               "VALUES (?,?,'running',?,?,?,?,?)")
        .bindAll(o.scenario, o.live ? "live" : "sandbox",
                 o.actor.empty() ? store::currentActor() : o.actor,
                 toIsoUtc(std::chrono::system_clock::now()), folder.string(), rb.rtoSeconds,
                 rb.rpoSeconds)
        .run();
    return db.lastInsertRowId();
}

void recordDrill(const fs::path& liveDb, const DrillState& s)
{
    std::error_code ec;
    if (!fs::exists(liveDb, ec))
        return; // a live drill of an outage: recorded once the database is back
    try {
        auto db = store::Database::open(liveDb);
        const auto& r = s.result;
        store::Transaction tx(db);
        // A live restore may have brought back an older drills table: the row is written whole.
        db.prepare("INSERT INTO drills(id, scenario, mode, state, actor, started_at, folder, "
                   "rto_target_seconds, "
                   "rpo_target_seconds) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO NOTHING")
            .bindAll(r.id, r.scenario, r.mode, r.state, store::currentActor(), r.startedAt,
                     r.folder.string(), r.rtoTarget, r.rpoTarget)
            .run();
        db.prepare("UPDATE drills SET state = ?, finished_at = ?, backup_id = ?, test_date = ?, "
                   "injected_at = ?, "
                   "recovered_at = ?, rto_seconds = ?, rpo_rows = ?, rpo_seconds = ?, deviations = "
                   "?, summary = ? WHERE id = ?")
            .bindAll(r.state,
                     r.state == "running" ? std::optional<std::string>()
                                          : toIsoUtc(std::chrono::system_clock::now()),
                     r.backupId, r.testDate, r.injectedAt,
                     r.recoveredAt.empty() ? std::optional<std::string>() : r.recoveredAt,
                     r.rtoSeconds >= 0 ? std::optional<double>(r.rtoSeconds) : std::nullopt,
                     r.rpoRows >= 0 ? std::optional<int64_t>(r.rpoRows) : std::nullopt,
                     r.rpoSeconds >= 0 ? std::optional<double>(r.rpoSeconds) : std::nullopt,
                     int64_t(r.deviations),
                     r.state + ": RTO " + durationText(r.rtoSeconds) + " (target " +
                         durationText(r.rtoTarget) + "), RPO " +
                         (r.rpoRows >= 0 ? std::to_string(r.rpoRows) + " rows, " : std::string()) +
                         durationText(r.rpoSeconds),
                     r.id)
            .run();
        db.prepare("DELETE FROM drill_steps WHERE drill_id = ?").bind(1, r.id).run();
        for (size_t i = 0; i < r.steps.size(); ++i) {
            const auto& st = r.steps[i];
            db.prepare("INSERT INTO drill_steps(drill_id, position, step_id, title, state, "
                       "started_at, seconds, command, "
                       "output, check_text, note) VALUES (?,?,?,?,?,?,?,?,?,?,?)")
                .bindAll(r.id, int64_t(i), st.id, st.title, st.state,
                         st.startedAt.empty() ? std::optional<std::string>() : st.startedAt,
                         st.seconds, st.command, lastLines(st.output, 40), st.checkText, st.note)
                .run();
        }
        tx.commit();
    } catch (const std::exception& e) {
        // The live database may be the one the drill broke: state.json keeps everything.
        log::warning("drill",
                     std::string("the drill's record waits for the database: ") + e.what());
    }
}

fs::path writeReport(const DrillState& s, const Runbook& rb)
{
    const auto& r = s.result;
    std::string md = "# Drill " + std::to_string(r.id) + ": " + rb.title + "\n\n";
    md += "| | |\n|---|---|\n";
    md += "| Scenario | `" + r.scenario + "` (" + rb.severity + ") |\n";
    md += "| Mode | " + r.mode + " |\n| Result | **" + r.state + "** |\n";
    md += "| Started | " + r.startedAt + " by " + store::currentActor() + " |\n";
    md += "| Injected | " + r.injectedAt + ": " + r.injection + " |\n";
    md += "| Recovered | " +
          (r.recoveredAt.empty() ? std::string("not recovered") : r.recoveredAt) + " |\n";
    md += "| Test date | " + r.testDate + " |\n| Backup | " + r.backupId + " (made " +
          s.backupCreatedAt + ") |\n";
    md += "| RTO | " + durationText(r.rtoSeconds) + " against " + rb.rtoText + ": " +
          (r.rtoMet ? "met" : "MISSED") + " |\n";
    md += "| RPO | " +
          (r.rpoRows >= 0 ? std::to_string(r.rpoRows) + " rows lost, " : std::string()) +
          durationText(r.rpoSeconds) + " since the backup used, against " + rb.rpoText + ": " +
          (r.rpoMet ? "met" : "MISSED") + " |\n";
    md += "| Deviations | " + std::to_string(r.deviations) + " |\n\n";
    md += "## Steps\n\n| # | Step | Result | Time | Note |\n|---|---|---|---|---|\n";
    for (const auto& st : r.steps)
        md += "| " + st.id + " | " + st.title + " | " + st.state + " | " +
              durationText(st.seconds) + " | " + st.note + " |\n";
    md += "\n";
    for (const auto& st : r.steps) {
        if (st.command.empty() && st.checkText.empty())
            continue;
        md += "### " + st.id + ". " + st.title + "\n\n";
        if (!st.command.empty())
            md += "```\n$ " + st.command + "\n" + lastLines(st.output, 20) + "\n```\n\n";
        if (!st.checkText.empty())
            md += "```\n" + lastLines(st.checkText, 20) + "\n```\n\n";
    }
    md += "## Verification\n\n";
    if (r.verification.empty())
        md += "Integrity, every raw payload and the test date check clean.\n";
    for (const auto& p : r.verification)
        md += "- " + p + "\n";
    if (!r.lostRows.empty()) {
        md += "\n## Rows not recovered\n\n";
        for (const auto& l : r.lostRows)
            md += "- " + l + "\n";
    }
    if (!r.liveProof.empty())
        md += "\n## The live state\n\n" + r.liveProof + "\n";
    if (!r.notes.empty()) {
        md += "\n## Notes\n\n";
        for (const auto& n : r.notes)
            md += "- " + n + "\n";
    }
    md += "\n## Debrief\n\nWithin 24 h: what took longest, each deviation and its cause, what to "
          "change in the runbook.\n";
    fs::path p = r.folder / "report.md";
    writeFileAtomically(p, md);
    return p;
}

} // namespace detail

std::vector<DrillSummary> drillHistory(store::Database& db, const std::string& scenario)
{
    std::vector<DrillSummary> out;
    auto st = db.prepare(
        "SELECT id, scenario, mode, state, started_at, folder, summary, COALESCE(rto_seconds, -1), "
        "rto_target_seconds, COALESCE(rpo_seconds, -1), rpo_target_seconds, COALESCE(rpo_rows, "
        "-1), deviations "
        "FROM drills WHERE ?1 = '' OR scenario = ?1 ORDER BY id DESC");
    st.bind(1, scenario);
    while (st.step())
        out.push_back({st.getInt(0), st.getText(1), st.getText(2), st.getText(3), st.getText(4),
                       st.getText(5), st.getText(6), st.getDouble(7), st.getDouble(8),
                       st.getDouble(9), st.getDouble(10), st.getInt(11), int(st.getInt(12))});
    return out;
}

std::vector<DrillStep> drillSteps(store::Database& db, int64_t id)
{
    std::vector<DrillStep> out;
    auto st = db.prepare("SELECT step_id, title, state, COALESCE(started_at, ''), "
                         "COALESCE(seconds, 0), command, output, "
                         "check_text, note FROM drill_steps WHERE drill_id = ? ORDER BY position");
    st.bind(1, id);
    while (st.step())
        out.push_back({st.getText(0), st.getText(1), st.getText(2), st.getText(3), st.getDouble(4),
                       st.getText(5), st.getText(6), st.getText(7), st.getText(8)});
    return out;
}

} // namespace nbaops::dr
