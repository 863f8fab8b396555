target_sources(nbaops_core PRIVATE health/health.cpp health/format.cpp health/anomaly.cpp health/trends.cpp health/trendsformat.cpp health/facts.cpp health/checks.cpp health/sla.cpp)
