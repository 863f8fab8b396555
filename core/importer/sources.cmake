target_sources(nbaops_core PRIVATE importer/csv.cpp importer/boxscores.cpp)
target_link_libraries(nbaops_core PRIVATE ZLIB::ZLIB)
