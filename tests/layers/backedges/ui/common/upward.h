// Planted for tst_layers: ui/common reaching a page.
#include "health/page.h"
