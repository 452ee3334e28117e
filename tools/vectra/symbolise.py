# SPDX-License-Identifier: Apache-2.0
"""Names the source line of a crash: the kernel's FAULT report carries the program counter
(`pc=0x…`, and on hosted `image_base=0x…`, where Linux loaded the executable); this turns it into
`  at path/File.cpp:LINE (function)` through llvm-symbolizer and the image's ELF, with the path
relative to the repository. The image harness (boot.py) and `./vectra run` print that line right
after the report.

Every step refuses quietly: a line that is not a FAULT report, a malformed address, an address
below the load base, an ELF that is missing, a symbolizer that is missing, fails or answers
something unexpected — each gives None (or, for a missing tool, a line saying so), never an
exception.
"""

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

import paths

FAULT = re.compile(r"^FAULT: task .* at pc=(0x[0-9a-fA-F]{1,16})(?=\s|$)")
IMAGE_BASE = re.compile(r"\simage_base=(0x[0-9a-fA-F]{1,16})(?=\s|$)")
SYMBOLIZER_TIMEOUT_SECONDS = 30
PROGRAMS = ("llvm-symbolizer", "llvm-symbolizer-14")


@dataclass(frozen=True)
class Location:
    file: str
    line: int
    function: str


def linked_address(line: str):
    """The faulting instruction's address as the ELF names it, or None for any other line."""
    match = FAULT.search(line)
    if not match:
        return None
    address = int(match.group(1), 16)
    base = IMAGE_BASE.search(line[match.end():])
    if base:
        offset = int(base.group(1), 16)
        if offset > address:
            return None
        address -= offset
    return address


def source_path(name: str) -> str:
    """A file name from the debug information as the repository names it: `./`, `../` steps dropped
    (ccache builds in other folders add some), an absolute path inside the repository made relative."""
    if os.path.isabs(name):
        try:
            return str(os.path.relpath(name, paths.REPOSITORY)) if os.path.commonpath(
                [name, str(paths.REPOSITORY)]) == str(paths.REPOSITORY) else name
        except ValueError:
            return name
    while name.startswith("./") or name.startswith("../"):
        name = name[2:] if name.startswith("./") else name[3:]
    return name


def parse_symbolizer_output(text: str):
    """The innermost frame of llvm-symbolizer's --output-style=JSON answer for one address, or None."""
    try:
        answer = json.loads(text)
    except ValueError:
        return None
    if isinstance(answer, list):
        answer = answer[0] if len(answer) == 1 else None
    if not isinstance(answer, dict):
        return None
    frames = answer.get("Symbol")
    if not isinstance(frames, list) or not frames or not isinstance(frames[0], dict):
        return None
    frame = frames[0]
    name, line, function = frame.get("FileName"), frame.get("Line"), frame.get("FunctionName")
    if not isinstance(name, str) or not name or isinstance(line, bool) or not isinstance(line, int) or line <= 0:
        return None
    if not isinstance(function, str) or not function:
        function = "??"
    return Location(source_path(name), line, function)


def symbolizer():
    for name in PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    return None


def locate(elf, address: int):
    """The source line of `address` in `elf`; None when unknown. FileNotFoundError when no symbolizer."""
    program = symbolizer()
    if program is None:
        raise FileNotFoundError("llvm-symbolizer is not installed: run ./vectra setup (Debian package llvm)")
    if not os.path.isfile(elf):
        return None
    try:
        result = subprocess.run([program, "--output-style=JSON", "--demangle", f"--obj={elf}", f"{address:#x}"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                text=True, errors="replace", timeout=SYMBOLIZER_TIMEOUT_SECONDS)
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return parse_symbolizer_output(result.stdout)


def annotation(line: str, elf):
    """`  at path/File.cpp:LINE (function)` for a FAULT report line, or None for any other line
    or a pc the ELF cannot place."""
    address = linked_address(line)
    if address is None or elf is None:
        return None
    try:
        location = locate(elf, address)
    except FileNotFoundError as missing:
        return f"  at {address:#x} (not symbolised: {missing})"
    if location is None:
        return None
    return f"  at {location.file}:{location.line} ({location.function})"
