target_sources(nbaops_ui PRIVATE trends/trendspage.h trends/trendspage.cpp trends/trendsview.cpp trends/trendcharts.h trends/trendcharts.cpp)
