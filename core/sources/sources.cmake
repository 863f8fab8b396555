target_sources(nbaops_core PRIVATE sources/nbastats.cpp sources/oddsapi.cpp)
