target_sources(nbaops_core PRIVATE model/xgb.cpp model/dataset.cpp model/evaluate.cpp model/train.cpp
    model/registry.cpp
    model/workbench.cpp model/serving.cpp)
target_link_libraries(nbaops_core PRIVATE nbaops_xgboost)
