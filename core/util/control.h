#pragma once

#include <atomic>
#include <functional>
#include <string>

namespace nbaops {

// Where a long job reports progress, and the flag that stops it (see jobs/job.h for the shape
// of a job). Here, at the bottom, so a subsystem below jobs (dr) can take one too.
template <typename Event> struct Control
{
    std::function<void(const Event&)> progress; // called on the job's thread; may be empty
    const std::atomic<bool>* cancel = nullptr;  // the operator's Ctrl-C / Cancel; may be null

    bool cancelled() const { return cancel && cancel->load(); }
    void report(const Event& event) const
    {
        if (progress)
            progress(event);
    }
};

// A job whose progress is a line of text for a person.
using TextControl = Control<std::string>;

} // namespace nbaops
