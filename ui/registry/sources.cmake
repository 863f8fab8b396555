target_sources(nbaops_ui PRIVATE registry/registrymodel.h registry/registrymodel.cpp
    registry/registrypage.h registry/registrypage.cpp)
