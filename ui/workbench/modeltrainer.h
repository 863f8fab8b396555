#pragma once

#include "jobs/train.h"

#include "common/jobfacade.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <thread>

namespace nbaops::ui {

// The console's facade over a training run: start(), stop(), a signal per tree for the live
// learning curve, finished() or failed(). Training runs on its own thread with its own
// database connection; every signal arrives on the GUI thread.
class ModelTrainer : public JobFacade
{
    Q_OBJECT
public:
    explicit ModelTrainer(QObject* parent = nullptr);
    ~ModelTrainer() override;

    void start(const QString& dbPath, const jobs::TrainOptions& request);
    // A walk-forward run, or a feature ablation, of `params` (kept in model_evaluations).
    void startWalkForward(const QString& dbPath, const model::Params& params);
    void startAblation(const QString& dbPath, const model::Params& params);

Q_SIGNALS:
    void stage(const QString& message, int done, int total);
    void iteration(int iteration, double trainMae, double validMae, int bestIteration);
    void finished(const QString& version, double seconds);
    void evaluated(const QString& evaluationId, double seconds);
    void cancelled();
    void failed(const QString& message);

public:
    // What a finished job signals, on the GUI thread, with its seconds.
    using Delivery = std::function<void(ModelTrainer&, double seconds)>;

private:
    // Runs `job` on the worker thread with a session of its own and the trainer's progress and
    // cancel; delivers what it returns, or failed() with the reason it threw.
    using Job = std::function<Delivery(pipeline::Session&, const jobs::Control<jobs::TrainEvent>&)>;
    void launchJob(const QString& dbPath, const Job& job);
};

} // namespace nbaops::ui
