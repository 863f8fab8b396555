target_sources(nbaops_core PRIVATE sim/league.cpp sim/boxscore.cpp sim/statsformat.cpp sim/oddsformat.cpp
    sim/feedsformat.cpp sim/faults.cpp sim/server.cpp sim/historycsv.cpp)
