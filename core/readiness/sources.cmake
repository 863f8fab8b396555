target_sources(nbaops_core PRIVATE readiness/readiness.cpp)
