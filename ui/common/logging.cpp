#include "logging.h"

Q_LOGGING_CATEGORY(lcApp, "nbaops.ui.app", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHealth, "nbaops.ui.health", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRegistry, "nbaops.ui.registry", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPipeline, "nbaops.ui.pipeline", QtInfoMsg)
