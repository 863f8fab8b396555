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

} // namespace nbaops::pipeline
