#include "app/consoleapp.h"

int main(int argc, char** argv)
{
    return nbaops::ui::runConsole(argc, argv);
}
