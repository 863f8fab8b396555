#include "logging.h"

Q_LOGGING_CATEGORY(lcApp, "nbaops.ui.app", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCommon, "nbaops.ui.common", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHealth, "nbaops.ui.health", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRegistry, "nbaops.ui.registry", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPipeline, "nbaops.ui.pipeline", QtInfoMsg)
Q_LOGGING_CATEGORY(lcBackfill, "nbaops.ui.backfill", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWorkbench, "nbaops.ui.workbench", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAlerts, "nbaops.ui.alerts", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTrends, "nbaops.ui.trends", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDr, "nbaops.ui.dr", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSettings, "nbaops.ui.settings", QtInfoMsg)
