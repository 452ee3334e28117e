# SPDX-License-Identifier: Apache-2.0
"""What an image costs in memory: the sizes of its loadable ELF segments.

The file size of vectra.elf includes symbols and debug information; what a machine loads is
the sum of the PT_LOAD segments (file bytes), and what it occupies once running adds .bss
(memory bytes). Reads ELF64 little-endian headers with the standard library only.
"""

import os
import struct
from dataclasses import dataclass

PT_LOAD = 1


@dataclass(frozen=True)
class LoadSizes:
    file_bytes: int    # bytes copied from the ELF file into memory
    memory_bytes: int  # bytes occupied in memory, .bss included


def load_sizes(path) -> LoadSizes:
    """Sums the PT_LOAD segments of an ELF64 little-endian file; ValueError if it is not one."""
    with open(path, "rb") as handle:
        header = handle.read(64)
        if len(header) < 64 or header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1:
            raise ValueError(f"{path}: not an ELF64 little-endian file")
        program_offset, = struct.unpack_from("<Q", header, 32)
        entry_size, entry_count = struct.unpack_from("<HH", header, 54)
        if entry_size < 56:
            raise ValueError(f"{path}: program header entries are too small")
        handle.seek(program_offset)
        table = handle.read(entry_size * entry_count)
    if len(table) < entry_size * entry_count:
        raise ValueError(f"{path}: program header table is truncated")
    file_bytes = memory_bytes = 0
    for index in range(entry_count):
        kind, = struct.unpack_from("<I", table, index * entry_size)
        if kind != PT_LOAD:
            continue
        file_size, memory_size = struct.unpack_from("<QQ", table, index * entry_size + 32)
        file_bytes += file_size
        memory_bytes += memory_size
    return LoadSizes(file_bytes, memory_bytes)


def describe(path, size_text) -> str:
    """'412 KiB loaded, 480 KiB in memory' — or the file size when the headers are unreadable."""
    try:
        sizes = load_sizes(path)
    except (OSError, ValueError):
        return f"{size_text(os.path.getsize(path))} file"
    return f"{size_text(sizes.file_bytes)} loaded, {size_text(sizes.memory_bytes)} in memory"
