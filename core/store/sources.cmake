target_sources(nbaops_core PRIVATE store/database.cpp store/migrations.cpp store/objectstore.cpp)
