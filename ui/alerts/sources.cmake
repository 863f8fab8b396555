target_sources(nbaops_ui PRIVATE alerts/alertspage.h alerts/alertspage.cpp)
