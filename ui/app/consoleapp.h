#pragma once

namespace nbaops::ui {

// nbaops-console [--db PATH] [--page NAME] [--screenshot FILE.png]
int runConsole(int argc, char** argv);

} // namespace nbaops::ui
