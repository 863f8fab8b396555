target_sources(nbaops_core PRIVATE features/features.cpp)
