target_sources(nbaops_ui PRIVATE workbench/modelspage.h workbench/modelspage.cpp workbench/trainform.h
    workbench/trainform.cpp workbench/learningcurve.h workbench/learningcurve.cpp workbench/reportview.h
    workbench/reportview.cpp workbench/versionspanel.h workbench/versionspanel.cpp workbench/modeltrainer.h
    workbench/modeltrainer.cpp workbench/reportcharts.h workbench/reportcharts.cpp workbench/overundercharts.cpp
    workbench/overtimechart.cpp workbench/versionsmodel.h
    workbench/versionsmodel.cpp workbench/evaluationview.h workbench/evaluationview.cpp
    workbench/versiondiffdialog.h workbench/versiondiffdialog.cpp)
