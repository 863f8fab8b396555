#include "retries.h"

#include "store/database.h"

#include <algorithm>

namespace nbaops::health {

namespace {

bool retryable(const std::string& category, const std::string& error)
{
    return (category == "error" || category == "timeout") && error.rfind("cancelled by the operator", 0) != 0;
}

} // namespace

std::vector<RetryState> retryStates(store::Database& db, TimePoint now)
{
    std::vector<RetryState> out;
    auto latest = db.prepare(
        "SELECT r.processor, r.game_date, r.failure_category, coalesce(r.error, ''), r.finished_at, r.attempt"
        " FROM processor_runs r JOIN processor_latest l ON l.run_pk = r.id"
        " WHERE r.failure_category IN ('error', 'timeout') AND r.finished_at >= ?");
    latest.bindAll(toIsoUtc(now - kRetryWindow));
    auto history = db.prepare("SELECT failure_category, coalesce(error, '') FROM processor_runs"
                              " WHERE game_date = ? AND processor = ? AND status <> 'running' ORDER BY id DESC");
    while (latest.step()) {
        RetryState s;
        s.processor = latest.getText(0);
        s.gameDate = latest.getText(1);
        const std::string category = latest.getText(2);
        s.lastError = latest.getText(3);
        s.lastFinishedAt = latest.getText(4);
        s.attempt = int(latest.getInt(5));
        if (!retryable(category, s.lastError))
            continue;
        history.reset();
        history.bindAll(s.gameDate, s.processor);
        while (history.step() && retryable(history.getText(0), history.getText(1)))
            ++s.failures;
        const auto finished = parseIsoUtc(s.lastFinishedAt);
        if (!finished)
            continue;
        if (s.failures <= int(kRetryDelays.size()))
            s.dueAt = *finished + kRetryDelays[size_t(s.failures - 1)];
        out.push_back(std::move(s));
    }
    std::stable_sort(out.begin(), out.end(), [](const RetryState& a, const RetryState& b) {
        if (a.exhausted() != b.exhausted())
            return !a.exhausted();
        return !a.exhausted() && *a.dueAt < *b.dueAt;
    });
    return out;
}

} // namespace nbaops::health
