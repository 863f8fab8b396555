#include "import.h"

#include "pipeline/history.h"
#include "pipeline/session.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/files.h"

#include <algorithm>
#include <chrono>

namespace nbaops::jobs {

namespace {

using sources::BoxscoreLine;

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string seconds(double s)
{
    return std::to_string(s).substr(0, 4) + " s";
}

struct Game
{
    std::string season;
    int64_t home = 0, visitor = 0;
    std::string homeAbbr, visitorAbbr;
    int64_t homePts = 0, visitorPts = 0;
};

// The same bytes imported before: the report of that import.
bool findEarlierImport(store::Database& db, ImportReport& rep)
{
    auto st = db.prepare("SELECT rows, loaded, quarantined, first_date, last_date FROM imports"
                         " WHERE sha256 = ? AND status = 'done' ORDER BY id DESC LIMIT 1");
    st.bindAll(rep.sha256);
    if (!st.step())
        return false;
    rep.alreadyImported = true;
    rep.rows = st.getInt(0);
    rep.loaded = st.getInt(1);
    rep.quarantined = st.getInt(2);
    rep.firstDate = st.getOptText(3).value_or("");
    rep.lastDate = st.getOptText(4).value_or("");
    return true;
}

void summarise(const sources::BoxscoreCsv& csv, ImportReport& rep)
{
    rep.rows = csv.rows;
    rep.quarantined = int64_t(csv.rejected.size());
    rep.players = csv.players;
    rep.repaired = int64_t(csv.repairedLines.size());
    rep.repairedLines.assign(csv.repairedLines.begin(),
                             csv.repairedLines.begin() + std::min(csv.repairedLines.size(), kKeptIssues));
    rep.dates = int64_t(csv.byDate.size());
    for (const auto& [d, lines] : csv.byDate)
        rep.loaded += int64_t(lines.size());
    for (size_t i = 0; i < csv.rejected.size() && i < kKeptIssues; ++i)
        rep.issues.push_back(csv.rejected[i].issue);
    if (!csv.byDate.empty()) {
        rep.firstDate = csv.byDate.begin()->first.iso();
        rep.lastDate = csv.byDate.rbegin()->first.iso();
    }
}

// The imports row ('loading') and the quarantined rows, committed before any data.
int64_t recordImport(store::Database& db, const ImportReport& rep, const std::vector<sources::RejectedRow>& rejected,
                     const std::string& runId, const std::string& at)
{
    store::Transaction tx(db);
    db.prepare("INSERT INTO imports(kind, file, sha256, rows, loaded, quarantined, first_date, last_date,"
               " started_at, status, run_id) VALUES ('boxscores', ?, ?, ?, ?, ?, ?, ?, ?, 'loading', ?)")
        .bindAll(rep.file, rep.sha256, rep.rows, rep.loaded, rep.quarantined, rep.firstDate, rep.lastDate, at, runId)
        .run();
    const int64_t importId = db.lastInsertRowId();
    auto q = db.prepare("INSERT INTO import_quarantine(import_id, file, line, column_name, reason, raw, quarantined_at)"
                        " VALUES (?,?,?,?,?,?,?)");
    for (const auto& b : rejected) {
        q.reset();
        q.bindAll(importId, rep.file, int64_t(b.issue.line),
                  b.issue.column.empty() ? std::optional<std::string>() : std::optional(b.issue.column), b.issue.reason,
                  b.raw, at);
        q.run();
    }
    tx.commit();
    return importId;
}

// The date's games, with each side's points added up from its players.
std::map<std::string, Game> gamesOf(const std::vector<BoxscoreLine>& lines)
{
    std::map<std::string, Game> games;
    for (const auto& l : lines) {
        Game& g = games[l.gameId];
        g.season = l.season.substr(0, 4);
        const int64_t pts = l.stats[sources::kPtsStat];
        if (l.home) {
            g.home = l.teamId, g.homeAbbr = l.teamAbbr, g.visitor = l.oppId, g.visitorAbbr = l.oppAbbr;
            g.homePts += pts;
        } else {
            g.visitor = l.teamId, g.visitorAbbr = l.teamAbbr, g.home = l.oppId, g.homeAbbr = l.oppAbbr;
            g.visitorPts += pts;
        }
    }
    return games;
}

void checkTeamPoints(const std::map<std::string, Game>& games, const sources::TeamPoints& teamPoints,
                     std::vector<std::string>& warnings)
{
    for (const auto& [id, g] : games) {
        for (const auto& [team, pts] : {std::pair{g.home, g.homePts}, std::pair{g.visitor, g.visitorPts}}) {
            const auto it = teamPoints.find({id, team});
            if (it == teamPoints.end())
                warnings.push_back(id + " team " + std::to_string(team) + ": not in the team game log");
            else if (it->second != pts)
                warnings.push_back(id + " team " + std::to_string(team) + ": its players scored " + std::to_string(pts) +
                                   ", the team game log says " + std::to_string(it->second));
        }
    }
}

// Writes one date's raw rows and the phase-2 runs that say where they came from, together.
class DateLoader
{
public:
    DateLoader(store::Database& db, std::string runId, std::string at, std::string note, std::string fingerprint)
        : m_db(db), m_runId(std::move(runId)), m_at(std::move(at)), m_note(std::move(note)),
          m_fingerprint(std::move(fingerprint)),
          m_attempt(db.prepare("SELECT count(*) FROM processor_runs WHERE game_date = ? AND processor = ?"))
    {
    }

    void load(Date d, const std::map<std::string, Game>& games, const std::vector<BoxscoreLine>& lines)
    {
        store::Transaction tx(m_db);
        m_db.prepare("DELETE FROM raw_nbac_schedule WHERE game_date = ?").bindAll(d.iso()).run();
        m_db.prepare("DELETE FROM raw_nbac_player_boxscores WHERE game_date = ?").bindAll(d.iso()).run();
        writeGames(d, games);
        writePlayers(d, lines);
        recordRun("nbac_schedule", d, int64_t(games.size()));
        recordRun("nbac_player_boxscores", d, int64_t(lines.size()));
        pipeline::touchFreshness(m_db, "raw_nbac_schedule", d, int64_t(games.size()), m_at);
        pipeline::touchFreshness(m_db, "raw_nbac_player_boxscores", d, int64_t(lines.size()), m_at);
        tx.commit();
    }

private:
    store::Database& m_db;
    const std::string m_runId, m_at, m_note, m_fingerprint;
    store::Statement m_attempt;

    void writeGames(Date d, const std::map<std::string, Game>& games)
    {
        auto gs = m_db.prepare(
            "INSERT OR REPLACE INTO raw_nbac_schedule(game_id, game_date, season, game_status, game_status_text,"
            " home_team_id, visitor_team_id, home_team_abbr, visitor_team_abbr, home_pts, visitor_pts,"
            " run_id, loaded_at) VALUES (?,?,?,3,'Final',?,?,?,?,?,?,?,?)");
        for (const auto& [id, g] : games) {
            gs.reset();
            gs.bindAll(id, d.iso(), g.season, g.home, g.visitor, g.homeAbbr, g.visitorAbbr, g.homePts, g.visitorPts,
                       m_runId, m_at);
            gs.run();
        }
    }

    void writePlayers(Date d, const std::vector<BoxscoreLine>& lines)
    {
        auto ps = m_db.prepare(
            "INSERT OR REPLACE INTO raw_nbac_player_boxscores(game_id, player_id, game_date, team_id, team_abbr, team_city,"
            " player_name, start_position, comment, minutes, fgm, fga, fg_pct, fg3m, fg3a, fg3_pct, ftm, fta, ft_pct,"
            " oreb, dreb, reb, ast, stl, blk, tov, pf, pts, plus_minus, run_id, loaded_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        const auto opt = [](const std::string& s) { return s.empty() ? std::optional<std::string>() : std::optional(s); };
        for (const auto& l : lines) {
            const auto& s = l.stats;
            ps.reset();
            ps.bindAll(l.gameId, l.playerId, d.iso(), l.teamId, l.teamAbbr, opt(l.teamCity), l.name, opt(l.position),
                       opt(l.comment), opt(l.minutes), s[0], s[1], l.pcts[0], s[2], s[3], l.pcts[1], s[4], s[5], l.pcts[2],
                       s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13], s[14], l.plusMinus, m_runId, m_at);
            ps.run();
        }
    }

    void recordRun(const char* processor, Date d, int64_t records)
    {
        m_attempt.reset();
        m_attempt.bindAll(d.iso(), std::string(processor));
        m_attempt.step();
        const int64_t n = m_attempt.getInt(0);
        m_attempt.reset(); // a stepped statement holds a read snapshot: the WAL could not be checkpointed
        m_db.prepare(
                "INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, finished_at, heartbeat_at,"
                " duration_ms, status, failure_category, records_in, records_out, error, source, skipped, attempt,"
                " input_fingerprint) VALUES (?,?,2,?,?,?,?,0,'success','success',?,?,?,'import',0,?,?)")
            .bindAll(m_runId, std::string(processor), d.iso(), m_at, m_at, m_at, records, records, m_note, n + 1,
                     m_fingerprint)
            .run();
    }
};

// The phase-3 tables of every imported date, as the pipeline builds them. Returns the first
// real failure ("" when none); stops at the next date when cancelled.
std::string buildAnalytics(pipeline::Session& session, const sources::BoxscoreCsv& csv, ImportReport& rep,
                           const TextControl& control)
{
    std::string firstFailure;
    for (const auto& [d, lines] : csv.byDate) {
        if (control.cancelled()) {
            rep.cancelled = true;
            break;
        }
        const auto res = session.runner().runDate(d, {3});
        rep.analyticsFailures += res.realFailures();
        for (const auto& r : res.results) {
            if (firstFailure.empty() && pipeline::isRealFailure(r.outcome.category))
                firstFailure = r.processor + " " + d.iso() + ": " + r.outcome.error;
        }
    }
    return firstFailure;
}

} // namespace

ImportReport importHistory(pipeline::Session& session, const ImportOptions& options, const TextControl& control)
{
    const auto t0 = std::chrono::steady_clock::now();
    ImportReport rep;
    rep.file = options.file.string();
    rep.sha256 = sha256Hex(readFile(options.file));
    store::Database& db = session.db();
    if (findEarlierImport(db, rep))
        return rep;

    const auto csv = sources::readBoxscoreCsv(options.file, control.cancel);
    if (csv.cancelled) {
        rep.cancelled = true;
        return rep;
    }
    summarise(csv, rep);
    const auto teamPoints = options.teams ? sources::readTeamPoints(*options.teams) : sources::TeamPoints{};
    rep.readSeconds = secondsSince(t0);
    control.report("read " + std::to_string(rep.rows) + " rows (" + std::to_string(rep.quarantined) +
                   " quarantined) in " + seconds(rep.readSeconds));

    const auto t1 = std::chrono::steady_clock::now();
    const std::string runId = session.runner().runId();
    const auto now = [&] { return toIsoUtc(session.context().clock.now()); };
    const std::string at = now();
    const int64_t importId = recordImport(db, rep, csv.rejected, runId, at);
    // With one worker, the raw rows and the phase-3 tables go in as one flat transaction: all
    // or nothing (a crash or a failed write leaves the import 'loading' with none of its rows,
    // and importing the file again redoes it; the ~2,000 phase-3 runs of three seasons do not
    // each pay a commit). The rows carry no payload reference, so foreign keys are not checked
    // meanwhile. With several workers the phase-3 runs use connections of their own, which must
    // see the raw rows: each date commits.
    std::optional<store::BulkWrite> bulk;
    if (session.runner().workerCount() == 1)
        bulk.emplace(db, false);
    DateLoader loader(db, runId, at, "imported from " + options.file.filename().string(), "import:" + rep.sha256);
    for (const auto& [d, lines] : csv.byDate) {
        if (control.cancelled()) {
            rep.cancelled = true;
            return rep; // the bulk write, if any, rolls back
        }
        const auto games = gamesOf(lines);
        if (options.teams)
            checkTeamPoints(games, teamPoints, rep.warnings);
        rep.games += int64_t(games.size());
        loader.load(d, games, lines);
    }
    rep.loadSeconds = secondsSince(t1);
    control.report("loaded " + std::to_string(rep.loaded) + " rows of " + std::to_string(rep.games) + " games on " +
                   std::to_string(rep.dates) + " dates in " + seconds(rep.loadSeconds));

    const auto t2 = std::chrono::steady_clock::now();
    const std::string firstFailure = buildAnalytics(session, csv, rep, control);
    if (rep.cancelled)
        return rep;
    if (bulk) {
        try {
            bulk->commit();
        } catch (const std::exception& e) {
            bulk.reset();
            db.prepare("UPDATE imports SET status = 'failed', finished_at = ? WHERE id = ?").bindAll(now(), importId).run();
            throw OpsError("Importing " + rep.file + " failed while writing the phase-3 tables (" + firstFailure + "). " +
                           e.what());
        }
    }
    rep.analyticsSeconds = secondsSince(t2);
    db.prepare("UPDATE imports SET status = ?, finished_at = ?, analytics_failures = ? WHERE id = ?")
        .bindAll(std::string(rep.analyticsFailures ? "analytics_failed" : "done"), now(), int64_t(rep.analyticsFailures),
                 importId)
        .run();
    return rep;
}

} // namespace nbaops::jobs
