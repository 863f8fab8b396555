#include "backfillchecks.h"

#include "backfillplan.h"
#include "pipeline/history.h"
#include "registry/registry.h"
#include "store/database.h"

#include <algorithm>

namespace nbaops::jobs {

std::vector<std::string> missingInputs(store::Database& db, const registry::Registry& reg, Date d,
                                       const std::set<std::string>& planned)
{
    std::vector<std::string> missing;
    const auto ok = [&](const std::string& dep) {
        return planned.count(dep) || backfillProcessorIndex(dep) == size_t(-1) || pipeline::servedDate(db, dep, d);
    };
    for (const auto& name : planned) {
        const auto& spec = reg.get(name);
        for (const auto& dep : spec.dependsOn) {
            if (!spec.isAlternative(dep) && !ok(dep))
                missing.push_back(dep + " (needed by " + name + ")");
        }
        for (const auto& group : spec.anyOf) {
            if (std::none_of(group.begin(), group.end(), ok))
                missing.push_back("any of " + spec.dependencyText() + " (needed by " + name + ")");
        }
    }
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    return missing;
}

std::string DateCheck::text() const
{
    std::string out;
    for (const auto& p : problems)
        out += (out.empty() ? "" : "; ") + p;
    if (out.empty())
        out = "ok";
    return note.empty() ? out : out + " (" + note + ")";
}

namespace {

// The duplicated keys of `table` on the date, when it is a table with a game_date and a key.
int64_t duplicatedKeys(store::Database& db, const std::string& table, Date d)
{
    if (table.empty() || table.find_first_not_of("abcdefghijklmnopqrstuvwxyz_0123456789") != std::string::npos)
        return 0; // not a table (a payload folder, a document)
    std::vector<std::string> keys;
    bool hasDate = false;
    {
        auto info = db.prepare("SELECT name, pk FROM pragma_table_info(?)");
        info.bindAll(table);
        while (info.step()) {
            hasDate = hasDate || info.getText(0) == "game_date";
            if (info.getInt(1) > 0)
                keys.push_back(info.getText(0));
        }
    }
    if (!hasDate || keys.empty())
        return 0;
    std::string cols;
    for (const auto& k : keys)
        cols += (cols.empty() ? "" : ", ") + k;
    // Identifiers from the built-in registry and the schema, checked above; the value is bound.
    auto dup = db.prepare("SELECT count(*) FROM (SELECT 1 FROM " + table + " WHERE game_date = ? GROUP BY " + cols +
                          " HAVING count(*) > 1)");
    dup.bindAll(d.iso());
    return dup.step() ? dup.getInt(0) : 0;
}

} // namespace

DateCheck checkDate(store::Database& db, const registry::Registry& reg, int64_t backfillId, Date d,
                    bool tablesHere)
{
    DateCheck c;
    if (!tablesHere)
        c.note = "the rows and keys are in BigQuery's tables, not checked here";
    struct Ran
    {
        std::string name, state, category;
        int64_t rows = 0;
        bool skipped = false;
    };
    std::vector<Ran> runs;
    {
        auto run = db.prepare("SELECT i.processor, i.state, coalesce(r.records_out, 0), coalesce(r.skipped, 0),"
                              " coalesce(r.failure_category, '') FROM backfill_items i LEFT JOIN processor_runs r"
                              " ON r.id = i.run_pk WHERE i.backfill_id = ? AND i.game_date = ?");
        run.bindAll(backfillId, d.iso());
        while (run.step())
            runs.push_back({run.getText(0), run.getText(1), run.getText(4), run.getInt(2), run.getInt(3) != 0});
    }
    for (const auto& r : runs) {
        if (r.state != "done") {
            c.failedRun = true;
            c.problems.push_back(r.name + " " + r.state);
            continue;
        }
        const auto& spec = reg.get(r.name);
        if (!tablesHere)
            continue;
        if (r.category == "success" && !r.skipped && spec.maxRecords > 0 &&
            (r.rows < spec.minRecords || r.rows > spec.maxRecords))
            c.problems.push_back(r.name + " wrote " + std::to_string(r.rows) + " rows, expected " +
                                 std::to_string(spec.minRecords) + " to " + std::to_string(spec.maxRecords));
        if (const int64_t dup = duplicatedKeys(db, spec.output, d); dup > 0)
            c.problems.push_back(spec.output + " has " + std::to_string(dup) + " duplicated key(s)");
    }
    return c;
}

} // namespace nbaops::jobs
