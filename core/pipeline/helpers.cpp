#include "helpers.h"

#include "net/circuitbreaker.h"
#include "net/httpclient.h"
#include "net/ratelimiter.h"
#include "store/database.h"

namespace nbaops::pipeline {

std::string seasonLabelOf(const std::string& startYear)
{
    const int y = std::atoi(startYear.c_str());
    if (y < 1900 || startYear.size() != 4)
        return startYear;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%d-%02d", y, (y + 1) % 100);
    return buf;
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

store::PayloadInfo payloadInfo(const Context& ctx, const std::string& source, const std::string& endpoint,
                               Date date, const std::string& name, int httpStatus)
{
    store::PayloadInfo pi;
    pi.source = source;
    pi.endpoint = endpoint;
    pi.date = date;
    pi.name = name;
    pi.httpStatus = httpStatus;
    pi.runId = ctx.runId;
    pi.fetchedAt = toIsoUtc(ctx.clock.now());
    return pi;
}

std::optional<PayloadRef> latestPayload(store::Database& db, const std::string& source,
                                        const std::string& endpoint, Date date)
{
    auto st = db.prepare("SELECT id, path, name FROM raw_payloads WHERE source = ? AND "
                         "endpoint = ? AND game_date = ? AND status = 'ok' "
                         "ORDER BY fetched_at DESC, id DESC LIMIT 1");
    st.bindAll(source, endpoint, date.iso());
    if (!st.step())
        return std::nullopt;
    return PayloadRef{st.getInt(0), st.getText(1), st.getText(2)};
}

std::vector<PayloadRef> acceptedPayloads(store::Database& db, const std::string& source,
                                         const std::string& endpoint, Date date)
{
    auto st = db.prepare("SELECT id, path, name FROM raw_payloads WHERE source = ? AND "
                         "endpoint = ? AND game_date = ? AND status = 'ok' ORDER BY name");
    st.bindAll(source, endpoint, date.iso());
    std::vector<PayloadRef> out;
    while (st.step())
        out.push_back({st.getInt(0), st.getText(1), st.getText(2)});
    return out;
}

std::vector<PayloadRef> latestRunPayloads(store::Database& db, const std::string& source,
                                          const std::string& endpoint, Date date)
{
    auto st = db.prepare(
        "SELECT id, path, name FROM raw_payloads WHERE source = ?1 AND endpoint = ?2 AND game_date = ?3"
        " AND status = 'ok' AND run_id = (SELECT run_id FROM raw_payloads WHERE source = ?1 AND endpoint = ?2"
        " AND game_date = ?3 AND status = 'ok' ORDER BY fetched_at DESC, id DESC LIMIT 1)"
        " ORDER BY length(name), name");
    st.bindAll(source, endpoint, date.iso());
    std::vector<PayloadRef> out;
    while (st.step())
        out.push_back({st.getInt(0), st.getText(1), st.getText(2)});
    return out;
}

// One request to a source through its circuit breaker: refused at once while the breaker is
// open, and its outcome counted (transport failures only; a bad payload is not the link's fault).
net::HttpResponse fetchFrom(Context& ctx, const std::string& source, const std::string& url,
                            const std::vector<std::pair<std::string, std::string>>& headers)
{
    if (ctx.breakers && !ctx.breakers->allow(ctx.db, source, ctx.clock.now())) {
        net::HttpResponse refused;
        const auto s = ctx.breakers->status(source);
        const auto next = ctx.breakers->nextProbe(source);
        refused.error = "circuit breaker for " + source + " is OPEN after " + std::to_string(s.failures) +
                        " consecutive failures; no request sent" +
                        (next ? ", next probe after " + formatEastern(*next) : std::string());
        return refused;
    }
    if (ctx.limiter && !ctx.limiter->acquire(source, ctx.cancel)) {
        net::HttpResponse cancelled;
        cancelled.error = "cancelled";
        return cancelled;
    }
    net::HttpResponse r = ctx.http.get(url, headers);
    if (ctx.breakers && r.error != "cancelled") {
        if (r.status >= 500 || r.status == 429 || !r.error.empty())
            ctx.breakers->recordFailure(ctx.db, source, ctx.clock.now(), r.describe());
        else
            ctx.breakers->recordSuccess(ctx.db, source, ctx.clock.now());
    }
    return r;
}

std::optional<Work> missingKey(const std::string& key, const std::string& source, const std::string& service,
                               const std::string& variable)
{
    if (!key.empty())
        return std::nullopt;
    Work w;
    w.outcome.source = source;
    w.outcome.category = Category::Error;
    w.outcome.error = "no key for " + service + ": set " + variable +
                      " (the key is read from the environment and never stored)";
    return w;
}

std::function<void(store::Database&)> storePayloads(const Context& ctx, FetchedPayloads payloads)
{
    return [&objects = ctx.objects, payloads](store::Database& db) {
        for (const auto& p : *payloads)
            objects.put(db, p.info, p.body);
    };
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
