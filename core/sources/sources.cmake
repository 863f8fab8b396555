target_sources(nbaops_core PRIVATE sources/nbastats.cpp sources/oddsapi.cpp sources/teams.cpp sources/espn.cpp
    sources/balldontlie.cpp)
