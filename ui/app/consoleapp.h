#pragma once

namespace nbaops::ui {

// nbaops-console [--db PATH] [--backend local|cloud] [--page NAME] [--screenshot FILE.png]; --help and
// --version answer without a display.
int runConsole(int argc, char** argv);

} // namespace nbaops::ui
