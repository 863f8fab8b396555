// Runner: a date through the registry's graph on the worker pool, and the watchdog that keeps
// heartbeats and enforces timeouts and cancellation.
#include "runner.h"

#include "registry/registry.h"
#include "store/database.h"
#include "util/log.h"

#include <algorithm>

namespace nbaops::pipeline {

DateResult Runner::runDate(Date date, const std::set<int>& phases)
{
    const auto& reg = m_workers.front().ctx->registry;
    std::vector<std::string> order;
    for (const auto& name : reg.topologicalOrder()) {
        if (find(name) && (phases.empty() || phases.count(reg.get(name).phase)))
            order.push_back(name);
    }
    return m_workers.size() == 1 ? runSerially(order, date) : runConcurrently(order, date);
}

// One worker: the processors run one after another on this thread, in the graph's order (each
// after everything it depends on), without a thread per run.
DateResult Runner::runSerially(const std::vector<std::string>& order, Date date)
{
    DateResult out;
    out.date = date;
    for (const auto& name : order) {
        if (stopRequested()) {
            out.cancelled = true;
            break;
        }
        out.results.push_back(runOnWorker(name, date, 0));
    }
    return out;
}

// Several workers: a processor starts on a free worker once everything it depends on is done;
// the first exception stops new starts and is rethrown once the running ones end.
DateResult Runner::runConcurrently(const std::vector<std::string>& order, Date date)
{
    const auto& reg = m_workers.front().ctx->registry;
    DateResult out;
    out.date = date;
    enum class State { Waiting, Running, Done };
    std::map<std::string, State> state;
    for (const auto& n : order)
        state[n] = State::Waiting;
    std::vector<bool> busy(m_workers.size(), false);
    std::vector<std::thread> threads;
    std::mutex mutex;
    std::condition_variable changed;
    std::map<std::string, ProcessorResult> results;
    std::exception_ptr failure;

    std::unique_lock lock(mutex);
    while (true) {
        const bool cancelled = stopRequested();
        size_t running = 0, waiting = 0;
        for (const auto& [n, st] : state) {
            running += st == State::Running;
            waiting += st == State::Waiting;
        }
        if ((waiting == 0 || cancelled || failure) && running == 0)
            break;
        if (!cancelled && !failure) {
            for (const auto& name : order) {
                if (state[name] != State::Waiting)
                    continue;
                const auto& deps = reg.get(name).dependsOn;
                const bool ready = std::all_of(deps.begin(), deps.end(), [&](const std::string& d) {
                    return !state.count(d) || state[d] == State::Done;
                });
                const auto free = std::find(busy.begin(), busy.end(), false);
                if (!ready || free == busy.end())
                    continue;
                const size_t w = size_t(free - busy.begin());
                busy[w] = true;
                state[name] = State::Running;
                threads.emplace_back([&, name, w] {
                    std::optional<ProcessorResult> r;
                    std::exception_ptr error;
                    try {
                        r = runOnWorker(name, date, w);
                    } catch (...) {
                        error = std::current_exception();
                    }
                    std::lock_guard done(mutex);
                    if (r)
                        results[name] = std::move(*r);
                    else if (!failure)
                        failure = error;
                    state[name] = State::Done;
                    busy[w] = false;
                    changed.notify_all();
                });
            }
        }
        changed.wait_for(lock, std::chrono::milliseconds(100));
    }
    lock.unlock();
    for (auto& t : threads)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
    for (const auto& name : order) {
        const auto it = results.find(name);
        if (it != results.end())
            out.results.push_back(std::move(it->second));
    }
    out.cancelled = stopRequested() && out.results.size() < order.size();
    return out;
}

void Runner::watch()
{
    auto lastBeat = std::chrono::steady_clock::now();
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        m_wake.wait_for(lock, std::chrono::milliseconds(50));
        const auto now = std::chrono::steady_clock::now();
        const bool cancelled = stopRequested();
        std::vector<int64_t> beating;
        for (auto& [w, a] : m_active) {
            if (cancelled)
                m_workers[w].stop->store(true);
            if (!a.timedOut && now >= a.deadline) {
                a.timedOut = true;
                m_workers[w].stop->store(true);
                log::warning("runner", "run " + std::to_string(a.runPk) + " passed its timeout; stopping it");
            }
            beating.push_back(a.runPk);
        }
        if (cancelled) {
            for (auto& w : m_workers)
                w.stop->store(true);
        }
        if (!beating.empty() && now - lastBeat >= m_options.heartbeat) {
            lastBeat = now;
            lock.unlock();
            try {
                auto st = m_watchDb->prepare("UPDATE processor_runs SET heartbeat_at = ? WHERE id = ? AND status = 'running'");
                const std::string at = toIsoUtc(m_workers.front().ctx->clock.now());
                for (int64_t pk : beating) {
                    st.reset();
                    st.bindAll(at, pk);
                    st.run();
                }
            } catch (const std::exception& e) {
                log::warning("runner", std::string("heartbeat not written: ") + e.what());
            }
            lock.lock();
        }
    }
}

} // namespace nbaops::pipeline
