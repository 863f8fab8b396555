#pragma once

#include <string_view>

namespace nbaops::resources {

// The processor registry shipped with this build (resources/registry.json).
std::string_view registryJson();

} // namespace nbaops::resources
