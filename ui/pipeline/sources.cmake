target_sources(nbaops_ui PRIVATE pipeline/pipelinemodel.h pipeline/pipelinemodel.cpp
    pipeline/phasegraph.h pipeline/phasegraph.cpp pipeline/pipelinerunner.h pipeline/pipelinerunner.cpp
    pipeline/pipelinepage.h pipeline/pipelinepage.cpp)
