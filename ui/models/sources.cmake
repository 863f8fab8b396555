target_sources(nbaops_ui PRIVATE models/modeltrainer.h models/modeltrainer.cpp models/modelspage.h
    models/modelspage.cpp models/reportcharts.h models/reportcharts.cpp models/versionsmodel.h
    models/versionsmodel.cpp)
