#include "payloads.h"

#include "store/database.h"

namespace nbaops::pipeline {

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

std::function<void(store::Database&)> storePayloads(const Context& ctx, const FetchedPayloads& payloads)
{
    return [&objects = ctx.objects, payloads](store::Database& db) {
        for (const auto& p : *payloads)
            objects.put(db, p.info, p.body);
    };
}

} // namespace nbaops::pipeline
