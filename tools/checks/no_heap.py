#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Build check: the kernel and L0 never allocate from a heap.

Vectra refuses implicit allocators: memory comes from a Reticle the caller holds. This check
reads the relocations of every object file it is given (`readelf -rW`, any architecture) and
fails when code references operator new/delete or malloc and friends. Objects are built with
-ffunction-sections, so each relocation section names the function it belongs to; the only
functions allowed to reference allocation are {fmt}'s own (its floating-point and locale
buffer-growth paths, instantiated by the header-only build and never reached by integer and
string formatting; core/rt makes them panic if they ever were).

Usage: no_heap.py OBJECT... (or @FILE with one path per line)
"""

import subprocess
import sys

FORBIDDEN = {"_Znwm", "_Znam", "_ZnwmRKSt9nothrow_t", "_ZnamRKSt9nothrow_t", "_ZnwmSt11align_val_t",
             "_ZnamSt11align_val_t", "malloc", "calloc", "realloc", "free", "aligned_alloc", "posix_memalign"}
ALLOWED_OWNERS = ("_ZN3fmt", "_ZNK3fmt", "_ZNSt")  # {fmt}'s code and std::allocator instantiations it uses


def demangle(name):
    try:
        return subprocess.run(["c++filt", name], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return name


def offences(path):
    output = subprocess.run(["readelf", "-rW", path], capture_output=True, text=True, check=True).stdout
    section = ""
    found = []
    for line in output.splitlines():
        if line.startswith("Relocation section '"):
            section = line.split("'")[1]
            continue
        fields = line.split()
        if len(fields) < 5:
            continue
        symbol = fields[4].split("+")[0]
        if symbol not in FORBIDDEN:
            continue
        owner = section.removeprefix(".rela").removeprefix(".rel").removeprefix(".text.").removeprefix(".text")
        if owner.startswith(ALLOWED_OWNERS):
            continue
        found.append((owner or section, symbol))
    return found


def main(arguments):
    paths = []
    for argument in arguments:
        if argument.startswith("@"):
            with open(argument[1:], encoding="utf-8") as handle:
                paths += [line.strip() for line in handle.read().replace(";", "\n").splitlines() if line.strip()]
        else:
            paths.append(argument)
    failed = False
    for path in paths:
        for owner, symbol in offences(path):
            failed = True
            print(f"no-heap check: {path}: {demangle(owner) if owner else '?'} references {demangle(symbol)}",
                  file=sys.stderr)
    if failed:
        print("no-heap check: the kernel and L0 must not allocate implicitly; take memory from a Reticle",
              file=sys.stderr)
        return 1
    print(f"no-heap check: {len(paths)} object files of core/ and primitives/ reference no heap allocation")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
