#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// The fuzz targets: every parser of outside input, each fed arbitrary bytes. A parser may
// refuse its input with one of the product's errors (a std::runtime_error: PayloadError,
// UsageError, OpsError, BigQueryError); anything else escaping it (a JSON library error, an
// out_of_range from a conversion) is a finding, as are crashes, leaks and undefined behaviour.
namespace nbaops::fuzz {

struct Target
{
    const char* name;
    const char* what;                     // the parser, for the listing
    void (*run)(const uint8_t* data, size_t size);
    std::vector<const char*> sharedSeeds; // folders of ../shared/data/fixtures that seed it
};

const std::vector<Target>& targets();
const Target* find(const std::string& name);

// One input through a target; returns 0 (libFuzzer's convention). A finding aborts.
int runOne(const Target& target, const uint8_t* data, size_t size);

// The seed corpus of every target in dir/<target>/: payloads of the simulated league in the
// real formats, the built-in resources, hand-made edge cases, and, when `shared` is given,
// the recorded real payloads of its fixtures/ folder. Returns the number of files written.
int writeSeeds(const std::filesystem::path& dir, const std::optional<std::filesystem::path>& shared);

} // namespace nbaops::fuzz
