#include "cli/cli.h"

int main(int argc, char** argv)
{
    return nbaops::cli::main(argc, argv);
}
