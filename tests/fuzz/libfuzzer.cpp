// One libFuzzer binary per target: nbaops-fuzz-<target>, built with -DNBAOPS_FUZZ_TARGET="<target>"
// (clang, -fsanitize=fuzzer,address,undefined; ./packaging/dev.sh fuzz).
#include "targets.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const nbaops::fuzz::Target* target = [] {
        const auto* t = nbaops::fuzz::find(NBAOPS_FUZZ_TARGET);
        if (!t) {
            std::fprintf(stderr, "nbaops-fuzz: no target %s\n", NBAOPS_FUZZ_TARGET);
            std::abort();
        }
        return t;
    }();
    return nbaops::fuzz::runOne(*target, data, size);
}
