target_sources(nbaops_core PRIVATE registry/registry.cpp)
