#pragma once

#include "jobs/backend.h"

#include <QString>

#include <memory>

namespace nbaops::ui {

// Where the pipeline runs, shared by the pages (see jobs::Backend): they read its database and
// act through it without knowing which backend it is.
using BackendPtr = std::shared_ptr<jobs::Backend>;

// `backend`, or the local backend on `dbPath` when there is none (a page made on its own).
inline BackendPtr backendOr(BackendPtr backend, const QString& dbPath)
{
    return backend ? std::move(backend) : BackendPtr(jobs::localBackend(dbPath.toStdString()));
}

} // namespace nbaops::ui
