#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace nbaops::cli {

// nbaops.1 and nbaops-COMMAND.1 for each listed command, in roff, from the commands' own
// descriptions and options; returns the file names written.
std::vector<std::string> writeManPages(const CLI::App& app, const std::filesystem::path& dir);

// `nbaops man --out DIR` (not listed in --help: the package's build runs it).
void addManCommand(CLI::App& app, std::function<int()>& action);

} // namespace nbaops::cli
