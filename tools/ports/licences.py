#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""An image's licence report: every origin of the code linked into its vectra.elf, with its
licence and how many bytes of the image it is, read from the link map after --gc-sections.

Written after each link as build/<image>-<platform>/licences.txt (cmake/vectra.cmake). A port
(components/ports/<name>/port.json) is listed with its Debian package, version and licence even
when the link kept none of its code (then "0 bytes: nothing linked"); the project's own code is
Apache-2.0; what the toolchain adds (libgcc, compiler-rt) and header-only libraries compiled into
the project's objects ({fmt}) are listed too. Loaded bytes only: debug sections are not counted.

Usage: licences.py --map vectra.map --image NAME --platform NAME --srctree DIR --output FILE
       [--elf vectra.elf] [--port-folder components/ports/X]...
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

# An input section line of ld.lld's map: VMA LMA size alignment, then file:(section).
LLD_INPUT = re.compile(r"^\s*[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+\s+(\S.*?):\((\S+)\)\s*$")
# GNU ld's: [section] 0xaddress 0xsize file (the section name may be alone on the line before).
GNU_INPUT = re.compile(r"^\s*(\S+)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)\s*$")
GNU_SECTION_ALONE = re.compile(r"^\s(\.\S+)\s*$")
NOT_LOADED = (".debug", ".comment", ".note", ".stab", ".gnu_debug", ".symtab", ".strtab", ".shstrtab")
PORT_PATH = re.compile(r"(?:^|/)components/ports/([A-Za-z0-9_.-]+)/")
PROJECT = "Vectra (this project)"
TOOLCHAIN = "GCC's runtime (libgcc, crtbegin/crtend)"
COMPILER_RT = "LLVM's runtime (compiler-rt)"
MERGED = "merged constants"


class ReportError(Exception):
    pass


# Sections the linker makes for dynamic linking (GNU ld names them after the first input file).
LINKER_MADE = (".interp", ".hash", ".gnu.hash", ".dynsym", ".dynstr", ".gnu.version", ".rela", ".rel.",
               ".dynamic", ".got", ".plt", ".eh_frame_hdr")
LINKER_TABLES = "linker-made tables"
START_FILES = "the C library's start-up files"


def loaded(section: str) -> bool:
    return not section.startswith(NOT_LOADED)


def origin_of(path: str) -> str:
    """PROJECT, TOOLCHAIN, 'port:<folder>' or 'system:<archive>' for an input file of the map."""
    port = PORT_PATH.search(path)
    if port:
        return f"port:{port.group(1)}"
    name = Path(path.split("(")[0]).name
    if "clang_rt" in path or "compiler-rt" in path:
        return COMPILER_RT
    if "libgcc" in path or name.startswith(("crtbegin", "crtend")):
        return TOOLCHAIN
    if name in ("Scrt1.o", "crt1.o", "crti.o", "crtn.o"):
        return START_FILES
    if path.startswith("/") or path.startswith("<"):
        archive = path.split("(")[0]
        return f"system:{Path(archive).name}" if not path.startswith("<") else MERGED
    return PROJECT


def bytes_by_origin(map_text: str) -> dict:
    """Sums the sizes of loaded input sections by origin; both ld.lld's and GNU ld's map forms."""
    totals = {}
    lines = map_text.splitlines()
    gnu = not any(line.startswith("             VMA") or line.lstrip().startswith("VMA ") for line in lines[:3])
    pending_section = None
    in_discarded = False
    for line in lines:
        if gnu:
            if line.startswith("Discarded input sections"):
                in_discarded = True
                continue
            if line.startswith("Memory Configuration") or line.startswith("Linker script and memory map"):
                in_discarded = False
                continue
            if in_discarded:
                continue
            alone = GNU_SECTION_ALONE.match(line)
            if alone:
                pending_section = alone.group(1)
                continue
            match = GNU_INPUT.match(line)
            if match is None:
                pending_section = None
                continue
            section = match.group(1) or pending_section or ""
            pending_section = None
            size, path = int(match.group(2), 16), match.group(3)
            if not section.startswith(".") or not loaded(section) or size == 0:
                continue
        else:
            match = LLD_INPUT.match(line)
            if match is None:
                continue
            size, path, section = int(match.group(1), 16), match.group(2), match.group(3)
            if not loaded(section) or size == 0:
                continue
        origin = LINKER_TABLES if section.startswith(LINKER_MADE) else origin_of(path)
        totals[origin] = totals.get(origin, 0) + size
    return totals


def port_description(srctree: Path, folder: str) -> dict:
    path = srctree / folder / "port.json"
    try:
        port = json.loads(path.read_text())
    except (OSError, ValueError) as problem:
        raise ReportError(f"{folder}: no readable port.json ({problem})")
    debian = port.get("debian", {})
    package = debian.get("source") or debian.get("binary")
    for field, value in (("name", port.get("name")), ("licence", port.get("licence")), ("debian package", package),
                         ("debian version", debian.get("version"))):
        if not isinstance(value, str) or not value:
            raise ReportError(f"{path}: {field} missing")
    return {"name": port["name"], "licence": port["licence"], "package": package, "version": debian["version"],
            "licence_file": port.get("licence_file", "")}


def installed_version(package: str) -> str:
    try:
        result = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True,
                                timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "version unknown"
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "not installed"


def report(map_text: str, image: str, platform: str, srctree: Path, port_folders: list,
           fmt_version: str = None, needed: tuple = ()) -> str:
    totals = bytes_by_origin(map_text)
    ports = {Path(folder).name: port_description(srctree, folder) for folder in sorted(set(port_folders))}
    unknown = sorted(origin[len("port:"):] for origin in totals if origin.startswith("port:")
                     and origin[len("port:"):] not in ports)
    if unknown:
        raise ReportError(f"the link map holds code of port folder(s) {', '.join(unknown)}, "
                          f"which the image does not list as enabled")
    total = sum(totals.values())
    rows = [(PROJECT, "Apache-2.0", totals.get(PROJECT, 0), "the repository's own code (LICENSE)")]
    for folder, port in ports.items():
        linked = totals.get(f"port:{folder}", 0)
        rows.append((f"{port['name']} (port)", port["licence"], linked,
                     f"Debian {port['package']} {port['version']}; licence text: {port['licence_file']} in the "
                     f"package" + ("" if linked else "; nothing linked")))
    if TOOLCHAIN in totals:
        rows.append((TOOLCHAIN, "GPL-3.0-or-later WITH GCC-exception-3.1", totals[TOOLCHAIN],
                     "the runtime library exception: no obligation on the image"))
    if COMPILER_RT in totals:
        rows.append((COMPILER_RT, "Apache-2.0 WITH LLVM-exception", totals[COMPILER_RT],
                     "the LLVM exception: no obligation on the image"))
    for origin in sorted(each for each in totals if each.startswith("system:")):
        rows.append((origin.split(":", 1)[1], "see the archive's package", totals[origin],
                     "from the toolchain's or host's libraries"))
    if MERGED in totals:
        rows.append((MERGED, "each origin's own", totals[MERGED], "strings the linker merged from every origin above"))
    if LINKER_TABLES in totals:
        rows.append((LINKER_TABLES, "-", totals[LINKER_TABLES], "dynamic symbols, relocations, GOT, PLT: made by "
                     "the linker, not copied from any origin"))
    if START_FILES in totals:
        rows.append((START_FILES, "LGPL-2.1-or-later, an exception for start files", totals[START_FILES],
                     "glibc's Scrt1.o, crti.o, crtn.o (hosted)"))
    version = fmt_version if fmt_version is not None else installed_version("libfmt-dev")
    lines = [f"Licences of image {image} ({platform}): the code linked into vectra.elf by origin, "
             f"bytes of allocated sections (code, data, zeroed data) from the link map ({total} in all)", ""]
    width = max(len(row[0]) for row in rows)
    licence_width = max(len(row[1]) for row in rows)
    for name, licence, size, note in rows:
        lines.append(f"{name:<{width}}  {licence:<{licence_width}}  {size:>9} bytes  {note}")
    lines += ["", f"Compiled into the project's objects (header-only, counted above as the project's): "
                  f"{{fmt}} from Debian libfmt-dev {version}, MIT."]
    if needed:
        lines.append("Loaded at run time from the host (hosted: not part of the image file; each is its Debian "
                     "package's licence): " + ", ".join(needed) + ".")
    return "\n".join(lines) + "\n"


def needed_libraries(elf: Path) -> list:
    """The shared libraries a hosted image names (DT_NEEDED), from readelf."""
    try:
        result = subprocess.run(["readelf", "-dW", str(elf)], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as problem:
        raise ReportError(f"readelf: {problem}")
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", result.stdout)


def main(arguments) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--map", required=True)
    parser.add_argument("--image", required=True)
    parser.add_argument("--platform", required=True)
    parser.add_argument("--srctree", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--port-folder", action="append", default=[])
    parser.add_argument("--elf", help="the image (hosted: its shared libraries are listed)")
    options = parser.parse_args(arguments)
    try:
        map_text = Path(options.map).read_text(errors="replace")
        needed = needed_libraries(Path(options.elf)) if options.elf and options.platform == "hosted" else ()
        text = report(map_text, options.image, options.platform, Path(options.srctree), options.port_folder,
                      needed=needed)
    except (OSError, ReportError) as problem:
        print(f"licences.py: {problem}", file=sys.stderr)
        return 1
    Path(options.output).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
