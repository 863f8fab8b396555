// Planted for tst_layers: the store (a low floor) reaching up into the pipeline.
#include "pipeline/runner.h"
#include "util/date.h"
