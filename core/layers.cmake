# The engine's floors, bottom up: each subsystem and the subsystems it uses directly. A
# subsystem may use only those named here, all of them on lower floors (the build links
# nothing else, so an include from above does not compile; tests/layers checks the sources).
# Read by core/CMakeLists.txt and by tests/layers/check_layers.cmake.
set(NBAOPS_LAYERS
  "util:"
  "store:util"
  "registry:util"
  "sources:util"
  "secrets:util"
  "net:util store"
  "cloud:util store secrets net"
  "sim:util sources"
  "dr:util store registry"
  "features:util store"
  "model:util store sources features"
  "pipeline:util store registry sources secrets net sim features model"
  "health:util store registry"
  "alerts:util store registry secrets net health"
  "readiness:util store registry secrets health alerts dr"
  "jobs:util store registry sources secrets cloud sim features model pipeline health alerts dr"
)
# Read once for the build and the check: NBAOPS_SUBSYSTEMS, bottom up, and NBAOPS_USES_<name>.
set(NBAOPS_SUBSYSTEMS "")
foreach(_entry IN LISTS NBAOPS_LAYERS)
  string(REGEX MATCH "^[a-z]+" _name "${_entry}")
  string(REGEX REPLACE "^[a-z]+:" "" _uses "${_entry}")
  string(REPLACE " " ";" _uses "${_uses}")
  list(APPEND NBAOPS_SUBSYSTEMS ${_name})
  set(NBAOPS_USES_${_name} ${_uses})
endforeach()

# The front ends above the engine, and what they may use besides it.
set(NBAOPS_FRONT_ENDS
  "cli:"
  "ui:"
  "app:cli ui"
)
