// nbaops-fuzz-replay: the fuzz targets without libFuzzer, for CI and for replaying a finding.
//   nbaops-fuzz-replay list
//   nbaops-fuzz-replay seeds DIR [SHARED_DATA]      the seed corpora in DIR/<target>/
//   nbaops-fuzz-replay run TARGET PATH...           files, or every file of folders
//   nbaops-fuzz-replay check REGRESSIONS [SHARED_DATA]
// `check` runs every target over its seeds and its regression inputs (REGRESSIONS/<target>/),
// each whole, cut short at eight points and with eight bytes changed: a finding aborts.
#include "targets.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace nbaops::fuzz;

namespace {

std::string readAll(const fs::path& p)
{
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::vector<fs::path> filesOf(const fs::path& p)
{
    std::vector<fs::path> out;
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
        for (const auto& e : fs::directory_iterator(p, ec))
            if (e.is_regular_file())
                out.push_back(e.path());
    } else if (fs::exists(p, ec)) {
        out.push_back(p);
    }
    return out;
}

void feed(const Target& t, const std::string& s)
{
    runOne(t, reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// The input, its prefixes at eight cuts, and eight copies with one byte changed (fixed, so a
// failure reproduces).
int64_t feedVariants(const Target& t, const std::string& input)
{
    int64_t runs = 1;
    feed(t, input);
    for (int cut = 1; cut < 8 && input.size() > 8; ++cut, ++runs)
        feed(t, input.substr(0, input.size() * cut / 8));
    uint32_t x = 2463534242u ^ static_cast<uint32_t>(input.size());
    for (int i = 0; i < 8 && !input.empty(); ++i, ++runs) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        std::string m = input;
        m[x % m.size()] = static_cast<char>("\0\xff\"{}[],:\\\n0-9"[(x >> 8) % 15]);
        feed(t, m);
    }
    return runs;
}

int usage()
{
    std::fprintf(stderr, "usage: nbaops-fuzz-replay list | seeds DIR [SHARED] | run TARGET PATH... | "
                         "check REGRESSIONS [SHARED]\n");
    return 64;
}

std::optional<fs::path> sharedData(int argc, char** argv, int at)
{
    if (argc <= at)
        return std::nullopt;
    std::error_code ec;
    if (fs::is_directory(fs::path(argv[at]) / "fixtures", ec))
        return fs::path(argv[at]);
    std::printf("(the shared real payloads are not at %s: seeded from the simulated league only)\n", argv[at]);
    return std::nullopt;
}

} // namespace

int main(int argc, char** argv)
{
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "list") {
        for (const auto& t : targets())
            std::printf("%-16s %s\n", t.name, t.what);
        return 0;
    }
    if (cmd == "seeds" && argc >= 3) {
        const int n = writeSeeds(argv[2], sharedData(argc, argv, 3));
        std::printf("wrote %d seed files in %s\n", n, argv[2]);
        return 0;
    }
    if (cmd == "run" && argc >= 4) {
        const Target* t = find(argv[2]);
        if (!t) {
            std::fprintf(stderr, "nbaops-fuzz-replay: no target '%s' (see 'list')\n", argv[2]);
            return 64;
        }
        int n = 0;
        for (int i = 3; i < argc; ++i)
            for (const auto& f : filesOf(argv[i])) {
                feed(*t, readAll(f));
                ++n;
            }
        std::printf("%s: %d inputs, no finding\n", t->name, n);
        return 0;
    }
    if (cmd == "check" && argc >= 3) {
        char tmpl[] = "/tmp/nbaops-fuzz-XXXXXX";
        if (!::mkdtemp(tmpl))
            return 3;
        const fs::path seeds(tmpl);
        writeSeeds(seeds, sharedData(argc, argv, 3));
        int64_t total = 0;
        for (const auto& t : targets()) {
            const auto start = std::chrono::steady_clock::now();
            int files = 0;
            int64_t runs = 0;
            for (const fs::path& dir : {seeds / t.name, fs::path(argv[2]) / t.name})
                for (const auto& f : filesOf(dir)) {
                    runs += feedVariants(t, readAll(f));
                    ++files;
                }
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::printf("%-16s %3d files, %5lld inputs, %.2f s\n", t.name, files, static_cast<long long>(runs), s);
            if (files == 0) {
                std::fprintf(stderr, "nbaops-fuzz-replay: %s has no corpus\n", t.name);
                return 1;
            }
            total += runs;
        }
        fs::remove_all(seeds);
        std::printf("%lld inputs through %zu targets, no finding\n", static_cast<long long>(total), targets().size());
        return 0;
    }
    return usage();
}
