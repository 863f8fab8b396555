#include "runrange.h"

#include "pipeline/session.h"
#include "store/audit.h"
#include "util/errors.h"

#include <chrono>

namespace nbaops::jobs {

void checkRange(Date from, Date to, const std::string& fromName, const std::string& toName)
{
    if (to < from)
        throw UsageError(toName + " " + to.iso() + " is before " + fromName + " " + from.iso() +
                         "; give the range in order.");
    if (from.daysUntil(to) > kMaxRangeDays)
        throw UsageError("The range " + from.iso() + " to " + to.iso() +
                         " is longer than ten years; split it.");
}

RunRangeResult runRange(pipeline::Session& session, const RunRangeOptions& options,
                        const Control<RunRangeEvent>& control)
{
    checkRange(options.from, options.to);
    const auto t0 = std::chrono::steady_clock::now();
    auto& runner = session.runner();
    runner.onStart = [&control](const std::string& processor, Date d) {
        control.report({RunRangeEvent::Kind::ProcessorStarted, d, processor, nullptr});
    };
    runner.onResult = [&control](const pipeline::ProcessorResult& r) {
        control.report({RunRangeEvent::Kind::ProcessorFinished, r.date, r.processor, &r});
    };
    session.setDeferPublishing(options.from < options.to); // each page once per run, not per night

    RunRangeResult out;
    // One audit row per run an operator (or the schedule) starts: its dates, and how it ended.
    const std::string args = options.from.iso() +
                             (options.to == options.from ? "" : ".." + options.to.iso()) +
                             (options.only.empty() ? "" : " --only " + options.only);
    const int64_t auditId =
        store::writeAudit(session.db(), {"", "pipeline.run", "run of " + args, args, "started"});
    for (Date d = options.from; d <= options.to; d = d.addDays(1)) {
        if (control.cancelled()) {
            out.cancelled = true;
            out.cancelledAt = d;
            break;
        }
        control.report({RunRangeEvent::Kind::DateStarted, d, {}, nullptr});
        ++out.dates;
        pipeline::DateResult res;
        res.date = d;
        if (options.only.empty())
            res = runner.runDate(d);
        else
            res.results = runner.runWithUpstream(options.only, d);
        out.realFailures += res.realFailures();
        if (res.cancelled || control.cancelled()) {
            out.cancelled = true;
            out.cancelledAt = d;
            break;
        }
    }
    runner.onStart = nullptr;
    runner.onResult = nullptr;
    out.published = session.flushPublished();
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    store::setAuditResult(session.db(), auditId,
                          out.cancelled
                              ? "cancelled at " + out.cancelledAt.iso()
                              : std::to_string(out.dates) + " date(s), " +
                                    std::to_string(out.realFailures) + " real failure(s)");
    return out;
}

} // namespace nbaops::jobs
