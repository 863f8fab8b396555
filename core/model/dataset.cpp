#include "dataset.h"

#include "features/build.h"
#include "store/database.h"
#include "util/errors.h"

#include <cmath>
#include <exception>
#include <filesystem>
#include <optional>
#include <thread>

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

namespace {

// Feature rows of another feature version met while reading: how many, and the first date.
struct OtherVersion
{
    int64_t rows = 0;
    std::optional<Date> first;
};

// The played player-games with feature rows in [from, until], appended to `rows` in date and
// player order.
OtherVersion readExamples(store::Database& db, Date from, Date until, std::vector<Example>& rows)
{
    // Pages come straight from the file's mapping rather than copied into the page cache.
    db.exec("PRAGMA mmap_size = 268435456");
    std::string sql = "SELECT f.game_date, f.game_id, f.player_id, f.team_id, p.player_name, p.pts, p.minutes,"
                      " f.feature_version";
    for (const auto& n : features::kNames)
        sql += ", f.f_" + std::string(n);
    sql += " FROM ml_feature_store f JOIN player_game_summary p ON p.game_date = f.game_date"
           " AND p.player_id = f.player_id AND p.game_id = f.game_id"
           " WHERE f.game_date BETWEEN ? AND ? AND p.played = 1 AND p.minutes > 0"
           " ORDER BY f.game_date, f.player_id";
    auto st = db.prepare(sql);
    st.bindAll(from.iso(), until.iso());
    std::string lastDate;
    Date date;
    OtherVersion other;
    while (st.step()) {
        Example& e = rows.emplace_back();
        const std::string iso = st.getText(0);
        if (iso != lastDate) {
            lastDate = iso;
            date = Date::parse(iso).value_or(Date());
        }
        if (st.getInt(7) != features::kVersion && other.rows++ == 0)
            other.first = date;
        e.date = date;
        e.gameId = st.getText(1);
        e.playerId = st.getInt(2);
        e.teamId = st.getInt(3);
        e.playerName = st.getText(4);
        e.points = float(st.getInt(5));
        e.minutes = float(st.getDouble(6));
        for (size_t i = 0; i < features::kCount; ++i)
            e.x.set(i, st.getOptDouble(int(8 + i)));
    }
    db.exec("PRAGMA mmap_size = 0");
    return other;
}

} // namespace

// Decoding 50 columns a row is most of the read, and WAL lets two connections read at once.
Dataset loadDataset(store::Database& db, Date from, Date until, int64_t splitReadRows)
{
    Dataset d;
    int64_t count = 0;
    {
        // How many rows at most (the vector is sized once: growing it doubles the peak).
        auto st = db.prepare("SELECT count(*) FROM ml_feature_store WHERE game_date BETWEEN ? AND ?");
        st.bindAll(from.iso(), until.iso());
        st.step();
        count = st.getInt(0);
    }
    d.rows.reserve(size_t(count));
    std::optional<Date> middle;
    if (count >= splitReadRows && std::filesystem::is_regular_file(db.path())) {
        auto st = db.prepare("SELECT game_date FROM ml_feature_store WHERE game_date BETWEEN ? AND ?"
                             " ORDER BY game_date LIMIT 1 OFFSET ?");
        st.bindAll(from.iso(), until.iso(), count / 2);
        if (st.step())
            middle = Date::parse(st.getText(0));
    }
    OtherVersion other;
    if (!middle || *middle <= from) {
        other = readExamples(db, from, until, d.rows);
    } else {
        std::vector<Example> later;
        OtherVersion laterOther;
        std::exception_ptr failed;
        std::thread reader([&] {
            try {
                auto second = store::Database::open(db.path(), store::Database::Mode::ReadOnly);
                later.reserve(size_t(count - count / 2));
                laterOther = readExamples(second, *middle, until, later);
            } catch (...) {
                failed = std::current_exception();
            }
        });
        try {
            other = readExamples(db, from, middle->addDays(-1), d.rows);
        } catch (...) {
            reader.join();
            throw;
        }
        reader.join();
        if (failed)
            std::rethrow_exception(failed);
        d.rows.insert(d.rows.end(), std::make_move_iterator(later.begin()), std::make_move_iterator(later.end()));
        other.rows += laterOther.rows;
        if (!other.first)
            other.first = laterOther.first;
    }
    if (other.rows > 0)
        throw OpsError(std::to_string(other.rows) + " feature rows from " + other.first->iso() +
                       " on were built by an older feature version; nothing was trained. Rebuild them "
                       "first: nbaops run --from " + from.iso() + " --to " + until.iso() +
                       " --only ml_feature_store --force");
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

DataCalendar summaryCalendar(store::Database& db, std::optional<Date> from, std::optional<Date> until)
{
    DataCalendar cal;
    // One index probe per date (the next date after the last), not a pass over every row: 487
    // dates of 96,000 rows in 3 ms instead of 25. A date's rows share their season.
    auto st = db.prepare("WITH RECURSIVE d(game_date) AS (SELECT min(game_date) FROM player_game_summary"
                         " WHERE game_date >= ?1 UNION ALL SELECT (SELECT min(game_date) FROM player_game_summary p"
                         " WHERE p.game_date > d.game_date) FROM d WHERE d.game_date < ?2)"
                         " SELECT game_date, (SELECT season FROM player_game_summary p WHERE p.game_date = d.game_date"
                         " LIMIT 1) FROM d WHERE game_date <= ?2");
    st.bindAll(from ? from->iso() : std::string(), until ? until->iso() : std::string("9999-12-31"));
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
    c.values.resize(rows.size() * index.size());
    c.labels.resize(rows.size());
    float* out = c.values.data();
    for (size_t k = 0; k < rows.size(); ++k) {
        for (const size_t i : index)
            *out++ = rows[k]->x.raw(i);
        c.labels[k] = rows[k]->points;
    }
    return c;
}

} // namespace nbaops::model
