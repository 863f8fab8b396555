#include "modeltrainer.h"

#include "common/poster.h"
#include "common/qtconv.h"
#include "pipeline/session.h"


#include <chrono>

namespace nbaops::ui {

ModelTrainer::ModelTrainer(QObject* parent) : JobFacade(parent) {}

ModelTrainer::~ModelTrainer()
{
    shutdown();
}

namespace {

// Progress of a job as the trainer's signals: a point of the curve per tree, else the stage.
template <typename Post>
jobs::Control<jobs::TrainEvent> controlFor(const Post& post, std::atomic<bool>* cancel)
{
    jobs::Control<jobs::TrainEvent> control;
    control.cancel = cancel;
    control.progress = [post](const jobs::TrainEvent& e) {
        if (e.fit) {
            const auto p = *e.fit;
            post([p](ModelTrainer& t) {
                Q_EMIT t.iteration(p.point.iteration, p.point.trainMae, p.point.validMae, p.bestIteration);
            });
        } else {
            post([m = qs(e.message), d = e.done, n = e.total](ModelTrainer& t) { Q_EMIT t.stage(m, d, n); });
        }
    };
    return control;
}

pipeline::SessionOptions sessionFor(const std::string& path)
{
    pipeline::SessionOptions so;
    so.dbPath = path;
    so.workers = 1;
    return so;
}

// A walk-forward run or ablation's end: kept (its id), or cancelled.
ModelTrainer::Delivery evaluationEnd(bool cancelled, const std::string& id)
{
    return [cancelled, id = qs(id)](ModelTrainer& t, double secs) {
        if (cancelled)
            Q_EMIT t.cancelled();
        else
            Q_EMIT t.evaluated(id, secs);
    };
}

} // namespace

void ModelTrainer::launchJob(const QString& dbPath, const Job& job)
{
    const auto post = poster(this);
    launch([=, this, path = ss(dbPath)] {
        const auto t0 = std::chrono::steady_clock::now();
        try {
            pipeline::Session session(sessionFor(path));
            const auto deliver = job(session, controlFor(post, &m_cancel));
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            post([deliver, secs](ModelTrainer& t) {
                t.finish();
                deliver(t, secs);
            });
        } catch (const std::exception& e) {
            post([m = QString::fromStdString(e.what())](ModelTrainer& t) {
                t.finish();
                Q_EMIT t.failed(m);
            });
        }
    });
}

void ModelTrainer::startWalkForward(const QString& dbPath, const model::Params& params)
{
    launchJob(dbPath, [params](pipeline::Session& session, const jobs::Control<jobs::TrainEvent>& control) -> Delivery {
        jobs::WalkForwardOptions o;
        o.params = params;
        const auto r = jobs::walkForward(session, o, control);
        return evaluationEnd(r.cancelled, r.evaluationId);
    });
}

void ModelTrainer::startAblation(const QString& dbPath, const model::Params& params)
{
    launchJob(dbPath, [params](pipeline::Session& session, const jobs::Control<jobs::TrainEvent>& control) -> Delivery {
        jobs::AblationOptions o;
        o.params = params;
        const auto r = jobs::ablate(session, o, control);
        return evaluationEnd(r.cancelled, r.evaluationId);
    });
}

void ModelTrainer::start(const QString& dbPath, const jobs::TrainOptions& request)
{
    launchJob(dbPath, [request](pipeline::Session& session, const jobs::Control<jobs::TrainEvent>& control) -> Delivery {
        const auto run = jobs::train(session, request, control);
        return [cancelled = run.cancelled, v = qs(run.version)](ModelTrainer& t, double secs) {
            if (cancelled)
                Q_EMIT t.cancelled();
            else
                Q_EMIT t.finished(v, secs);
        };
    });
}

} // namespace nbaops::ui
