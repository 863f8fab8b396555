#pragma once

#include <QObject>

#include <atomic>
#include <functional>
#include <thread>

namespace nbaops::ui {

// What every facade over a long engine job shares (hotspot's PerfParser shape): the job runs on
// a thread of its own; stop() asks it to stop at its next checkpoint; the facade's destructor
// stops and joins it, so the job never outlives the object its results are posted to (see
// poster.h). A facade adds start(...) and its signals, and calls finish() when it delivers.
class JobFacade : public QObject
{
    Q_OBJECT
public:
    bool isRunning() const { return m_running; }
    void stop() { m_cancel = true; } // cooperative: the job stops at its next checkpoint

protected:
    explicit JobFacade(QObject* parent) : QObject(parent) {}
    ~JobFacade() override { shutdown(); }

    // Runs `work` on the job's thread; false (and nothing started) while a job runs.
    bool launch(std::function<void()> work)
    {
        if (m_running)
            return false;
        if (m_thread.joinable())
            m_thread.join();
        m_cancel = false;
        m_running = true;
        m_thread = std::thread(std::move(work));
        return true;
    }
    // On the GUI thread, when the job's outcome is delivered.
    void finish() { m_running = false; }
    // Stops the job and waits for it; facades call it first in their destructor.
    void shutdown()
    {
        m_cancel = true;
        if (m_thread.joinable())
            m_thread.join();
    }

    std::atomic<bool> m_cancel{false}; // the job's cancel flag

private:
    std::thread m_thread;
    bool m_running = false;
};

} // namespace nbaops::ui
