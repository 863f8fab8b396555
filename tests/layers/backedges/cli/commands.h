// Planted for tst_layers: the CLI reaching the console.
#include "common/upward.h"
