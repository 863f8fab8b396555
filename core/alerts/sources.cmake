target_sources(nbaops_core PRIVATE alerts/rules.cpp alerts/signals.cpp alerts/engine.cpp alerts/operations.cpp alerts/notify.cpp alerts/cycle.cpp)
