#include "signals.h"
#include "util/text.h"

#include "health/facts.h"
#include "health/health.h"
#include "health/retries.h"
#include "health/sla.h"
#include "registry/registry.h"
#include "secrets/secrets.h"
#include "store/database.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace nbaops::alerts {

namespace {

std::string number(double v)
{
    char buf[32];
    if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e12)
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else
        std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

class Measurer
{
public:
    explicit Measurer(const SignalContext& ctx) : m_ctx(ctx), m_today(easternDateOf(ctx.now)) {}

    void run(const Rule& rule, Measured& out)
    {
        m_rule = &rule;
        m_out = &out;
        const std::string& c = rule.check;
        if (c == "phase_stalled")
            phaseStalled();
        else if (c == "real_failures")
            realFailures();
        else if (c == "error_rate")
            errorRate();
        else if (c == "feature_null_rate")
            featureNullRate();
        else if (c == "model_mae_ratio")
            modelMaeRatio();
        else if (c == "storage_used")
            storageUsed();
        else if (c == "breaker_open")
            breakerOpen();
        else if (c == "stuck_run")
            stuckRun();
        else if (c == "retries_exhausted")
            retriesExhausted();
        else if (c == "backup_not_proven")
            backupNotProven();
        else if (c == "secret_rotation_due")
            secretRotationDue();
        else if (c == "zero_records")
            zeroRecords();
        else if (c == "data_stale")
            dataStale();
        else if (c == "sla_missed")
            slaMissed();
        else if (c == "sla_compliance")
            slaCompliance();
    }

private:
    void emit(const Labels& labels, double value)
    {
        m_out->conditions.push_back(
            {m_rule->name, labels, value, fillSummary(*m_rule, labels, value)});
    }
    int param(const char* name, int fallback) const { return m_rule->params.value(name, fallback); }
    std::vector<std::string> phaseProcessors(int phase) const
    {
        std::vector<std::string> out;
        for (const auto& p : m_ctx.registry.processors()) {
            if (p.phase == phase && std::find(m_ctx.implemented.begin(), m_ctx.implemented.end(),
                                              p.name) != m_ctx.implemented.end())
                out.push_back(p.name);
        }
        return out;
    }

    // The phase is overdue: a date of the last week with final games has no successful run of
    // any of the phase's processors, `threshold` hours after the phase's SLA deadline for it
    // (the next morning). Value: hours past the deadline of the oldest such date. A total stall
    // (no schedule either) shows as no success for over a day and a half while in season.
    void phaseStalled()
    {
        const int phase = param("phase", 3);
        const auto names = phaseProcessors(phase);
        if (names.empty())
            return;
        int slaHour = 23, slaMinute = 59;
        for (const auto& p : m_ctx.registry.processors()) {
            if (p.phase == phase &&
                (p.slaHour < slaHour || (p.slaHour == slaHour && p.slaMinute < slaMinute))) {
                slaHour = p.slaHour;
                slaMinute = p.slaMinute;
            }
        }
        auto st = m_ctx.db.prepare("SELECT s.game_date FROM game_schedule s WHERE s.game_status = "
                                   "3 AND s.game_date >= ? AND s.game_date < ?"
                                   " AND NOT EXISTS (SELECT 1 FROM processor_latest l JOIN "
                                   "processor_runs r ON r.id = l.run_pk"
                                   " WHERE l.game_date = s.game_date AND r.failure_category = "
                                   "'success' AND l.processor IN (" +
                                   sqlInList(names) +
                                   ")) GROUP BY s.game_date ORDER BY s.game_date LIMIT 1");
        st.bindAll(m_today.addDays(-7).iso(), m_today.iso());
        if (st.step()) {
            const Date d = Date::parse(st.getText(0)).value_or(m_today);
            const auto deadline = easternTime(d.addDays(1), slaHour, slaMinute);
            const double hours =
                std::chrono::duration<double>(m_ctx.now - deadline).count() / 3600.0;
            if (hours > m_rule->threshold) {
                emit({{"phase", std::to_string(phase)}, {"game_date", d.iso()}},
                     std::floor(hours * 10) / 10);
                return;
            }
        }
        auto last = m_ctx.db.prepare("SELECT max(finished_at), max(game_date) FROM "
                                     "processor_last_success WHERE processor IN (" +
                                     sqlInList(names) + ")");
        last.step();
        if (last.isNull(0))
            return; // never succeeded: a new database
        const auto at = parseIsoUtc(last.getText(0));
        const auto lastDate = Date::parse(last.getText(1));
        if (!at || !lastDate || lastDate->daysUntil(m_today) > 30)
            return; // off season
        const double hours = std::chrono::duration<double>(m_ctx.now - *at).count() / 3600.0;
        if (hours > std::max(36.0, m_rule->threshold))
            emit({{"phase", std::to_string(phase)}, {"game_date", lastDate->addDays(1).iso()}},
                 std::floor(hours * 10) / 10);
    }

    // The latest run of a processor for a recent date failed in one of the categories.
    void realFailures()
    {
        std::vector<std::string> cats =
            m_rule->params.value("categories", std::vector<std::string>{"error"});
        const int days = param("days", 2);
        auto st = m_ctx.db.prepare(
            "SELECT r.processor, r.game_date, r.failure_category, r.attempt FROM processor_latest l"
            " JOIN processor_runs r ON r.id = l.run_pk WHERE l.game_date >= ? AND "
            "r.failure_category IN (" +
            sqlInList(cats) + ")");
        st.bindAll(m_today.addDays(-days).iso());
        while (st.step())
            emit({{"processor", st.getText(0)},
                  {"game_date", st.getText(1)},
                  {"category", st.getText(2)}},
                 double(st.getInt(3)));
    }

    // Share of runs in real failure per phase over the latest `days` game dates with runs.
    void errorRate()
    {
        const int days = param("days", 1);
        std::vector<std::string> cats = m_rule->params.value(
            "categories", std::vector<std::string>{"dependency_missing", "validation_failed",
                                                   "timeout", "error"});
        auto st = m_ctx.db.prepare(
            "SELECT phase, sum(runs), sum(CASE WHEN failure_category IN (" + sqlInList(cats) +
            ") THEN runs ELSE 0 END) FROM run_daily_summary WHERE game_date IN"
            " (SELECT DISTINCT game_date FROM run_daily_summary ORDER BY game_date DESC LIMIT ?) "
            "GROUP BY phase");
        st.bindAll(int64_t(days));
        while (st.step()) {
            const double runs = double(st.getInt(1)), bad = double(st.getInt(2));
            if (runs >= 5 && bad / runs > m_rule->threshold)
                emit({{"phase", std::to_string(st.getInt(0))}}, bad / runs);
        }
    }

    // NULL share of critical features on the latest feature date (not in a season's first days).
    void featureNullRate()
    {
        auto latest = m_ctx.db.prepare("SELECT max(game_date) FROM feature_quality");
        latest.step();
        if (latest.isNull(0))
            return;
        const std::string date = latest.getText(0);
        auto season =
            m_ctx.db.prepare("SELECT min(s.game_date) FROM game_schedule s WHERE s.season ="
                             " (SELECT season FROM game_schedule WHERE game_date = ? LIMIT 1)");
        season.bindAll(date);
        if (season.step() && !season.isNull(0)) {
            const auto start = Date::parse(season.getText(0));
            const auto d = Date::parse(date);
            if (start && d && start->daysUntil(*d) < param("skip_first_days_of_season", 14))
                return;
        }
        std::vector<std::string> features =
            m_rule->params.value("features", std::vector<std::string>{});
        auto st = m_ctx.db.prepare(
            "SELECT feature, rows, nulls FROM feature_quality WHERE game_date = ?" +
            (features.empty() ? std::string() : " AND feature IN (" + sqlInList(features) + ")"));
        st.bindAll(date);
        while (st.step()) {
            const double rows = double(st.getInt(1)), nulls = double(st.getInt(2));
            if (rows >= param("min_rows", 50) && nulls / rows > m_rule->threshold)
                emit({{"feature", st.getText(0)}, {"game_date", date}}, nulls / rows);
        }
    }

    // The champion's live MAE against the baseline's on the same player-games.
    void modelMaeRatio()
    {
        const auto m = health::facts::modelLive(m_ctx.db, param("days", 7));
        if (!m || m->rows < param("min_rows", 200) || m->baselineMae <= 0)
            return;
        const double ratio = m->mae / m->baselineMae;
        if (ratio > m_rule->threshold)
            emit({{"version", m->version}}, std::round(ratio * 1000) / 1000);
    }

    void storageUsed()
    {
        const auto st = health::facts::storage(m_ctx.dataDir, false); // the disk is what fills up
        if (!st.error.empty()) {
            m_out->errors.push_back(m_rule->name + ": " + st.error);
            return;
        }
        if (st.usedFraction > m_rule->threshold)
            emit({{"path", m_ctx.dataDir.string()}}, st.usedFraction);
    }

    void breakerOpen()
    {
        for (const auto& b : health::facts::openBreakers(m_ctx.db))
            emit({{"source", b.source}}, double(b.failures));
    }

    // A run still marked running whose heartbeat is older than the threshold (minutes).
    void stuckRun()
    {
        for (const auto& r : health::facts::stuckRuns(m_ctx.db, m_ctx.now, m_rule->threshold))
            emit({{"processor", r.processor}, {"game_date", r.gameDate}}, std::floor(r.minutes));
    }

    // A processor still failing after its last scheduled retry (health::kRetryDelays).
    void retriesExhausted()
    {
        for (const auto& r : health::retryStates(m_ctx.db, m_ctx.now)) {
            if (r.exhausted())
                emit({{"processor", r.processor},
                      {"game_date", r.gameDate},
                      {"error", r.lastError.substr(0, 160)}},
                     double(r.failures));
        }
    }

    // Backups are taken here, and the newest one proven restorable (a test-restore that
    // passed) is older than the threshold in hours (the RPO target), or none is.
    void backupNotProven()
    {
        const auto b = health::facts::backups(m_ctx.db);
        if (b.count == 0)
            return; // no backups at all: the readiness score and the health check say so
        const auto proven = parseIsoUtc(b.provenAt);
        const double hours =
            proven ? std::chrono::duration<double>(m_ctx.now - *proven).count() / 3600.0
                   : 24.0 * 365;
        if (hours > m_rule->threshold)
            emit({{"backup", b.provenId.empty() ? std::string("none") : b.provenId}},
                 std::floor(hours));
    }

    // A secret older than its rotation age (90 days for API keys), or set but unusable.
    void secretRotationDue()
    {
        const auto all = m_ctx.secrets ? *m_ctx.secrets : secrets::status(m_ctx.now);
        for (const auto& s : all) {
            if (s.rotation == secrets::Rotation::Due)
                emit({{"secret", s.spec.name},
                      {"source", secrets::sourceName(s.source)},
                      {"rotation_days", std::to_string(s.spec.rotationDays)}},
                     double(s.ageDays.value_or(0)));
        }
    }

    // A success with no records where the registry expects some, on the latest date.
    void zeroRecords()
    {
        for (const auto& z : health::facts::zeroRecordRuns(m_ctx.db, m_ctx.registry))
            emit({{"processor", z.processor},
                  {"game_date", z.gameDate},
                  {"expected", std::to_string(z.expected)}},
                 0);
    }

    // Analytics tables behind the schedule: final game dates after their latest date.
    void dataStale()
    {
        for (const auto& t : health::facts::staleTables(m_ctx.db, m_today)) {
            if (t.lag > m_rule->threshold)
                emit({{"table", t.table}}, double(t.lag));
        }
    }

    void slaMissed()
    {
        health::Query q;
        q.mode = health::Mode::Pipeline; // the mode that keeps each processor's SLA
        const auto rep = health::check(m_ctx.db, m_ctx.registry, m_ctx.implemented, q, m_ctx.now);
        for (const auto& ph : rep.phases) {
            for (const auto& p : ph.processors) {
                if (p.sla == "missed")
                    emit({{"processor", p.name},
                          {"game_date", rep.date},
                          {"deadline", p.slaDeadline}},
                         1);
            }
        }
    }

    // An SLA below its objective: over the 30 days (breached) or the 7 (at risk). Value: the
    // share of decided days that met it.
    void slaCompliance()
    {
        std::vector<health::SlaDefinition> defs;
        try {
            defs = health::loadSlas(m_ctx.db.path(), m_ctx.registry);
        } catch (const std::exception& e) {
            m_out->errors.push_back(m_rule->name + ": " + e.what());
            return;
        }
        const auto rep = health::slaReport(m_ctx.db, m_ctx.registry, defs, std::nullopt, m_ctx.now);
        for (const auto& s : rep.slas) {
            const bool breached = s.state == "breached";
            if (!breached && s.state != "at_risk")
                continue;
            const auto& c = breached ? s.last30 : s.last7;
            emit({{"sla", s.def.name},
                  {"window", breached ? "30 days" : "7 days"},
                  {"objective", percentText(s.def.objective)}},
                 c.rate.value_or(0));
        }
    }

    const SignalContext& m_ctx;
    Date m_today;
    const Rule* m_rule = nullptr;
    Measured* m_out = nullptr;
};

} // namespace

std::string fillSummary(const Rule& rule, const Labels& labels, double value)
{
    std::string out;
    const std::string& t = rule.summary;
    for (size_t i = 0; i < t.size(); ++i) {
        if (t[i] != '{') {
            out += t[i];
            continue;
        }
        const size_t close = t.find('}', i);
        if (close == std::string::npos) {
            out += t.substr(i);
            break;
        }
        const std::string key = t.substr(i + 1, close - i - 1);
        if (key == "value")
            out += number(value);
        else if (key == "value_pct")
            out += percentText(value);
        else if (key == "threshold")
            out += number(rule.threshold);
        else if (key == "threshold_pct")
            out += percentText(rule.threshold);
        else if (const auto it = labels.find(key); it != labels.end())
            out += it->second;
        else
            out += "{" + key + "}";
        i = close;
    }
    return out;
}

bool backfillRunning(store::Database& db, std::string* detail)
{
    auto st = db.prepare(
        "SELECT id, source, created_by FROM backfills WHERE state = 'running' ORDER BY id LIMIT 1");
    if (!st.step())
        return false;
    if (detail)
        *detail = "backfill " + std::to_string(st.getInt(0)) + " (" + st.getText(1) +
                  ", started by " + st.getText(2) + ") is running";
    return true;
}

Measured measure(const Config& cfg, const SignalContext& ctx)
{
    Measured out;
    Measurer m(ctx);
    for (const auto& rule : cfg.rules) {
        try {
            m.run(rule, out);
        } catch (const std::exception& e) {
            out.errors.push_back(rule.name + ": " + e.what());
        }
    }
    out.backfill = backfillRunning(ctx.db, &out.backfillDetail);
    return out;
}

} // namespace nbaops::alerts
