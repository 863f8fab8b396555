#include "modeltrainer.h"

#include "common/poster.h"
#include "common/qtconv.h"
#include "pipeline/session.h"


#include <chrono>

namespace nbaops::ui {

ModelTrainer::ModelTrainer(QObject* parent) : QObject(parent) {}

ModelTrainer::~ModelTrainer()
{
    m_cancel = true;
    if (m_thread.joinable())
        m_thread.join();
}

void ModelTrainer::stop()
{
    m_cancel = true;
}

void ModelTrainer::start(const QString& dbPath, const jobs::TrainOptions& request)
{
    if (m_running)
        return;
    if (m_thread.joinable())
        m_thread.join();
    m_cancel = false;
    m_running = true;
    const auto post = poster(this);
    m_thread = std::thread([=, this, path = ss(dbPath)] {
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
                    t.m_running = false;
                    Q_EMIT t.cancelled();
                });
            else
                post([v = qs(run.version), secs](ModelTrainer& t) {
                    t.m_running = false;
                    Q_EMIT t.finished(v, secs);
                });
        } catch (const std::exception& e) {
            post([m = QString::fromStdString(e.what())](ModelTrainer& t) {
                t.m_running = false;
                Q_EMIT t.failed(m);
            });
        }
    });
}

} // namespace nbaops::ui
