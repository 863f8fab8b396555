#pragma once

#include <QCoreApplication>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <functional>
#include <memory>

namespace nbaops::ui {

// Runs jobs on the global thread pool and delivers each result to `context` on its thread,
// dropping results of jobs superseded by a newer one (as hotspot's JobTracker does).
class JobTracker
{
public:
    explicit JobTracker(QObject* context) : m_context(context) {}

    template <typename Result>
    void run(std::function<Result()> work, const std::function<void(Result)>& deliver,
             const std::function<void(QString)>& fail)
    {
        const quint64 job = ++m_current;
        QPointer<QObject> ctx = m_context;
        auto current = m_currentRef;
        QThreadPool::globalInstance()->start([=, work = std::move(work)]() mutable {
            try {
                Result r = work();
                // Posted to the application, not to the context: the context may be destroyed
                // on the GUI thread while this thread posts, and QPointer is only safe to read
                // on the GUI thread, where the lambda runs.
                QMetaObject::invokeMethod(qApp, [=, r = std::move(r)]() mutable {
                    if (ctx && *current == job)
                        deliver(std::move(r));
                }, Qt::QueuedConnection);
            } catch (const std::exception& e) {
                const QString msg = QString::fromStdString(e.what());
                QMetaObject::invokeMethod(qApp, [=] {
                    if (ctx && *current == job)
                        fail(msg);
                }, Qt::QueuedConnection);
            }
        });
        *m_currentRef = job;
    }

    bool isRunning(quint64 job) const { return *m_currentRef == job; }

private:
    QObject* m_context;
    quint64 m_current = 0;
    std::shared_ptr<quint64> m_currentRef = std::make_shared<quint64>(0);
};

} // namespace nbaops::ui
