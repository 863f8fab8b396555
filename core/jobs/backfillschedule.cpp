#include "backfillschedule.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <queue>

namespace nbaops::jobs {

namespace {
constexpr size_t kNone = size_t(-1);
}

BackfillSchedule::BackfillSchedule(std::vector<Processor> processors,
                                   const std::vector<std::pair<Date, std::vector<size_t>>>& dates)
    : m_processors(std::move(processors))
{
    const size_t nd = dates.size();
    m_dates.reserve(nd);
    for (const auto& date : dates)
        m_dates.push_back(date.first);
    m_position.resize(nd);
    std::iota(m_position.begin(), m_position.end(), 0);
    std::vector<size_t> chrono(nd);
    std::iota(chrono.begin(), chrono.end(), size_t(0));
    std::sort(chrono.begin(), chrono.end(), [&](size_t a, size_t b) { return m_dates[a] < m_dates[b]; });
    m_chronoNext.assign(nd, kNone);
    m_chronoPrev.assign(nd, kNone);
    for (size_t i = 1; i < nd; ++i) {
        m_chronoPrev[chrono[i]] = chrono[i - 1];
        m_chronoNext[chrono[i - 1]] = chrono[i];
    }

    m_byDate.resize(nd);
    m_slot.assign(nd, std::vector<long>(m_processors.size(), -1));
    m_gates.assign(nd, std::vector<Gate>(kGates));
    m_unfinishedByDate.assign(nd, 0);
    for (size_t d = 0; d < nd; ++d) {
        for (size_t p : dates[d].second) {
            m_slot[d][p] = long(m_items.size());
            m_byDate[d].push_back(m_items.size());
            m_items.push_back({d, p, false});
        }
        m_unfinishedByDate[d] = m_byDate[d].size();
    }
    m_unfinished = m_items.size();
    m_waiting.assign(m_items.size(), 0);
    m_dependants.resize(m_items.size());
    for (size_t i = 0; i < m_items.size(); ++i) {
        const auto& it = m_items[i];
        for (size_t dep : m_processors[it.processor].dependsOn) {
            if (const long j = m_slot[it.date][dep]; j >= 0) {
                ++m_waiting[i];
                m_dependants[size_t(j)].push_back(i);
            }
        }
        const int phase = m_processors[it.processor].phase;
        if (phase >= kFirstGatedPhase && m_chronoPrev[it.date] != kNone)
            ++m_waiting[i];
        for (int k = std::max(phase, kFirstGatedPhase); k < kFirstGatedPhase + kGates; ++k)
            ++m_gates[it.date][size_t(k - kFirstGatedPhase)].waiting;
    }
    for (size_t d = 0; d < nd; ++d) {
        if (m_chronoPrev[d] != kNone) {
            for (auto& g : m_gates[d])
                ++g.waiting;
        }
    }
    for (size_t i = 0; i < m_items.size(); ++i) {
        if (m_waiting[i] == 0)
            m_ready.emplace(m_position[m_items[i].date], m_items[i].processor, i);
    }
    for (size_t d : chrono) {
        for (int g = 0; g < kGates; ++g)
            settle(d, g);
    }
}

void BackfillSchedule::release(size_t item)
{
    if (m_items[item].finished)
        return;
    if (--m_waiting[item] == 0)
        m_ready.emplace(m_position[m_items[item].date], m_items[item].processor, item);
}

void BackfillSchedule::settle(size_t date, int gate)
{
    auto& g = m_gates[date][size_t(gate)];
    if (!g.open && g.waiting == 0) {
        g.open = true;
        gateOpened(date, gate);
    }
}

// Every planned item up to this date in this phase or earlier has ended: the next date's items
// of the phase may start, and the next date's gate loses its wait on this one.
void BackfillSchedule::gateOpened(size_t date, int gate)
{
    const size_t next = m_chronoNext[date];
    if (next == kNone)
        return;
    for (size_t i : m_byDate[next]) {
        if (m_processors[m_items[i].processor].phase == gate + kFirstGatedPhase)
            release(i);
    }
    --m_gates[next][size_t(gate)].waiting;
    settle(next, gate);
}

std::optional<size_t> BackfillSchedule::next()
{
    if (m_ready.empty())
        return std::nullopt;
    const size_t item = std::get<2>(*m_ready.begin());
    m_ready.erase(m_ready.begin());
    return item;
}

void BackfillSchedule::putBack(size_t item)
{
    if (!m_items[item].finished && m_waiting[item] == 0)
        m_ready.emplace(m_position[m_items[item].date], m_items[item].processor, item);
}

void BackfillSchedule::finish(size_t item)
{
    auto& it = m_items[item];
    if (it.finished)
        return;
    m_ready.erase({m_position[it.date], it.processor, item});
    it.finished = true;
    --m_unfinished;
    --m_unfinishedByDate[it.date];
    for (size_t dep : m_dependants[item])
        release(dep);
    const int phase = m_processors[it.processor].phase;
    for (int k = std::max(phase, kFirstGatedPhase); k < kFirstGatedPhase + kGates; ++k) {
        --m_gates[it.date][size_t(k - kFirstGatedPhase)].waiting;
        settle(it.date, k - kFirstGatedPhase);
    }
}

void BackfillSchedule::moveToFront(const std::vector<Date>& dates)
{
    const int first = *std::min_element(m_position.begin(), m_position.end());
    int pos = first - int(dates.size());
    for (const Date& d : dates) {
        const auto it = std::find(m_dates.begin(), m_dates.end(), d);
        if (it != m_dates.end())
            m_position[size_t(it - m_dates.begin())] = pos++;
    }
    std::set<std::tuple<int, size_t, size_t>> ready;
    for (const auto& [pos0, proc, item] : m_ready)
        ready.emplace(m_position[m_items[item].date], proc, item);
    m_ready.swap(ready);
}

std::vector<Date> BackfillSchedule::workOrder() const
{
    std::vector<size_t> idx(m_dates.size());
    std::iota(idx.begin(), idx.end(), size_t(0));
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return m_position[a] < m_position[b]; });
    std::vector<Date> out;
    out.reserve(idx.size());
    for (size_t i : idx)
        out.push_back(m_dates[i]);
    return out;
}

double BackfillSchedule::simulate(const std::vector<double>& durations, int workers) const
{
    BackfillSchedule s = *this;
    using Event = std::pair<double, size_t>;
    std::priority_queue<Event, std::vector<Event>, std::greater<>> running;
    double t = 0;
    int free = std::max(1, workers);
    while (true) {
        while (free > 0) {
            const auto item = s.next();
            if (!item)
                break;
            running.emplace(t + durations[*item], *item);
            --free;
        }
        if (running.empty())
            break;
        const auto [at, item] = running.top();
        running.pop();
        t = at;
        s.finish(item);
        ++free;
    }
    return t;
}

} // namespace nbaops::jobs
