#include "checks.h"

#include "registry/registry.h"
#include "store/database.h"
#include "tablesum.h"
#include "util/files.h"

namespace nbaops::dr {

namespace fs = std::filesystem;

std::vector<std::string> checkIntegrity(store::Database& db)
{
    std::vector<std::string> out;
    if (const auto ic = integrityCheck(db); ic != "ok")
        out.push_back("SQLite's integrity check: " + ic);
    auto fk = db.prepare(
        "SELECT \"table\", parent, count(*) FROM pragma_foreign_key_check GROUP BY 1, 2");
    while (fk.step())
        out.push_back(std::to_string(fk.getInt(2)) + " row(s) of " + fk.getText(0) +
                      " refer to missing rows of " + fk.getText(1));
    return out;
}

PayloadCheck checkPayloads(store::Database& db, const fs::path& dataDir, std::optional<Date> date)
{
    PayloadCheck out;
    auto st = db.prepare("SELECT path, bytes, sha256 FROM raw_payloads WHERE ?1 IS NULL OR "
                         "game_date = ?1 ORDER BY path");
    if (date)
        st.bind(1, date->iso());
    else
        st.bind(1, nullptr);
    while (st.step()) {
        ++out.checked;
        const std::string rel = st.getText(0);
        const fs::path p = dataDir / rel;
        std::error_code ec;
        if (!fs::is_regular_file(p, ec)) {
            out.problems.push_back(rel + " is missing from the object store");
            continue;
        }
        const auto d = sha256File(p);
        if (d.bytes != st.getInt(1) || d.sha256 != st.getText(2))
            out.problems.push_back(rel + " changed: " + std::to_string(d.bytes) +
                                   " bytes with SHA-256 " + d.sha256.substr(0, 12) +
                                   "…, indexed as " + std::to_string(st.getInt(1)) +
                                   " bytes with " + st.getText(2).substr(0, 12) + "…");
    }
    return out;
}

std::vector<std::string> checkDate(store::Database& db, const registry::Registry& registry,
                                   Date date, int phase)
{
    std::vector<std::string> out;
    for (const auto& spec : registry.processors()) {
        if (phase > 0 && spec.phase != phase)
            continue;
        auto st = db.prepare("SELECT status, COALESCE(failure_category, ''), COALESCE(records_out, "
                             "0) FROM processor_runs "
                             "WHERE processor = ? AND game_date = ? AND status <> 'running' ORDER "
                             "BY id DESC LIMIT 1");
        st.bindAll(spec.name, date.iso());
        if (!st.step()) {
            // Never ran for the date: a gap, unless its rows are there (the history is lost).
            const bool table = spec.output.find_first_not_of(
                                   "abcdefghijklmnopqrstuvwxyz_0123456789") == std::string::npos;
            if (table && spec.phase >= 2 && spec.phase <= 4) {
                auto has =
                    db.prepare("SELECT 1 FROM pragma_table_info(?) WHERE name = 'game_date'");
                has.bind(1, spec.output);
                if (has.step()) {
                    auto n =
                        db.prepare("SELECT count(*) FROM " + spec.output + " WHERE game_date = ?");
                    n.bind(1, date.iso());
                    if (n.step() && n.getInt(0) > 0)
                        out.push_back(spec.output + " has " + std::to_string(n.getInt(0)) +
                                      " rows for " + date.iso() + " but no run of " + spec.name +
                                      " is recorded: the run history is missing");
                }
            }
            continue;
        }
        const std::string status = st.getText(0);
        if (status == "failed") {
            out.push_back(spec.name + " failed for " + date.iso() + " (" + st.getText(1) + ")");
            continue;
        }
        const int64_t wrote = st.getInt(2);
        const bool table = spec.output.find_first_not_of("abcdefghijklmnopqrstuvwxyz_0123456789") ==
                           std::string::npos;
        if (!table || spec.phase < 2 || spec.phase > 4 || wrote <= 0 || status != "success")
            continue;
        auto has = db.prepare("SELECT 1 FROM pragma_table_info(?) WHERE name = 'game_date'");
        has.bind(1, spec.output);
        if (!has.step())
            continue;
        // The name comes from the built-in registry and is checked above; the date is bound.
        auto n = db.prepare("SELECT count(*) FROM " + spec.output + " WHERE game_date = ?");
        n.bind(1, date.iso());
        if (n.step() && n.getInt(0) == 0)
            out.push_back(spec.output + " has no rows for " + date.iso() + ", but " + spec.name +
                          " wrote " + std::to_string(wrote) +
                          " there; rerun it: nbaops run --date " + date.iso() + " --only " +
                          spec.name + " --force");
    }
    return out;
}

std::optional<Date> latestRunDate(store::Database& db)
{
    auto st = db.prepare("SELECT max(game_date) FROM processor_runs");
    if (st.step() && !st.isNull(0))
        return Date::parse(st.getText(0));
    return std::nullopt;
}

} // namespace nbaops::dr
