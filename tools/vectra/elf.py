# SPDX-License-Identifier: Apache-2.0
"""What an image costs in memory, and where its symbols are: its loadable ELF segments and its
symbol table.

The file size of vectra.elf includes symbols and debug information; what a machine loads is
the sum of the PT_LOAD segments (file bytes), and what it occupies once running adds .bss
(memory bytes). `./vectra top` finds the kernel's snapshot table by its symbol and translates
its linked address to a guest-physical one through the same segments. Reads ELF64
little-endian headers with the standard library only; a malformed file is a ValueError.
"""

import os
import struct
from dataclasses import dataclass

PT_LOAD = 1


@dataclass(frozen=True)
class LoadSizes:
    file_bytes: int    # bytes copied from the ELF file into memory
    memory_bytes: int  # bytes occupied in memory, .bss included


SHT_SYMTAB = 2


@dataclass(frozen=True)
class LoadSegment:
    virtual_address: int
    physical_address: int
    file_bytes: int
    memory_bytes: int


def _read_header(handle, path):
    header = handle.read(64)
    if len(header) < 64 or header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1:
        raise ValueError(f"{path}: not an ELF64 little-endian file")
    return header


def _header_table(handle, path, kind: str, offset_at: int, sizes_at: int, minimum_entry: int) -> tuple:
    """(bytes, entry size, entry count) of the program or section header table the ELF header places."""
    header = _read_header(handle, path)
    offset, = struct.unpack_from("<Q", header, offset_at)
    entry_size, entry_count = struct.unpack_from("<HH", header, sizes_at)
    if entry_size < minimum_entry:
        raise ValueError(f"{path}: {kind} header entries are too small")
    handle.seek(offset)
    table = handle.read(entry_size * entry_count)
    if len(table) < entry_size * entry_count:
        raise ValueError(f"{path}: {kind} header table is truncated")
    return table, entry_size, entry_count


def load_segments(path) -> list:
    """The PT_LOAD segments of an ELF64 little-endian file: where each is linked and loaded, and its sizes."""
    with open(path, "rb") as handle:
        table, entry_size, entry_count = _header_table(handle, path, "program", 32, 54, 56)
    segments = []
    for index in range(entry_count):
        kind, = struct.unpack_from("<I", table, index * entry_size)
        if kind == PT_LOAD:
            virtual, physical, file_size, memory_size = struct.unpack_from("<QQQQ", table, index * entry_size + 16)
            segments.append(LoadSegment(virtual, physical, file_size, memory_size))
    return segments


def load_sizes(path) -> LoadSizes:
    """Sums the PT_LOAD segments of an ELF64 little-endian file; ValueError if it is not one."""
    segments = load_segments(path)
    return LoadSizes(sum(segment.file_bytes for segment in segments),
                     sum(segment.memory_bytes for segment in segments))


def describe(path, size_text) -> str:
    """'412 KiB loaded, 480 KiB in memory' — or the file size when the headers are unreadable."""
    try:
        sizes = load_sizes(path)
    except (OSError, ValueError):
        return f"{size_text(os.path.getsize(path))} file"
    return f"{size_text(sizes.file_bytes)} loaded, {size_text(sizes.memory_bytes)} in memory"


def symbol(path, name: str) -> tuple:
    """(address, size) of the symbol `name` in the ELF's .symtab; ValueError when absent or unreadable."""
    wanted = name.encode()
    with open(path, "rb") as handle:
        sections, entry_size, entry_count = _header_table(handle, path, "section", 40, 58, 64)
        for index in range(entry_count):
            base = index * entry_size
            kind, = struct.unpack_from("<I", sections, base + 4)
            if kind != SHT_SYMTAB:
                continue
            offset, size, link = struct.unpack_from("<QQI", sections, base + 24)
            if link >= entry_count:
                raise ValueError(f"{path}: symbol table names a missing string table")
            strings_offset, strings_size = struct.unpack_from("<QQ", sections, link * entry_size + 24)
            handle.seek(strings_offset)
            strings = handle.read(strings_size)
            handle.seek(offset)
            table = handle.read(size)
            for at in range(0, len(table) - 23, 24):
                name_offset, = struct.unpack_from("<I", table, at)
                if strings[name_offset:name_offset + len(wanted) + 1] == wanted + b"\0":
                    value, symbol_size = struct.unpack_from("<QQ", table, at + 8)
                    return value, symbol_size
    raise ValueError(f"{path}: no symbol {name}")


def physical_address(path, virtual_address: int) -> int:
    """Where a linked (virtual) address is loaded in guest-physical memory, through the PT_LOAD segments."""
    for segment in load_segments(path):
        if segment.virtual_address <= virtual_address < segment.virtual_address + segment.memory_bytes:
            return segment.physical_address + (virtual_address - segment.virtual_address)
    raise ValueError(f"{path}: address {virtual_address:#x} is in no loaded segment")
