#include "history.h"

#include "store/database.h"

namespace nbaops::pipeline {

DateRuns latestRuns(store::Database& db, std::optional<Date> date)
{
    DateRuns out;
    if (!date) {
        auto st = db.prepare("SELECT max(game_date) FROM processor_latest");
        st.step();
        if (st.isNull(0))
            return out;
        date = Date::parse(st.getText(0));
    }
    out.date = date;
    auto st = db.prepare("SELECT l.processor, r.status, COALESCE(r.failure_category, ''), COALESCE(r.records_out, 0),"
                         " COALESCE(r.duration_ms, 0), r.attempt, r.skipped, COALESCE(r.error, ''), r.started_at,"
                         " COALESCE(r.source, '')"
                         " FROM processor_latest l JOIN processor_runs r ON r.id = l.run_pk WHERE l.game_date = ?");
    st.bindAll(date->iso());
    while (st.step())
        out.runs.push_back({st.getText(0), st.getText(1), st.getText(2), st.getInt(3), st.getInt(4),
                            int(st.getInt(5)), st.getInt(6) != 0, st.getText(7), st.getText(8), st.getText(9)});
    return out;
}

std::optional<std::string> latestCategory(store::Database& db, const std::string& processor, Date date)
{
    auto st = db.prepare("SELECT r.failure_category FROM processor_latest l JOIN processor_runs r ON r.id = l.run_pk"
                         " WHERE l.game_date = ? AND l.processor = ?");
    st.bindAll(date.iso(), processor);
    if (!st.step())
        return std::nullopt;
    return st.getOptText(0);
}

bool servedDate(const std::optional<std::string>& category)
{
    return category && (*category == "success" || *category == "no_data_available");
}

bool servedDate(store::Database& db, const std::string& processor, Date date)
{
    return servedDate(latestCategory(db, processor, date));
}

void touchFreshness(store::Database& db, const std::string& table, Date date, int64_t rows,
                    const std::string& at)
{
    db.prepare("INSERT INTO table_freshness(table_name, latest_game_date, last_write_at, last_rows) "
               "VALUES (?, ?, ?, ?) ON CONFLICT(table_name) DO UPDATE SET "
               "latest_game_date = CASE WHEN excluded.last_rows > 0 THEN "
               "  max(COALESCE(latest_game_date, ''), excluded.latest_game_date) "
               "  ELSE latest_game_date END, "
               "last_write_at = excluded.last_write_at, last_rows = excluded.last_rows")
        .bindAll(table, rows > 0 ? std::optional<std::string>(date.iso()) : std::nullopt, at, rows)
        .run();
}

} // namespace nbaops::pipeline
