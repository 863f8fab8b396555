#!/usr/bin/env python3
"""clang-tidy over the product's sources, bundled: the files of one target (the same compile
flags) are checked together as one translation unit, so the Qt, CLI11 and standard headers they
share are parsed and matched once per bundle instead of once per file (about 4x faster here).

Files whose file-local names clash (two `kSource` constants in anonymous namespaces) cannot share
a bundle: a bundle that does not compile (g++ -fsyntax-only) is split in halves until each part
does. A bundle clang-tidy still cannot compile is checked file by file.

Used by `dev.sh lint quick` (and so by `dev.sh test`). The full `dev.sh lint` runs per file: the
clang-analyzer checks look only at the main file of a translation unit.

usage: lint.py BUILD_DIR CLANG_TIDY JOBS [clang-tidy options...]
Findings go to stdout; the exit status is 1 when there is any.
"""
import collections
import concurrent.futures
import json
import os
import shlex
import subprocess
import sys
import time

ROOTS = ("core/", "cli/", "ui/", "app/")
MAX_BUNDLE = 16


def product_files(build_dir, root):
    """(flags, file) of every product source in the compile database, flags without -o/-c."""
    with open(os.path.join(build_dir, "compile_commands.json"), encoding="utf-8") as f:
        db = json.load(f)
    out = []
    for entry in db:
        path = os.path.realpath(entry["file"])
        rel = os.path.relpath(path, root)
        if not rel.startswith(ROOTS) or not rel.endswith(".cpp"):
            continue
        args = shlex.split(entry["command"])
        flags, skip = [], False
        for a in args[1:]:
            if skip:
                skip = False
                continue
            if a in ("-o", "-c"):
                skip = True
                continue
            flags.append(a)
        out.append((args[0], tuple(flags), path))
    return out


def compiles(compiler, flags, files):
    src = "".join('#include "%s"\n' % f for f in files)
    r = subprocess.run([compiler, *flags, "-fsyntax-only", "-x", "c++", "-"], input=src,
                       capture_output=True, text=True, check=False)
    return r.returncode == 0


def chunks_of(files):
    """The files of one target in near-equal chunks of at most MAX_BUNDLE."""
    parts = (len(files) + MAX_BUNDLE - 1) // MAX_BUNDLE
    size = (len(files) + parts - 1) // parts
    return [files[i:i + size] for i in range(0, len(files), size)]


def split_until_compiling(compiler, flags, files):
    """Bundles of one target's files that compile as one unit: halves until each part does."""
    if len(files) == 1 or compiles(compiler, flags, files):
        return [files]
    half = len(files) // 2
    return (split_until_compiling(compiler, flags, files[:half]) +
            split_until_compiling(compiler, flags, files[half:]))


def bundle_options(options):
    """A bundle #includes .cpp files on purpose: bugprone-suspicious-include is off for it."""
    off = "-bugprone-suspicious-include"
    if any(o.startswith("--checks=") for o in options):
        return [o + "," + off if o.startswith("--checks=") else o for o in options]
    return [*options, "--checks=" + off]


def tidy(tidy_bin, build_dir, options, bundle_path, files):
    if len(files) == 1:
        target = files[0]
    else:
        with open(bundle_path, "w", encoding="utf-8") as f:
            f.write("".join('#include "%s"\n' % p for p in files))
        target = bundle_path
        options = bundle_options(options)
    r = subprocess.run([tidy_bin, "-p", build_dir, "--quiet", *options, target],
                       capture_output=True, text=True, check=False)
    text = r.stdout + r.stderr
    if "Compile command not found" in text:
        return "lint: no compile command for %s\n" % target
    if len(files) > 1 and "clang-diagnostic-error" in text:
        # clang and g++ disagree on this bundle: check its files one by one.
        return "".join(tidy(tidy_bin, build_dir, options, bundle_path, [p]) for p in files)
    # WarningsAsErrors is '*' (.clang-tidy): any finding makes the exit status non-zero.
    return text if r.returncode != 0 else ""


def main():
    build_dir, tidy_bin, jobs = os.path.realpath(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    options = sys.argv[4:]
    root = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))
    groups = collections.OrderedDict()
    for compiler, flags, path in sorted(product_files(build_dir, root), key=lambda e: e[2]):
        groups.setdefault((compiler, flags), []).append(path)
    started = time.monotonic()
    bundle_dir = os.path.join(build_dir, "lint-bundles")
    os.makedirs(bundle_dir, exist_ok=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        chunks = [(key, c) for key, files in groups.items() for c in chunks_of(files)]
        split = pool.map(lambda kc: (kc[0], split_until_compiling(kc[0][0], list(kc[0][1]), kc[1])), chunks)
        bundles = [(key, b) for key, parts in split for b in parts]
        # A bundle needs the flags of its target: write it beside a one-entry database.
        work = []
        for n, ((compiler, flags), files) in enumerate(bundles):
            work.append((os.path.join(bundle_dir, "bundle%02d.cpp" % n), compiler, flags, files))
        entries = [{"directory": build_dir, "file": path,
                    "command": shlex.join([compiler, *flags, "-c", path])}
                   for path, compiler, flags, files in work]
        with open(os.path.join(bundle_dir, "compile_commands.json"), "w", encoding="utf-8") as f:
            json.dump(entries, f)
        results = pool.map(
            lambda w: tidy(tidy_bin, bundle_dir if len(w[3]) > 1 else build_dir, options, w[0], w[3]),
            work)
        findings = "".join(results)
    print("lint: %d files in %d bundles, %.0f s" % (sum(len(w[3]) for w in work), len(work),
                                                    time.monotonic() - started), file=sys.stderr)
    sys.stdout.write(findings)
    return 1 if findings.strip() else 0


if __name__ == "__main__":
    sys.exit(main())
