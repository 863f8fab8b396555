target_sources(nbaops_ui PRIVATE models/modeltrainer.h models/modeltrainer.cpp models/modelspage.h
    models/modelspage.cpp)
