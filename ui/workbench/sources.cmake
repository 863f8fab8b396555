target_sources(nbaops_ui PRIVATE workbench/modeltrainer.h workbench/modeltrainer.cpp workbench/modelspage.h
    workbench/modelspage.cpp workbench/reportcharts.h workbench/reportcharts.cpp workbench/versionsmodel.h
    workbench/versionsmodel.cpp)
