#pragma once

#include "context.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nbaops::pipeline {

struct ProcessorResult
{
    std::string processor;
    int phase = 0;
    Date date;
    Outcome outcome;
    int64_t durationMs = 0;
    int attempt = 1;
    std::string startedAt;
    std::string finishedAt;
};

struct DateResult
{
    Date date;
    std::vector<ProcessorResult> results;
    bool cancelled = false;
    int realFailures() const;
};

// Runs the processors this build implements, in the registry's topological order, for one
// date at a time. Each run writes one processor_runs row: 'running' when it starts, its
// outcome when it ends, in the same transaction as the data it wrote.
class Runner
{
public:
    explicit Runner(Context& ctx);
    ~Runner();

    // Names of the processors this build can run (the local pipeline so far).
    static std::vector<std::string> implementedProcessors();
    static std::string newRunId(const Clock& clock);

    DateResult runDate(Date date);
    // Runs one processor for one date (after its dependency check).
    ProcessorResult runOne(const std::string& processor, Date date);

    std::function<void(const ProcessorResult&)> onResult;
    std::function<void(const std::string& processor, Date)> onStart;

private:
    Context& m_ctx;
    std::vector<std::pair<std::string, std::unique_ptr<Processor>>> m_processors;
    Processor* find(const std::string& name) const;
    std::optional<Outcome> checkDependencies(const std::string& processor, Date date);
};

} // namespace nbaops::pipeline
