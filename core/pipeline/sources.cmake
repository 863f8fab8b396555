target_sources(nbaops_core PRIVATE pipeline/outcome.cpp pipeline/helpers.cpp pipeline/scrapers.cpp
    pipeline/loaders.cpp pipeline/analytics.cpp pipeline/teams.cpp pipeline/featurebuild.cpp
    pipeline/precompute.cpp pipeline/predictions.cpp pipeline/publishing.cpp pipeline/runner.cpp
    pipeline/rundate.cpp pipeline/history.cpp pipeline/odds.cpp pipeline/feeds.cpp pipeline/crosssource.cpp
    pipeline/session.cpp pipeline/demo.cpp)
