// Planted for tst_layers: the engine reaching a front end.
#include "cli/commands.h"
