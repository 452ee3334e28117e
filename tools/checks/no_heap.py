#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Build check: the kernel and L0 never allocate from a heap.

Vectra refuses implicit allocators: memory comes from a Reticle the caller holds. This check
reads the relocations of every object file it is given (`readelf -rW`, any architecture) and
fails when code references the global operator new or operator delete (every form: array,
sized, aligned, nothrow) or malloc and friends. Objects are built with -ffunction-sections, so
each relocation section names the function it belongs to.

Only the functions named in EXEMPT may reference allocation, each for the reason given there:
all are {fmt}'s, instantiated by its header-only build and never reached by the integer and
string formatting Vectra does (core/rt makes operator new panic if one ever were). Anything
else — a std::vector, a std::string, a `new` in our own code — fails the build.

Usage: no_heap.py OBJECT... (or @FILE with one path per line)
"""

import re
import subprocess
import sys

ALLOCATORS = {"malloc", "calloc", "realloc", "free", "aligned_alloc", "posix_memalign", "memalign", "valloc"}
# The Itanium manglings of the global operator new (_Znw, _Zna) and operator delete (_Zdl, _Zda).
OPERATOR_PREFIXES = ("_Znw", "_Zna", "_Zdl", "_Zda")

# Demangled function names (without their parameter lists) allowed to reference allocation.
EXEMPT = (
    (re.compile(r"^fmt::v\d+::basic_memory_buffer<.*>::(grow|basic_memory_buffer)$"),
     "{fmt}'s memory buffer moves to the heap only when its inline storage (500 characters) "
     "overflows; Vectra formats into fixed caller buffers and console lines far below that"),
    (re.compile(r"^fmt::v\d+::detail::(format_dragon|bigint::square)$"),
     "Dragon4 for floating-point numbers (its bigint grows a memory buffer): Vectra formats no floats"),
    (re.compile(r"^fmt::v\d+::detail::(do_write_float|write|write_significand)<.*(float|double|_fp|"
                r"digit_grouping).*>$"),
     "floating-point output and its digit grouping (a std::string of locale separators)"),
    (re.compile(r"^fmt::v\d+::detail::(write_int_localized|thousands_sep|digit_grouping<char>::apply)(<.*>)?$"),
     "the locale-aware 'L' format specifier, which Vectra never uses (there is no locale)"),
)


def forbidden(symbol):
    return symbol in ALLOCATORS or symbol.startswith(OPERATOR_PREFIXES)


def demangle_all(names):
    """Mangled name -> demangled name, one c++filt process for all of them."""
    names = sorted(set(names))
    if not names:
        return {}
    try:
        output = subprocess.run(["c++filt"], input="\n".join(names) + "\n", capture_output=True, text=True,
                                check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        output = names
    return dict(zip(names, output)) if len(output) == len(names) else {name: name for name in names}


def function_name(demangled):
    """The qualified name of a demangled function, without return type and parameter list."""
    depth, end = 0, len(demangled)
    for index, character in enumerate(demangled):
        if character in "<(":
            if character == "(" and depth == 0:
                end = index
                break
            depth += 1
        elif character in ">)":
            depth -= 1
    name, depth, start = demangled[:end], 0, 0
    for index, character in enumerate(name):
        if character == "<":
            depth += 1
        elif character == ">":
            depth -= 1
        elif character == " " and depth == 0:
            start = index + 1  # after a return type such as "fmt::v9::appender "
    return name[start:]


# A class with a virtual destructor gets a "deleting destructor" (mangled D0) from the compiler,
# which calls operator delete after destroying the object. It runs only for `delete pointer`, and
# such an object would have come from operator new, which this check refuses; deleting anything
# else panics in core/rt's operator delete. The constructor and destructor proper (D1, D2) stay checked.
DELETING_DESTRUCTOR = re.compile(r"D0Ev$")
DELETING_DESTRUCTOR_REASON = "the compiler's deleting destructor of a class with a virtual destructor"


def exemption(demangled, mangled=""):
    """Why this function may reference allocation, or None."""
    if DELETING_DESTRUCTOR.search(mangled):
        return DELETING_DESTRUCTOR_REASON
    name = function_name(demangled)
    for pattern, reason in EXEMPT:
        if pattern.match(name):
            return reason
    return None


def offences(path):
    """(owner, symbol) for every forbidden reference outside the exempt functions; demangled."""
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
        if not forbidden(symbol):
            continue
        owner = section.removeprefix(".rela").removeprefix(".rel").removeprefix(".text.").removeprefix(".text")
        found.append((owner or section, symbol))
    names = demangle_all([owner for owner, _ in found] + [symbol for _, symbol in found])
    return sorted({(names[owner], names[symbol]) for owner, symbol in found
                   if exemption(names[owner], owner) is None})


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
            print(f"no-heap check: {path}: {owner or '?'} references {symbol}", file=sys.stderr)
    if failed:
        print("no-heap check: the kernel and L0 must not allocate implicitly; take memory from a Reticle",
              file=sys.stderr)
        return 1
    print(f"no-heap check: {len(paths)} object files of core/ and primitives/ reference no heap allocation "
          f"(operator new/delete, malloc family)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
