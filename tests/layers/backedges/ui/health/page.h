// Planted for tst_layers: a page reaching the CLI.
#include "cli/commands.h"
