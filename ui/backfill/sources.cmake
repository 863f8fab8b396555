target_sources(nbaops_ui PRIVATE backfill/backfillrunner.h backfill/backfillrunner.cpp
    backfill/backfillmodels.h backfill/backfillmodels.cpp backfill/backfillpage.h backfill/backfillpage.cpp
    backfill/backfillview.cpp)
