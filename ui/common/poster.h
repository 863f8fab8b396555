#pragma once

#include <QMetaObject>
#include <QPointer>

namespace nbaops::ui {

// A function a worker thread calls with `fn(T&)` to run it later on `object`'s (GUI) thread.
// For objects that outlive their worker thread (their destructor joins it), as the pipeline
// runner and the model trainer do.
template <typename T>
auto poster(T* object)
{
    QPointer<T> self(object);
    return [self](auto fn) {
        QMetaObject::invokeMethod(self, [self, fn] {
            if (self)
                fn(*self);
        }, Qt::QueuedConnection);
    };
}

} // namespace nbaops::ui
