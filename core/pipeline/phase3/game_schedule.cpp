#include "processors.h"

#include "pipeline/history.h"
#include "pipeline/payloads.h"
#include "sources/nbastats.h"
#include "sources/teams.h"
#include "store/database.h"

#include <map>
#include <memory>

namespace nbaops::pipeline {

namespace {

struct Candidate
{
    const char* source;    // nba_com | espn | balldontlie
    const char* processor; // its phase-2 loader
    const char* label;     // for sentences
};
constexpr Candidate kOrder[] = {
    {"nba_com", "nbac_schedule", "NBA.com"},
    {"espn", "espn_scoreboard", "ESPN"},
    {"balldontlie", "bdl_player_boxscores", "balldontlie"},
};

struct Row
{
    std::string gameId, season, homeAbbr, visitorAbbr, sourceGameId;
    int64_t status = 1, home = 0, visitor = 0;
    std::optional<int64_t> homePts, visitorPts;
};

std::vector<Row> readSource(store::Database& db, const std::string& source, Date date)
{
    std::vector<Row> out;
    if (source == "nba_com") {
        auto st = db.prepare("SELECT game_id, season, game_status, home_team_id, visitor_team_id, home_team_abbr,"
                             " visitor_team_abbr, home_pts, visitor_pts FROM raw_nbac_schedule WHERE game_date = ?"
                             " ORDER BY game_id");
        st.bindAll(date.iso());
        while (st.step())
            out.push_back({st.getText(0), sources::seasonLabelOf(st.getText(1)), st.getText(5), st.getText(6), st.getText(0),
                           st.getInt(2), st.getInt(3), st.getInt(4), st.getOptInt(7), st.getOptInt(8)});
    } else if (source == "espn") {
        auto st = db.prepare("SELECT event_id, completed, state, home_team_id, away_team_id, home_score, away_score"
                             " FROM raw_espn_scoreboard WHERE game_date = ? ORDER BY event_id");
        st.bindAll(date.iso());
        while (st.step()) {
            Row r;
            r.sourceGameId = st.getText(0);
            r.gameId = "espn:" + r.sourceGameId;
            r.status = st.getInt(1) ? 3 : st.getText(2) == "in" ? 2 : 1;
            r.home = st.getInt(3);
            r.visitor = st.getInt(4);
            r.homePts = st.getOptInt(5);
            r.visitorPts = st.getOptInt(6);
            out.push_back(std::move(r));
        }
    } else {
        auto st = db.prepare("SELECT bdl_game_id, final, home_team_id, visitor_team_id, home_score, visitor_score"
                             " FROM raw_bdl_games WHERE game_date = ? ORDER BY bdl_game_id");
        st.bindAll(date.iso());
        while (st.step()) {
            Row r;
            r.sourceGameId = std::to_string(st.getInt(0));
            r.gameId = "bdl:" + r.sourceGameId;
            r.status = st.getInt(1) ? 3 : 1;
            r.home = st.getInt(2);
            r.visitor = st.getInt(3);
            if (r.status == 3) {
                r.homePts = st.getOptInt(4);
                r.visitorPts = st.getOptInt(5);
            }
            out.push_back(std::move(r));
        }
    }
    return out;
}

// NBA.com game ids from an earlier stored NBA.com schedule of the date, by teams; returns how
// many of the rows it named.
int mapNbaIds(store::Database& db, Date date, std::vector<Row>& rows)
{
    std::map<std::pair<int64_t, int64_t>, std::string> nbaIds;
    auto st = db.prepare("SELECT home_team_id, visitor_team_id, game_id FROM raw_nbac_schedule WHERE game_date = ?");
    st.bindAll(date.iso());
    while (st.step())
        nbaIds[{st.getInt(0), st.getInt(1)}] = st.getText(2);
    int mapped = 0;
    for (auto& r : rows) {
        const auto it = nbaIds.find({r.home, r.visitor});
        if (it != nbaIds.end()) {
            r.gameId = it->second;
            ++mapped;
        }
    }
    return mapped;
}

void writeSchedule(store::Database& db, const std::vector<Row>& rows, Date date, const std::string& source,
                   const std::string& at, const std::string& runId)
{
    db.prepare("DELETE FROM game_schedule WHERE game_date = ?").bindAll(date.iso()).run();
    auto ins = db.prepare("INSERT OR REPLACE INTO game_schedule(game_id, game_date, season, game_status, home_team_id,"
                          " visitor_team_id, home_team_abbr, visitor_team_abbr, home_pts, visitor_pts, source,"
                          " source_game_id, run_id, processed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (const auto& r : rows) {
        ins.bindAll(r.gameId, date.iso(), r.season, r.status, r.home, r.visitor, r.homeAbbr, r.visitorAbbr, r.homePts,
                    r.visitorPts, source, r.sourceGameId, runId, at);
        ins.run();
        ins.reset();
    }
    touchFreshness(db, "game_schedule", date, int64_t(rows.size()), at);
}

// The first source that served the date with games, in kOrder; `emptyOne` the first that
// served it with none; `passedOver` says why the others were not used.
const Candidate* chooseSource(store::Database& db, Date date, std::vector<Row>& rows, const Candidate*& emptyOne,
                              std::string& passedOver)
{
    for (const auto& c : kOrder) {
        const auto cat = latestCategory(db, c.processor, date);
        if (!servedDate(cat)) {
            passedOver += std::string(passedOver.empty() ? "" : "; ") + c.label + " unavailable (" + c.processor +
                          ": " + cat.value_or("not run") + ")";
            continue;
        }
        auto found = readSource(db, c.source, date);
        if (found.empty()) {
            emptyOne = emptyOne ? emptyOne : &c;
            continue;
        }
        rows = std::move(found);
        return &c;
    }
    return nullptr;
}

} // namespace

std::string seasonLabelForDate(Date date)
{
    const int start = date.month() >= 8 ? date.year() : date.year() - 1;
    return sources::seasonLabelOf(std::to_string(start));
}

Work GameSchedule::run(Context& ctx, Date date)
{
    Work w;
    std::string passedOver; // sentences about sources not used, for the operator
    std::vector<Row> rows;
    const Candidate* emptyOne = nullptr;
    const Candidate* chosen = chooseSource(ctx.db, date, rows, emptyOne, passedOver);
    if (!chosen && !emptyOne) {
        w.outcome.category = Category::DependencyMissing;
        w.outcome.error = "no schedule for " + date.iso() + " from any source: " + passedOver;
        return w;
    }
    if (!chosen) {
        w.outcome.source = emptyOne->source;
        w.outcome.category = Category::NoDataAvailable;
        w.outcome.error = "no games on " + date.iso() + " (" + emptyOne->label + ")";
    } else {
        w.outcome.source = chosen->source;
        if (emptyOne)
            passedOver += std::string(passedOver.empty() ? "" : "; ") + emptyOne->label + " listed no games";
        if (chosen != &kOrder[0]) {
            const int mapped = mapNbaIds(ctx.db, date, rows);
            w.outcome.error = std::string("served by ") + chosen->label + " (fallback): " + passedOver + "; " +
                              std::to_string(mapped) + " of " + std::to_string(rows.size()) +
                              " games matched to NBA.com ids";
        }
        for (auto& r : rows) {
            if (r.season.empty())
                r.season = seasonLabelForDate(date);
            const auto* home = sources::teamByNbaId(r.home);
            const auto* visitor = sources::teamByNbaId(r.visitor);
            if (!home || !visitor) {
                w.outcome.category = Category::ValidationFailed;
                w.outcome.error = std::string(chosen->label) + " game " + r.sourceGameId + " names a team that is not an NBA team";
                return w;
            }
            if (r.homeAbbr.empty())
                r.homeAbbr = home->tricode;
            if (r.visitorAbbr.empty())
                r.visitorAbbr = visitor->tricode;
        }
    }
    w.outcome.recordsIn = int64_t(rows.size());
    w.outcome.recordsOut = int64_t(rows.size());
    auto shared = std::make_shared<std::vector<Row>>(std::move(rows));
    w.write = [shared, date, at = toIsoUtc(ctx.clock.now()), source = w.outcome.source,
               runId = ctx.runId](store::Database& db) { writeSchedule(db, *shared, date, source, at, runId); };
    return w;
}

} // namespace nbaops::pipeline
