#pragma once

#include "util/date.h"

#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace nbaops::jobs {

// The order in which a backfill starts its (date, processor) pairs, without any I/O, so the
// executor and the estimate follow the same rules:
// - within a date, a processor starts once the planned processors it depends on have ended;
// - phases 1 and 2 (fetching and loading each date's own payloads) start in the plan's work
//   order (newest first, or as reordered), several dates at once;
// - a processor of phase 3 or later reads the days before its date (rolling averages, rest
//   days, player ids), so it starts only once every planned processor of an earlier date in
//   the same or an earlier phase has ended; its result is then the one a run of the dates in
//   calendar order gives.
// Ready pairs are handed out best first: the date's position in the work order, then the
// processor's position in the registry's graph.
class BackfillSchedule
{
public:
    struct Processor
    {
        std::string name;
        int phase = 1;
        std::vector<size_t> dependsOn; // indices into the processor list (same date)
    };
    struct Item
    {
        size_t date = 0;      // index into dates()
        size_t processor = 0; // index into processors()
        bool finished = false;
    };

    // `processors` in topological order; `dates` in work order, each with the indices of its
    // planned processors.
    BackfillSchedule(std::vector<Processor> processors, const std::vector<std::pair<Date, std::vector<size_t>>>& dates);

    // The best ready item, taken off the ready set (it is now running); none when nothing is
    // ready (everything left waits on running items, or all is finished).
    std::optional<size_t> next();
    // The item ended (done, failed or skipped): what waited on it may become ready.
    void finish(size_t item);
    // Moves the given dates to the front of the work order, in the given order.
    void moveToFront(const std::vector<Date>& dates);
    // A running item given back (the backfill paused or was cancelled before it ended).
    void putBack(size_t item);

    const std::vector<Item>& items() const { return m_items; }
    const std::vector<Processor>& processors() const { return m_processors; }
    const std::vector<Date>& dates() const { return m_dates; }
    std::vector<Date> workOrder() const;
    // Indices of the date's items.
    const std::vector<size_t>& itemsOf(size_t date) const { return m_byDate[date]; }
    size_t unfinished() const { return m_unfinished; }
    size_t unfinishedOf(size_t date) const { return m_unfinishedByDate[date]; }
    size_t readyCount() const { return m_ready.size(); }

    // The time all items take on `workers` workers when item i takes durations[i] seconds:
    // the same rules, played out on a simulated clock.
    double simulate(const std::vector<double>& durations, int workers) const;

private:
    static constexpr int kFirstGatedPhase = 3;
    static constexpr int kGates = 4; // phases 3..6
    struct Gate
    {
        int waiting = 0;
        bool open = false;
    };

    std::vector<Processor> m_processors;
    std::vector<Date> m_dates;                  // as given (work order at construction)
    std::vector<int> m_position;                // work-order position per date
    std::vector<size_t> m_chronoNext;           // the next date in calendar order (npos: last)
    std::vector<size_t> m_chronoPrev;
    std::vector<Item> m_items;
    std::vector<int> m_waiting;                 // unfinished prerequisites per item
    std::vector<std::vector<size_t>> m_byDate;  // item indices per date
    std::vector<std::vector<long>> m_slot;      // [date][processor] -> item index or -1
    std::vector<std::vector<size_t>> m_dependants; // per item, same-date items waiting on it
    std::vector<std::vector<Gate>> m_gates;     // [date][phase - 3]
    std::vector<size_t> m_unfinishedByDate;
    size_t m_unfinished = 0;
    std::set<std::tuple<int, size_t, size_t>> m_ready; // (position, processor, item)

    void release(size_t item);
    void gateOpened(size_t date, int gate);
    void settle(size_t date, int gate);
};

} // namespace nbaops::jobs
