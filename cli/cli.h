#pragma once

namespace nbaops::cli {

// The `nbaops` command line. Exit codes: 0 ok/healthy, 1 degraded or real failures in a run,
// 2 failed, 3 an operational error (database, network, registry), 64 a usage error.
int main(int argc, char** argv);

} // namespace nbaops::cli
