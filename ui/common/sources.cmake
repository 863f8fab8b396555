target_sources(nbaops_ui PRIVATE common/backend.h common/page.h common/jobtracker.h common/jobfacade.h common/statestyle.h
    common/statestyle.cpp common/logging.h common/logging.cpp common/qtconv.h common/rowsmodel.h
    common/widgets.h common/widgets.cpp common/csv.h common/csv.cpp common/poster.h
    common/texttable.h common/texttable.cpp common/chartutil.h common/chartutil.cpp
    common/theme.h common/theme.cpp)
