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

void ModelTrainer::start(const QString& dbPath, const jobs::TrainOptions& request)
{
    const auto post = poster(this);
    launch([=, this, path = ss(dbPath)] {
        const auto t0 = std::chrono::steady_clock::now();
        try {
            pipeline::SessionOptions so;
            so.dbPath = path;
            so.workers = 1;
            pipeline::Session session(so);
            jobs::Control<jobs::TrainEvent> control;
            control.cancel = &m_cancel;
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
