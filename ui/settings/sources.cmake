target_sources(nbaops_ui PRIVATE settings/settingspage.h settings/settingspage.cpp)
