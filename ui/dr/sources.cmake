target_sources(nbaops_ui PRIVATE dr/drmodels.h dr/drmodels.cpp dr/drrunner.h dr/drrunner.cpp
    dr/drpage.h dr/drpage.cpp dr/drview.cpp dr/drwizard.cpp)
