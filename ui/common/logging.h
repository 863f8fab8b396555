#pragma once

#include <QLoggingCategory>

// One category per GUI module (QT_LOGGING_RULES="nbaops.ui.*=true" shows them all). Failures
// the user is shown are logged too, in the category of the page that met them.
Q_DECLARE_LOGGING_CATEGORY(lcApp)
Q_DECLARE_LOGGING_CATEGORY(lcCommon)
Q_DECLARE_LOGGING_CATEGORY(lcHealth)
Q_DECLARE_LOGGING_CATEGORY(lcRegistry)
Q_DECLARE_LOGGING_CATEGORY(lcPipeline)
Q_DECLARE_LOGGING_CATEGORY(lcBackfill)
Q_DECLARE_LOGGING_CATEGORY(lcWorkbench)
Q_DECLARE_LOGGING_CATEGORY(lcAlerts)
Q_DECLARE_LOGGING_CATEGORY(lcTrends)
Q_DECLARE_LOGGING_CATEGORY(lcDr)
Q_DECLARE_LOGGING_CATEGORY(lcSettings)
