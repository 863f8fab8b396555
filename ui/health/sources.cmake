target_sources(nbaops_ui PRIVATE health/healthmodels.h health/healthmodels.cpp
    health/phasetile.h health/phasetile.cpp health/healthpage.h health/healthpage.cpp health/healthtabs.cpp)
