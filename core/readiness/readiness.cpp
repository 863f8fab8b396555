// Over 400 lines on purpose: the scorecard's six categories (DOMAIN.md weights) side by side,
// one function each, so a reviewer sees every item and its evidence in one place (the disaster-
// recovery items and the item builders are in recovery.cpp).
#include "readiness.h"

#include "items.h"

#include "alerts/rules.h"
#include "health/checks.h"
#include "health/facts.h"
#include "health/sla.h"
#include "registry/registry.h"
#include "secrets/secrets.h"
#include "store/database.h"
#include "util/files.h"
#include "util/text.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <set>
#include <sstream>

namespace nbaops::readiness {

using detail::measuredItem;
using detail::scaledItem;

namespace {

std::string fixed(double v, int digits)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

Item unmeasured(std::string name, double max, std::string why)
{
    return Item{std::move(name), 0, max, false, std::move(why)};
}

Item slaItem(const health::SlaStatus* s, double max, const std::string& loadError)
{
    if (!s)
        return unmeasured("SLA compliance", max,
                          loadError.empty() ? "the SLA is not defined in slas.json" : loadError);
    if (!s->last30.rate)
        return unmeasured(s->def.name + " (30 days)", max, "no game date decided yet");
    return scaledItem(s->def.name + " (30 days)", max, *s->last30.rate, s->def.objective - 0.25,
                      s->def.objective, s->summary);
}

const health::SlaStatus* findSla(const health::SlaReport& r, health::SlaKind kind)
{
    for (const auto& s : r.slas) {
        if (s.def.kind == kind)
            return &s;
    }
    return nullptr;
}

struct Context
{
    const Inputs& in;
    health::SlaReport slas;
    std::optional<alerts::Config> rules;
    std::string rulesError;
    std::string slaError;
};

Category dataPipeline(Context& c)
{
    Category cat{"Data Pipeline", 25, 0, {}};
    cat.items.push_back(slaItem(findSla(c.slas, health::SlaKind::Completeness), 3, c.slaError));
    {
        // Success rate of the last 30 days with runs (expected no-data runs not counted).
        auto st =
            c.in.db.prepare("SELECT sum(CASE WHEN category = 'success' THEN runs ELSE 0 END),"
                            " sum(CASE WHEN category <> 'no_data_available' THEN runs ELSE 0 END)"
                            " FROM run_day_stats WHERE day > date((SELECT max(day) FROM "
                            "run_day_stats), '-30 days')");
        st.step();
        const int64_t ok = st.isNull(0) ? 0 : st.getInt(0),
                      counted = st.isNull(1) ? 0 : st.getInt(1);
        if (counted == 0)
            cat.items.push_back(unmeasured("Run success rate (30 days)", 3, "no runs yet"));
        else {
            const double rate = double(ok) / double(counted);
            cat.items.push_back(scaledItem("Run success rate (30 days)", 3, rate, 0.90, 0.99,
                                           percentText(rate) + " of " + std::to_string(counted) +
                                               " runs succeeded (full points at 99%)"));
        }
    }
    {
        auto st = c.in.db.prepare("SELECT max(game_date) FROM game_schedule WHERE game_status = 3");
        if (st.step() && !st.isNull(0)) {
            const Date until = *Date::parse(st.getText(0));
            const std::set<std::string> impl(c.in.implemented.begin(), c.in.implemented.end());
            const auto gaps =
                health::findGaps(c.in.db, c.in.registry, impl, until.addDays(-6), until);
            std::string ev =
                gaps.empty()
                    ? "no processor is missing a date with final games in the last 7 days"
                    : std::to_string(gaps.size()) + " gap(s), first: " + gaps.front().processor +
                          " " + gaps.front().date;
            cat.items.push_back(measuredItem("No gaps (7 days)", 2, gaps.empty(), ev));
        } else {
            cat.items.push_back(unmeasured("No gaps (7 days)", 2, "no final games yet"));
        }
    }
    {
        int behind = 0;
        std::string first;
        for (const auto& t : health::facts::staleTables(c.in.db, easternDateOf(c.in.now))) {
            if (t.lag > 0 && behind++ == 0)
                first = t.table + " " + std::to_string(t.lag) + " date(s) behind";
        }
        cat.items.push_back(
            measuredItem("Analytics tables fresh", 2, behind == 0,
                         behind ? std::to_string(behind) + " table(s) behind the schedule; " + first
                                : "every analytics table is up to the latest final games"));
    }
    return cat;
}

Category mlModel(Context& c)
{
    Category cat{"ML Model", 20, 0, {}};
    auto st = c.in.db.prepare(
        "SELECT v.version, v.test_mae, v.report FROM model_aliases a"
        " JOIN model_versions v ON v.version = a.version WHERE a.alias = 'champion'");
    if (!st.step()) {
        cat.items.push_back(
            measuredItem("A champion model serves predictions", 2, false,
                         "no champion: predictions use the baseline (nbaops train, then promote)"));
        cat.items.push_back(
            unmeasured("Champion beats its baseline (test window)", 3, "no champion model"));
        cat.items.push_back(unmeasured("Test MAE under the 4.0 goal", 2, "no champion model"));
    } else {
        const std::string version = st.getText(0);
        const double mae = st.getDouble(1);
        cat.items.push_back(measuredItem("A champion model serves predictions", 2, true,
                                         version + " is the champion"));
        double baseline = 0;
        try {
            const auto report = nlohmann::json::parse(st.getText(2));
            baseline = report.value("baselines", nlohmann::json::object())
                           .value(report.value("best_baseline", ""), nlohmann::json::object())
                           .value("mae", 0.0);
        } catch (const nlohmann::json::exception&) {
            baseline = 0;
        }
        if (baseline > 0)
            cat.items.push_back(measuredItem("Champion beats its baseline (test window)", 3,
                                             mae < baseline,
                                             "test MAE " + fixed(mae, 3) + " vs " +
                                                 fixed(baseline, 3) + " for the best baseline"));
        else
            cat.items.push_back(unmeasured("Champion beats its baseline (test window)", 3,
                                           "the model's report has no baseline"));
        cat.items.push_back(scaledItem(
            "Test MAE under the 4.0 goal", 2, -mae, -4.27, -4.0,
            "test MAE " + fixed(mae, 3) + " (the real system's baseline is 4.27, the goal < 4.0)"));
    }
    if (const auto live = health::facts::modelLive(c.in.db, 14); live && live->rows > 0)
        cat.items.push_back(measuredItem(
            "Live MAE within 1.10 x baseline (14 days)", 2, live->mae <= 1.10 * live->baselineMae,
            live->version + ": " + fixed(live->mae, 3) + " vs " + fixed(live->baselineMae, 3) +
                " on " + std::to_string(live->rows) + " graded player-games"));
    else
        cat.items.push_back(unmeasured("Live MAE within 1.10 x baseline (14 days)", 2,
                                       "no graded predictions yet"));
    {
        // The critical features are the NULL-rate alert rule's (every feature when it names none).
        std::vector<std::string> critical;
        if (c.rules) {
            for (const auto& r : c.rules->rules) {
                if (r.check == "feature_null_rate")
                    critical = r.params.value("features", std::vector<std::string>{});
            }
        }
        const std::string in = critical.empty() ? std::string() : sqlInList(critical);
        auto q = c.in.db.prepare(
            "SELECT feature, rows, nulls FROM feature_quality"
            " WHERE game_date = (SELECT max(game_date) FROM feature_quality) AND rows >= 50" +
            (in.empty() ? std::string() : " AND feature IN (" + in + ")"));
        double worst = 0;
        std::string worstName;
        int features = 0;
        while (q.step()) {
            ++features;
            const double rate = double(q.getInt(2)) / double(q.getInt(1));
            if (rate > worst) {
                worst = rate;
                worstName = q.getText(0);
            }
        }
        if (features == 0)
            cat.items.push_back(unmeasured("Critical features' NULL rate under 5%", 1,
                                           "no feature date with 50 rows yet"));
        else
            cat.items.push_back(measuredItem(
                "Critical features' NULL rate under 5%", 1, worst <= 0.05,
                worstName.empty() ? "no NULL in " + std::to_string(features) + " features"
                                  : "highest: " + worstName + " " + percentText(worst)));
    }
    cat.items.push_back(slaItem(findSla(c.slas, health::SlaKind::PredictionRate), 1, c.slaError));
    return cat;
}

Category operations(Context& c)
{
    Category cat{"Operations", 20, 0, {}};
    cat.items.push_back(measuredItem("Alert rules load", 2, c.rules.has_value(),
                                     c.rules ? std::to_string(c.rules->rules.size()) +
                                                   " rules from " + c.rules->origin
                                             : c.rulesError));
    if (c.rules) {
        std::vector<std::string> outside;
        for (const auto& [name, r] : c.rules->receivers) {
            if (r.type != "desktop" && r.configured())
                outside.push_back(name);
        }
        std::string ev = outside.empty()
                             ? "only the console receives alerts: set NBAOPS_PAGER_WEBHOOK_URL, "
                               "NBAOPS_CHAT_WEBHOOK_URL or NBAOPS_SMTP_URL"
                             : "configured: ";
        for (size_t i = 0; i < outside.size(); ++i)
            ev += (i ? ", " : "") + outside[i];
        cat.items.push_back(
            measuredItem("Alerts reach someone outside the console", 3, !outside.empty(), ev));
    } else {
        cat.items.push_back(unmeasured("Alerts reach someone outside the console", 3,
                                       "the alert rules do not load"));
    }
    {
        auto st = c.in.db.prepare(
            "SELECT count(*) FROM alerts WHERE state = 'firing' AND severity IN ('P0', 'P1')"
            " AND acked_by IS NULL");
        st.step();
        const int64_t n = st.getInt(0);
        cat.items.push_back(
            measuredItem("No unacknowledged P0/P1 alert firing", 3, n == 0,
                         n ? std::to_string(n) + " P0/P1 alert(s) firing without an acknowledgement"
                           : "none firing without an acknowledgement"));
    }
    {
        const auto stuck = health::facts::stuckRuns(c.in.db, c.in.now, 30);
        cat.items.push_back(
            measuredItem("No stuck run (heartbeat within 30 min)", 2, stuck.empty(),
                         stuck.empty() ? "every running run has a recent heartbeat"
                                       : stuck.front().processor + " " + stuck.front().gameDate +
                                             ": no heartbeat for " +
                                             std::to_string(int(stuck.front().minutes)) + " min"));
    }
    cat.items.push_back(slaItem(findSla(c.slas, health::SlaKind::PublishBy), 3, c.slaError));
    {
        auto st = c.in.db.prepare("SELECT count(*) FROM processor_timeouts");
        st.step();
        const int64_t n = st.getInt(0);
        cat.items.push_back(
            measuredItem("Timeouts derived from P95 durations", 2, n > 0,
                         n ? std::to_string(n) + " processor timeout(s) applied from their P95"
                           : "none applied: nbaops trends --apply-timeouts"));
    }
    cat.items.push_back(detail::drillItem(c.in.db, c.in.now));
    return cat;
}

Category infrastructure(Context& c)
{
    Category cat{"Infrastructure", 15, 0, {}};
    const auto st =
        health::facts::storage(std::filesystem::absolute(c.in.dbPath).parent_path(), false);
    if (!st.error.empty())
        cat.items.push_back(unmeasured("Storage under 80%", 3, st.error));
    else
        cat.items.push_back(measuredItem("Storage under 80%", 3, st.usedFraction < 0.80,
                                         percentText(st.usedFraction) + " of the disk holding " +
                                             st.dir.string() + " is used"));
    const auto breakers = health::facts::openBreakers(c.in.db);
    cat.items.push_back(measuredItem("Circuit breakers closed", 3, breakers.empty(),
                                     breakers.empty() ? "every source's breaker is closed"
                                                      : breakers.front().source + " open since " +
                                                            breakers.front().openedAt));
    {
        auto j = c.in.db.prepare("PRAGMA journal_mode");
        j.step();
        const std::string mode = j.getText(0);
        cat.items.push_back(measuredItem("Database in WAL mode", 2, mode == "wal",
                                         "journal mode " + mode +
                                             (mode == "wal" ? "" : ": readers block the writer")));
    }
    cat.items.push_back(detail::backupItem(c.in.db, c.in.now));
    cat.items.push_back(
        unmeasured("Cloud deployment healthy (Cloud Run, BigQuery)", 3,
                   "this database is the local pipeline; no cloud deployment is configured"));
    return cat;
}

Category documentation(Context& c)
{
    Category cat{"Documentation", 10, 0, {}};
    if (c.rules) {
        int without = 0;
        std::string first;
        for (const auto& r : c.rules->rules) {
            if (r.runbook.empty() && without++ == 0)
                first = r.name;
        }
        cat.items.push_back(measuredItem(
            "Every alert rule has a runbook", 3, without == 0,
            without ? std::to_string(without) + " rule(s) without one, first: " + first
                    : std::to_string(c.rules->rules.size()) + " rules, each with a runbook"));
    } else {
        cat.items.push_back(
            unmeasured("Every alert rule has a runbook", 3, "the alert rules do not load"));
    }
    {
        int without = 0;
        for (const auto& p : c.in.registry.processors())
            without += p.description.empty();
        cat.items.push_back(measuredItem(
            "Every processor is described in the registry", 2, without == 0,
            std::to_string(c.in.registry.processors().size() - size_t(without)) + " of " +
                std::to_string(c.in.registry.processors().size()) + " described"));
    }
    {
        int without = 0;
        for (const auto& s : c.slas.slas)
            without += s.def.description.empty();
        cat.items.push_back(measuredItem("Every SLA is written down", 1,
                                         !c.slas.slas.empty() && without == 0,
                                         std::to_string(c.slas.slas.size()) + " SLA(s), " +
                                             std::to_string(without) + " without a description"));
    }
    cat.items.push_back(detail::runbookItem());
    return cat;
}

Category security(Context& c)
{
    Category cat{"Security", 10, 0, {}};
    {
        std::error_code ec;
        const auto perms = std::filesystem::status(c.in.dbPath, ec).permissions();
        if (ec)
            cat.items.push_back(
                unmeasured("Database not readable by other users", 3, ec.message()));
        else {
            const bool closed =
                (perms & std::filesystem::perms::others_read) == std::filesystem::perms::none;
            cat.items.push_back(
                measuredItem("Database not readable by other users", 3, closed,
                             closed ? "other users cannot read " + c.in.dbPath.filename().string()
                                    : "others can read it: chmod o-r " + c.in.dbPath.string()));
        }
    }
    {
        // Receiver secrets belong in the keychain or the environment, not in the rules file.
        if (c.rules) {
            const auto user = alerts::userRulesPath(c.in.dbPath);
            std::string literal;
            if (std::filesystem::exists(user)) {
                try {
                    const auto j = nlohmann::json::parse(readFile(user));
                    const auto receivers = j.value(
                        "receivers", nlohmann::json::object()); // items() must not outlive it
                    for (const auto& [name, r] : receivers.items()) {
                        const std::string url = r.value("url", "");
                        if (!url.empty() && url.rfind("env:", 0) != 0 && url.rfind("secret:", 0) != 0 &&
                            literal.empty())
                            literal = name;
                    }
                } catch (const std::exception&) {
                    literal.clear();
                }
            }
            cat.items.push_back(measuredItem(
                "Receiver secrets come from the keychain or the environment", 3, literal.empty(),
                literal.empty() ? "every receiver address is a secret: or env: reference"
                                : "receiver '" + literal + "' has its address written in " +
                                      user.string() + "; use secret:NAME (nbaops secrets set)"));
        } else {
            cat.items.push_back(unmeasured("Receiver secrets come from the keychain or the environment", 3,
                                           "the alert rules do not load"));
        }
    }
    {
        auto st = c.in.db.prepare("SELECT count(*) FROM raw_payloads WHERE endpoint LIKE "
                                  "'%apikey=%' OR endpoint LIKE '%api_key=%'");
        st.step();
        const int64_t n = st.getInt(0);
        cat.items.push_back(
            measuredItem("No API key stored with the raw payloads", 2, n == 0,
                         n ? std::to_string(n) + " stored endpoint(s) carry an API key"
                           : "no stored endpoint carries a key"));
    }
    cat.items.push_back(detail::secretsItem(c.in.secrets ? *c.in.secrets : secrets::status(c.in.now)));
    return cat;
}

} // namespace

Scorecard score(const Inputs& in)
{
    const auto t0 = std::chrono::steady_clock::now();
    Context c{in, {}, std::nullopt, {}, {}};
    try {
        c.rules = alerts::loadConfig(in.dbPath);
    } catch (const std::exception& e) {
        c.rulesError = e.what();
    }
    try {
        c.slas = in.slas ? *in.slas
                         : health::slaReport(in.db, in.registry,
                                             health::loadSlas(in.dbPath, in.registry), std::nullopt,
                                             in.now);
    } catch (const std::exception& e) {
        c.slaError = e.what(); // the SLA items say why they are not measured
    }
    Scorecard s;
    s.categories = {dataPipeline(c),   mlModel(c),       operations(c),
                    infrastructure(c), documentation(c), security(c)};
    for (auto& cat : s.categories) {
        double got = 0, max = 0;
        for (const auto& i : cat.items) {
            got += i.points;
            max += i.max;
            (i.measured ? s.measured : s.unmeasured) += 1;
        }
        cat.score = max > 0 ? 100.0 * got / max : 0;
        s.total += cat.score * cat.weight / 100.0;
    }
    s.elapsedMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return s;
}

nlohmann::json toJson(const Scorecard& s)
{
    nlohmann::json cats = nlohmann::json::array();
    for (const auto& c : s.categories) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& i : c.items)
            items.push_back({{"name", i.name},
                             {"points", i.points},
                             {"max", i.max},
                             {"basis", i.measured ? "measured" : "not measured"},
                             {"evidence", i.evidence}});
        cats.push_back(
            {{"name", c.name}, {"weight", c.weight}, {"score", c.score}, {"items", items}});
    }
    return {{"total", s.total},
            {"threshold", s.threshold},
            {"decision", s.go() ? "go" : "no-go"},
            {"measured_items", s.measured},
            {"unmeasured_items", s.unmeasured},
            {"categories", cats},
            {"elapsed_ms", s.elapsedMs}};
}

std::string toText(const Scorecard& s)
{
    std::ostringstream out;
    out << "Production readiness: " << fixed(s.total, 1) << " / 100 -> "
        << (s.go() ? "GO" : "NO-GO") << " (go at " << s.threshold << ")\n";
    for (const auto& c : s.categories) {
        out << "\n  " << c.name << " (" << c.weight << "%): " << fixed(c.score, 0) << "/100\n";
        for (const auto& i : c.items) {
            out << "    " << (i.measured ? (i.points >= i.max ? "[ok]  " : "[--]  ") : "[n/m] ")
                << i.name << "  " << fixed(i.points, 1) << "/" << fixed(i.max, 0) << "  "
                << i.evidence << "\n";
        }
    }
    out << "\n"
        << s.measured << " items measured; " << s.unmeasured
        << " have no fact in this build yet ([n/m]) and score 0.\n";
    return out.str();
}

} // namespace nbaops::readiness
