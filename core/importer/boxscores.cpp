#include "boxscores.h"

#include "csv.h"
#include "pipeline/helpers.h"
#include "pipeline/session.h"
#include "sources/nbastats.h"
#include "sources/teams.h"
#include "store/database.h"
#include "util/errors.h"
#include "util/files.h"

#include <array>
#include <charconv>
#include <chrono>
#include <map>
#include <set>
#include <optional>

namespace nbaops::importer {

namespace {

constexpr size_t kKeptIssues = 100;
const char* const kStats[] = {"fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "reb",
                              "ast", "stl", "blk", "tov", "pf", "pts"};
const char* const kPcts[] = {"fg_pct", "fg3_pct", "ft_pct"};
const char* const kRequired[] = {"season", "game_id", "game_date", "team_id", "team_tricode", "home",
                                 "opponent_team_id", "opponent_tricode", "person_id", "first_name",
                                 "family_name", "minutes", "fgm", "fga", "fg3m", "fg3a", "ftm", "fta",
                                 "oreb", "dreb", "reb", "ast", "stl", "blk", "tov", "pf", "pts"};

struct Line
{
    std::string gameId, season, teamAbbr, teamCity, oppAbbr, name, position, comment, minutes;
    Date date;
    int64_t teamId = 0, oppId = 0, playerId = 0;
    bool home = false;
    std::array<int64_t, 15> stats{};
    std::array<std::optional<double>, 3> pcts{};
    std::optional<double> plusMinus;
};

struct Game
{
    std::string gameId, season;
    int64_t home = 0, visitor = 0;
    std::string homeAbbr, visitorAbbr;
    int64_t homePts = 0, visitorPts = 0;
};

std::optional<int64_t> wholeNumber(const std::string& s)
{
    int64_t v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size())
        return std::nullopt;
    return v;
}

std::optional<double> number(const std::string& s)
{
    if (s.empty())
        return std::nullopt;
    try {
        size_t used = 0;
        const double v = std::stod(s, &used);
        if (used == s.size())
            return v;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

std::string joined(const std::vector<std::string>& fields)
{
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i)
        out += (i ? "," : "") + fields[i];
    return out.substr(0, 2000);
}

// Team points per (game id, team id) from the team game log, for the cross-check.
std::map<std::pair<std::string, int64_t>, int64_t> readTeamPoints(const std::filesystem::path& path)
{
    CsvReader csv(path);
    std::vector<std::string> f;
    if (!csv.next(f))
        throw UsageError(path.string() + " is empty; give the team game log CSV (season,game_id,game_date,team_id,...,pts).");
    std::map<std::string, size_t> col;
    for (size_t i = 0; i < f.size(); ++i)
        col[f[i]] = i;
    for (const char* c : {"game_id", "team_id", "pts"}) {
        if (!col.count(c))
            throw UsageError(path.string() + " has no column '" + c + "'; it is not a team game log CSV.");
    }
    std::map<std::pair<std::string, int64_t>, int64_t> out;
    while (csv.next(f)) {
        if (f.size() <= std::max({col["game_id"], col["team_id"], col["pts"]}))
            continue;
        const auto team = wholeNumber(f[col["team_id"]]);
        const auto pts = wholeNumber(f[col["pts"]]);
        if (team && pts)
            out[{f[col["game_id"]], *team}] = *pts;
    }
    return out;
}

} // namespace

ImportReport importBoxscores(pipeline::Session& session, const std::filesystem::path& file,
                             const std::optional<std::filesystem::path>& teams,
                             const std::function<void(const std::string&)>& progress)
{
    const auto t0 = std::chrono::steady_clock::now();
    const auto since = [](auto start) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    ImportReport rep;
    rep.file = file.string();
    rep.sha256 = sha256Hex(readFile(file));
    store::Database& db = session.db();
    {
        auto st = db.prepare("SELECT rows, loaded, quarantined, first_date, last_date FROM imports"
                             " WHERE sha256 = ? AND status = 'done' ORDER BY id DESC LIMIT 1");
        st.bindAll(rep.sha256);
        if (st.step()) {
            rep.alreadyImported = true;
            rep.rows = st.getInt(0);
            rep.loaded = st.getInt(1);
            rep.quarantined = st.getInt(2);
            rep.firstDate = st.getOptText(3).value_or("");
            rep.lastDate = st.getOptText(4).value_or("");
            return rep;
        }
    }

    // Read and check every row.
    CsvReader csv(file);
    std::vector<std::string> f;
    if (!csv.next(f))
        throw UsageError(file.string() + " is empty; give a player box-score CSV with a header line.");
    const std::vector<std::string> header = f;
    std::map<std::string, size_t> col;
    for (size_t i = 0; i < header.size(); ++i)
        col[header[i]] = i;
    std::string missing;
    for (const char* c : kRequired) {
        if (!col.count(c))
            missing += (missing.empty() ? "" : ", ") + std::string(c);
    }
    if (!missing.empty())
        throw UsageError(file.string() + " lacks the column(s) " + missing +
                         "; it is not in the player box-score CSV format (see ../shared/data/SOURCES.md).");
    const auto has = [&](const char* c) { return col.count(c) > 0; };
    // Each column's position, looked up once (not once per row and field).
    std::map<std::string, size_t, std::less<>> where;
    const auto pos = [&](const char* c) {
        auto it = where.find(std::string_view(c));
        if (it == where.end())
            it = where.emplace(c, col.at(c)).first;
        return it->second;
    };
    for (const char* c : kRequired)
        pos(c);
    std::array<size_t, std::size(kStats)> statCol{};
    for (size_t i = 0; i < std::size(kStats); ++i)
        statCol[i] = pos(kStats[i]);
    std::array<std::optional<size_t>, std::size(kPcts)> pctCol{};
    for (size_t i = 0; i < std::size(kPcts); ++i)
        pctCol[i] = has(kPcts[i]) ? std::optional(pos(kPcts[i])) : std::nullopt;
    const auto optCol = [&](const char* c) { return has(c) ? std::optional(pos(c)) : std::nullopt; };
    const auto plusMinusCol = optCol("plus_minus"), cityCol = optCol("team_city"), positionCol = optCol("position"),
               commentCol = optCol("comment");
    const size_t cGame = pos("game_id"), cDate = pos("game_date"), cSeason = pos("season"), cTeam = pos("team_id"),
                 cOpp = pos("opponent_team_id"), cPerson = pos("person_id"), cHome = pos("home"),
                 cMinutes = pos("minutes"), cTri = pos("team_tricode"), cOppTri = pos("opponent_tricode"),
                 cFirst = pos("first_name"), cFamily = pos("family_name");
    struct Bad
    {
        ImportIssue issue;
        std::string raw;
    };
    std::vector<Bad> bad;
    std::map<Date, std::vector<Line>> byDate;
    std::set<int64_t> players;
    while (csv.next(f)) {
        ++rep.rows;
        const auto reject = [&](const std::string& column, const std::string& reason) {
            bad.push_back({{csv.line(), column, reason}, joined(f)});
        };
        if (!csv.problem().empty()) {
            reject("", csv.problem());
            continue;
        }
        if (f.size() != header.size()) {
            reject("", "has " + std::to_string(f.size()) + " fields, the header has " + std::to_string(header.size()));
            continue;
        }
        const auto at = [&](size_t c) -> const std::string& { return f[c]; };
        Line l;
        l.gameId = at(cGame);
        if (l.gameId.size() != 10 || !wholeNumber(l.gameId)) {
            reject("game_id", "'" + l.gameId + "' is not a 10-digit NBA game id");
            continue;
        }
        const auto date = Date::parse(at(cDate));
        if (!date) {
            reject("game_date", "'" + at(cDate) + "' is not a date (YYYY-MM-DD)");
            continue;
        }
        l.date = *date;
        l.season = at(cSeason);
        const auto team = wholeNumber(at(cTeam)), opp = wholeNumber(at(cOpp));
        if (!team || !sources::teamByNbaId(*team)) {
            reject("team_id", "'" + at(cTeam) + "' is not an NBA team id");
            continue;
        }
        if (!opp || !sources::teamByNbaId(*opp) || *opp == *team) {
            reject("opponent_team_id", "'" + at(cOpp) + "' is not the id of another NBA team");
            continue;
        }
        l.teamId = *team;
        l.oppId = *opp;
        const auto person = wholeNumber(at(cPerson));
        if (!person || *person <= 0) {
            reject("person_id", "'" + at(cPerson) + "' is not a player id");
            continue;
        }
        l.playerId = *person;
        if (at(cHome) != "0" && at(cHome) != "1") {
            reject("home", "'" + at(cHome) + "' must be 1 (home) or 0 (away)");
            continue;
        }
        l.home = at(cHome) == "1";
        l.minutes = at(cMinutes);
        if (!l.minutes.empty() && !sources::parseMinutes(nlohmann::json(l.minutes))) {
            reject("minutes", "'" + l.minutes + "' is not a playing time (MM:SS)");
            continue;
        }
        bool ok = true;
        for (size_t i = 0; i < std::size(kStats) && ok; ++i) {
            const std::string& v = at(statCol[i]);
            const auto n = v.empty() ? std::optional<int64_t>(0) : wholeNumber(v);
            if (!n || *n < 0) {
                reject(kStats[i], "'" + v + "' is not a whole number of at least 0");
                ok = false;
            } else {
                l.stats[i] = *n;
            }
        }
        if (!ok)
            continue;
        for (size_t i = 0; i < std::size(kPcts); ++i)
            l.pcts[i] = pctCol[i] ? number(at(*pctCol[i])) : std::nullopt;
        l.plusMinus = plusMinusCol ? number(at(*plusMinusCol)) : std::nullopt;
        l.teamAbbr = at(cTri);
        l.teamCity = cityCol ? at(*cityCol) : std::string();
        l.oppAbbr = at(cOppTri);
        l.name = at(cFirst) + (at(cFirst).empty() ? "" : " ") + at(cFamily);
        l.position = positionCol ? at(*positionCol) : std::string();
        l.comment = commentCol ? at(*commentCol) : std::string();
        players.insert(l.playerId);
        byDate[l.date].push_back(std::move(l));
        ++rep.loaded;
    }
    rep.quarantined = int64_t(bad.size());
    rep.players = int64_t(players.size());
    rep.dates = int64_t(byDate.size());
    for (const auto& b : bad) {
        if (rep.issues.size() < kKeptIssues)
            rep.issues.push_back(b.issue);
    }
    if (!byDate.empty()) {
        rep.firstDate = byDate.begin()->first.iso();
        rep.lastDate = byDate.rbegin()->first.iso();
    }
    const auto teamPoints = teams ? readTeamPoints(*teams) : std::map<std::pair<std::string, int64_t>, int64_t>{};
    rep.readSeconds = since(t0);
    if (progress)
        progress("read " + std::to_string(rep.rows) + " rows (" + std::to_string(rep.quarantined) + " quarantined) in " +
                 std::to_string(rep.readSeconds).substr(0, 4) + " s");

    // Load date by date: the raw rows, and the runs that say where they came from, together.
    const auto t1 = std::chrono::steady_clock::now();
    const std::string runId = session.runner().runId();
    const std::string at = toIsoUtc(session.context().clock.now());
    int64_t importId = 0;
    {
        store::Transaction tx(db);
        db.prepare("INSERT INTO imports(kind, file, sha256, rows, loaded, quarantined, first_date, last_date,"
                   " started_at, status, run_id) VALUES ('boxscores', ?, ?, ?, ?, ?, ?, ?, ?, 'loading', ?)")
            .bindAll(rep.file, rep.sha256, rep.rows, rep.loaded, rep.quarantined, rep.firstDate, rep.lastDate, at, runId)
            .run();
        importId = db.lastInsertRowId();
        auto q = db.prepare("INSERT INTO import_quarantine(import_id, file, line, column_name, reason, raw, quarantined_at)"
                            " VALUES (?,?,?,?,?,?,?)");
        for (const auto& b : bad) {
            q.reset();
            q.bindAll(importId, rep.file, int64_t(b.issue.line),
                      b.issue.column.empty() ? std::optional<std::string>() : std::optional(b.issue.column),
                      b.issue.reason, b.raw, at);
            q.run();
        }
        tx.commit();
    }
    auto attempt = db.prepare("SELECT count(*) FROM processor_runs WHERE game_date = ? AND processor = ?");
    const auto recordRun = [&](const char* processor, Date d, int64_t records, const std::string& note) {
        attempt.reset();
        attempt.bindAll(d.iso(), std::string(processor));
        attempt.step();
        const int64_t n = attempt.getInt(0);
        attempt.reset(); // a stepped statement holds a read snapshot: the WAL could not be checkpointed
        db.prepare("INSERT INTO processor_runs(run_id, processor, phase, game_date, started_at, finished_at, heartbeat_at,"
                   " duration_ms, status, failure_category, records_in, records_out, error, source, skipped, attempt,"
                   " input_fingerprint) VALUES (?,?,2,?,?,?,?,0,'success','success',?,?,?,'import',0,?,?)")
            .bindAll(runId, std::string(processor), d.iso(), at, at, at, records, records, note, n + 1,
                     "import:" + rep.sha256)
            .run();
    };
    // With one worker, the raw rows and the phase-3 tables go in as one flat transaction: all
    // or nothing (a crash or a failed write leaves the import 'loading' with none of its rows,
    // and importing the file again redoes it). The rows carry no payload reference, so foreign
    // keys are not checked meanwhile. With several workers the phase-3 runs use connections of
    // their own, which must see the raw rows: each date commits.
    std::optional<store::BulkWrite> bulk;
    if (session.runner().workerCount() == 1)
        bulk.emplace(db, false);
    for (const auto& [d, lines] : byDate) {
        std::map<std::string, Game> games;
        for (const auto& l : lines) {
            Game& g = games[l.gameId];
            g.gameId = l.gameId;
            g.season = l.season.substr(0, 4);
            if (l.home) {
                g.home = l.teamId, g.homeAbbr = l.teamAbbr, g.visitor = l.oppId, g.visitorAbbr = l.oppAbbr;
                g.homePts += l.stats[14];
            } else {
                g.visitor = l.teamId, g.visitorAbbr = l.teamAbbr, g.home = l.oppId, g.homeAbbr = l.oppAbbr;
                g.visitorPts += l.stats[14];
            }
        }
        for (const auto& [id, g] : games) {
            for (const auto& [team, pts] : {std::pair{g.home, g.homePts}, std::pair{g.visitor, g.visitorPts}}) {
                const auto it = teamPoints.find({id, team});
                if (teams && it == teamPoints.end())
                    rep.warnings.push_back(id + " team " + std::to_string(team) + ": not in the team game log");
                else if (teams && it->second != pts)
                    rep.warnings.push_back(id + " team " + std::to_string(team) + ": its players scored " +
                                           std::to_string(pts) + ", the team game log says " + std::to_string(it->second));
            }
        }
        rep.games += int64_t(games.size());
        const std::string note = "imported from " + file.filename().string();
        const std::string iso = d.iso();
        store::Transaction tx(db);
        db.prepare("DELETE FROM raw_nbac_schedule WHERE game_date = ?").bindAll(d.iso()).run();
        db.prepare("DELETE FROM raw_nbac_player_boxscores WHERE game_date = ?").bindAll(d.iso()).run();
        auto gs = db.prepare("INSERT OR REPLACE INTO raw_nbac_schedule(game_id, game_date, season, game_status, game_status_text,"
                             " home_team_id, visitor_team_id, home_team_abbr, visitor_team_abbr, home_pts, visitor_pts,"
                             " run_id, loaded_at) VALUES (?,?,?,3,'Final',?,?,?,?,?,?,?,?)");
        for (const auto& [id, g] : games) {
            gs.reset();
            gs.bindAll(id, iso, g.season, g.home, g.visitor, g.homeAbbr, g.visitorAbbr, g.homePts, g.visitorPts,
                       runId, at);
            gs.run();
        }
        auto ps = db.prepare(
            "INSERT OR REPLACE INTO raw_nbac_player_boxscores(game_id, player_id, game_date, team_id, team_abbr, team_city,"
            " player_name, start_position, comment, minutes, fgm, fga, fg_pct, fg3m, fg3a, fg3_pct, ftm, fta, ft_pct,"
            " oreb, dreb, reb, ast, stl, blk, tov, pf, pts, plus_minus, run_id, loaded_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        const auto opt = [](const std::string& s) { return s.empty() ? std::optional<std::string>() : std::optional(s); };
        for (const auto& l : lines) {
            const auto& s = l.stats;
            ps.reset();
            ps.bindAll(l.gameId, l.playerId, iso, l.teamId, l.teamAbbr, opt(l.teamCity), l.name, opt(l.position),
                       opt(l.comment), opt(l.minutes), s[0], s[1], l.pcts[0], s[2], s[3], l.pcts[1], s[4], s[5], l.pcts[2],
                       s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13], s[14], l.plusMinus, runId, at);
            ps.run();
        }
        recordRun("nbac_schedule", d, int64_t(games.size()), note);
        recordRun("nbac_player_boxscores", d, int64_t(lines.size()), note);
        pipeline::touchFreshness(db, "raw_nbac_schedule", d, int64_t(games.size()), at);
        pipeline::touchFreshness(db, "raw_nbac_player_boxscores", d, int64_t(lines.size()), at);
        tx.commit();
    }
    rep.loadSeconds = since(t1);
    if (progress)
        progress("loaded " + std::to_string(rep.loaded) + " rows of " + std::to_string(rep.games) + " games on " +
                 std::to_string(rep.dates) + " dates in " + std::to_string(rep.loadSeconds).substr(0, 4) + " s");

    // The phase-3 tables of every imported date, as the pipeline builds them (inside the bulk
    // transaction: the ~2,000 runs of three seasons do not each pay a commit).
    const auto t2 = std::chrono::steady_clock::now();
    std::string firstFailure;
    for (const auto& [d, lines] : byDate) {
        const auto res = session.runner().runDate(d, {3});
        rep.analyticsFailures += res.realFailures();
        for (const auto& r : res.results) {
            if (firstFailure.empty() && pipeline::isRealFailure(r.outcome.category))
                firstFailure = r.processor + " " + d.iso() + ": " + r.outcome.error;
        }
    }
    if (bulk) {
        try {
            bulk->commit();
        } catch (const std::exception& e) {
            bulk.reset();
            db.prepare("UPDATE imports SET status = 'failed', finished_at = ? WHERE id = ?")
                .bindAll(toIsoUtc(session.context().clock.now()), importId)
                .run();
            throw OpsError("Importing " + file.string() + " failed while writing the phase-3 tables (" +
                           firstFailure + "). " + e.what());
        }
    }
    rep.analyticsSeconds = since(t2);
    db.prepare("UPDATE imports SET status = ?, finished_at = ?, analytics_failures = ? WHERE id = ?")
        .bindAll(std::string(rep.analyticsFailures ? "analytics_failed" : "done"), toIsoUtc(session.context().clock.now()),
                 int64_t(rep.analyticsFailures), importId)
        .run();
    return rep;
}

} // namespace nbaops::importer
