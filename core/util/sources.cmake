target_sources(nbaops_core PRIVATE util/date.cpp util/log.cpp util/files.cpp)
