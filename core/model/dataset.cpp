#include "dataset.h"

#include "features/build.h"
#include "store/database.h"
#include "util/errors.h"

#include <cmath>

namespace nbaops::model {

bool Example::inPopulation() const
{
    const auto gp = x[*features::indexOf("games_played_season")];
    return minutes > 0 && gp && *gp >= kPopulationMinGames;
}

size_t Dataset::countFrom(Date from, Date until) const
{
    size_t n = 0;
    for (const auto& r : rows)
        n += r.date >= from && r.date <= until;
    return n;
}

std::vector<std::string> featureNames()
{
    return {features::kNames.begin(), features::kNames.end()};
}

Dataset loadDataset(store::Database& db, Date from, Date until)
{
    {
        auto st = db.prepare("SELECT count(*), min(game_date) FROM ml_feature_store"
                             " WHERE game_date BETWEEN ? AND ? AND feature_version <> ?");
        st.bindAll(from.iso(), until.iso(), int64_t(features::kVersion));
        st.step();
        if (st.getInt(0) > 0)
            throw OpsError(std::to_string(st.getInt(0)) + " feature rows from " + st.getText(1) +
                           " on were built by an older feature version; nothing was trained. Rebuild them "
                           "first: nbaops run --from " + from.iso() + " --to " + until.iso() +
                           " --only ml_feature_store --force");
    }
    std::string sql = "SELECT f.game_date, f.game_id, f.player_id, f.team_id, p.player_name, p.pts, p.minutes";
    for (const auto& n : features::kNames)
        sql += ", f.f_" + std::string(n);
    sql += " FROM ml_feature_store f JOIN player_game_summary p ON p.game_date = f.game_date"
           " AND p.player_id = f.player_id AND p.game_id = f.game_id"
           " WHERE f.game_date BETWEEN ? AND ? AND p.played = 1 AND p.minutes > 0"
           " ORDER BY f.game_date, f.player_id";
    auto st = db.prepare(sql);
    st.bindAll(from.iso(), until.iso());
    Dataset d;
    std::string lastDate;
    Date date;
    while (st.step()) {
        Example e;
        const std::string iso = st.getText(0);
        if (iso != lastDate) {
            lastDate = iso;
            date = Date::parse(iso).value_or(Date());
        }
        e.date = date;
        e.gameId = st.getText(1);
        e.playerId = st.getInt(2);
        e.teamId = st.getInt(3);
        e.playerName = st.getText(4);
        e.points = float(st.getInt(5));
        e.minutes = float(st.getDouble(6));
        for (size_t i = 0; i < features::kCount; ++i)
            e.x[i] = st.getOptDouble(int(7 + i));
        d.rows.push_back(std::move(e));
    }
    return d;
}

DataCalendar loadCalendar(store::Database& db)
{
    DataCalendar c;
    auto st = db.prepare("SELECT f.game_date, min(f.season) FROM ml_feature_store f"
                         " WHERE EXISTS (SELECT 1 FROM player_game_summary p WHERE p.game_date = f.game_date)"
                         " GROUP BY f.game_date ORDER BY f.game_date");
    while (st.step())
        c.dates.emplace_back(Date::parse(st.getText(0)).value_or(Date()), st.getText(1));
    return c;
}

DataCalendar summaryCalendar(store::Database& db)
{
    DataCalendar cal;
    auto st = db.prepare("SELECT game_date, min(season) FROM player_game_summary GROUP BY game_date ORDER BY game_date");
    while (st.step())
        cal.dates.emplace_back(Date::parse(st.getText(0)).value_or(Date()), st.getText(1));
    return cal;
}

Columns toColumns(const std::vector<const Example*>& rows, const std::vector<std::string>& names)
{
    std::vector<size_t> index;
    for (const auto& n : names) {
        const auto i = features::indexOf(n);
        if (!i)
            throw OpsError("the model uses the feature '" + n + "', which this build of nbaops does not compute; "
                           "retrain it with this build");
        index.push_back(*i);
    }
    Columns c;
    c.rows = rows.size();
    c.values.reserve(rows.size() * index.size());
    c.labels.reserve(rows.size());
    for (const auto* r : rows) {
        for (const size_t i : index)
            c.values.push_back(r->x[i] ? float(*r->x[i]) : std::nanf(""));
        c.labels.push_back(r->points);
    }
    return c;
}

} // namespace nbaops::model
