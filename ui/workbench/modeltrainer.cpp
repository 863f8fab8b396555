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

} // namespace

void ModelTrainer::startWalkForward(const QString& dbPath, const model::Params& params)
{
    startEvaluation(dbPath, params, false);
}

void ModelTrainer::startAblation(const QString& dbPath, const model::Params& params)
{
    startEvaluation(dbPath, params, true);
}

void ModelTrainer::startEvaluation(const QString& dbPath, const model::Params& params, bool ablation)
{
    const auto post = poster(this);
    launch([=, this, path = ss(dbPath)] {
        const auto t0 = std::chrono::steady_clock::now();
        try {
            pipeline::Session session(sessionFor(path));
            const auto control = controlFor(post, &m_cancel);
            std::string id;
            bool cancelled = false;
            if (ablation) {
                jobs::AblationOptions o;
                o.params = params;
                const auto r = jobs::ablate(session, o, control);
                id = r.evaluationId;
                cancelled = r.cancelled;
            } else {
                jobs::WalkForwardOptions o;
                o.params = params;
                const auto r = jobs::walkForward(session, o, control);
                id = r.evaluationId;
                cancelled = r.cancelled;
            }
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            post([id = qs(id), secs, cancelled](ModelTrainer& t) {
                t.finish();
                if (cancelled)
                    Q_EMIT t.cancelled();
                else
                    Q_EMIT t.evaluated(id, secs);
            });
        } catch (const std::exception& e) {
            post([m = QString::fromStdString(e.what())](ModelTrainer& t) {
                t.finish();
                Q_EMIT t.failed(m);
            });
        }
    });
}

void ModelTrainer::start(const QString& dbPath, const jobs::TrainOptions& request)
{
    const auto post = poster(this);
    launch([=, this, path = ss(dbPath)] {
        const auto t0 = std::chrono::steady_clock::now();
        try {
            pipeline::Session session(sessionFor(path));
            const auto control = controlFor(post, &m_cancel);
            const auto run = jobs::train(session, request, control);
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (run.cancelled)
                post([](ModelTrainer& t) {
                    t.finish();
                    Q_EMIT t.cancelled();
                });
            else
                post([v = qs(run.version), secs](ModelTrainer& t) {
                    t.finish();
                    Q_EMIT t.finished(v, secs);
                });
        } catch (const std::exception& e) {
            post([m = QString::fromStdString(e.what())](ModelTrainer& t) {
                t.finish();
                Q_EMIT t.failed(m);
            });
        }
    });
}

} // namespace nbaops::ui
