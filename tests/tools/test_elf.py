# SPDX-License-Identifier: Apache-2.0
"""Tests of tools/vectra/elf.py: loadable segment sizes of an image, its symbols, linked to physical addresses."""

import os
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "vectra"))
import elf  # noqa: E402


def make_elf(segments):
    """An ELF64 header plus program headers for (type, filesz, memsz) segments."""
    header = bytearray(64)
    header[:6] = b"\x7fELF\x02\x01"
    struct.pack_into("<Q", header, 32, 64)
    struct.pack_into("<HH", header, 54, 56, len(segments))
    table = bytearray()
    for kind, file_size, memory_size in segments:
        entry = bytearray(56)
        struct.pack_into("<I", entry, 0, kind)
        struct.pack_into("<QQ", entry, 32, file_size, memory_size)
        table += entry
    return bytes(header + table)


class LoadSizesTest(unittest.TestCase):
    def write(self, data):
        handle = tempfile.NamedTemporaryFile(delete=False)
        handle.write(data)
        handle.close()
        self.addCleanup(os.unlink, handle.name)
        return handle.name

    def test_sums_only_load_segments(self):
        path = self.write(make_elf([(1, 1000, 1000), (4, 50, 50), (1, 200, 5000)]))
        self.assertEqual(elf.load_sizes(path), elf.LoadSizes(1200, 6000))

    def test_refuses_what_is_not_elf64(self):
        self.assertRaises(ValueError, elf.load_sizes, self.write(b"not an elf at all" * 8))
        self.assertRaises(ValueError, elf.load_sizes, self.write(make_elf([(1, 1, 1)])[:80]))

    def test_describe_falls_back_to_the_file_size(self):
        path = self.write(b"x" * 3000)
        self.assertEqual(elf.describe(path, lambda n: f"{n} B"), "3000 B file")
        good = self.write(make_elf([(1, 10, 20)]))
        self.assertEqual(elf.describe(good, lambda n: f"{n} B"), "10 B loaded, 20 B in memory")


def make_symbol_elf(symbols, corrupt_link=False):
    """An ELF64 with one PT_LOAD (linked at 0x1000, loaded at 0x40001000) and a .symtab of (name, value, size)."""
    strings = b"\0" + b"".join(name.encode() + b"\0" for name, _, _ in symbols)
    table = bytearray(24)  # the null symbol
    offset = 1
    for name, value, size in symbols:
        entry = bytearray(24)
        struct.pack_into("<I", entry, 0, offset)
        struct.pack_into("<QQ", entry, 8, value, size)
        table += entry
        offset += len(name) + 1
    program = bytearray(56)
    struct.pack_into("<IIQQQQQ", program, 0, 1, 5, 0, 0x1000, 0x40001000, 0x100, 0x2000)
    body = bytes(program) + bytes(table) + strings
    table_offset, strings_offset = 64 + 56, 64 + 56 + len(table)
    sections = bytearray(64 * 3)  # null, .symtab, .strtab
    struct.pack_into("<IIQQQQI", sections, 64, 0, 2, 0, 0, table_offset, len(table), 9 if corrupt_link else 2)
    struct.pack_into("<IIQQQQ", sections, 128, 0, 3, 0, 0, strings_offset, len(strings))
    header = bytearray(64)
    header[:6] = b"\x7fELF\x02\x01"
    struct.pack_into("<QQ", header, 32, 64, 64 + len(body))
    struct.pack_into("<HH", header, 54, 56, 1)
    struct.pack_into("<HH", header, 58, 64, 3)
    return bytes(header) + body + bytes(sections)


class SymbolTest(LoadSizesTest):
    def test_finds_a_symbol_and_its_physical_address(self):
        path = self.write(make_symbol_elf([("vectra_debug", 0x1100, 8), ("vectra_debug_snapshot", 0x1200, 400)]))
        self.assertEqual(elf.symbol(path, "vectra_debug_snapshot"), (0x1200, 400))
        self.assertEqual(elf.symbol(path, "vectra_debug"), (0x1100, 8))
        self.assertEqual(elf.physical_address(path, 0x1200), 0x40001200)
        self.assertRaises(ValueError, elf.physical_address, path, 0x4000)
        self.assertRaises(ValueError, elf.symbol, path, "vectra")

    def test_refuses_malformed_symbol_tables(self):
        self.assertRaises(ValueError, elf.symbol, self.write(make_symbol_elf([("a", 1, 1)], corrupt_link=True)), "a")
        whole = make_symbol_elf([("a", 1, 1)])
        for length in range(0, len(whole), 7):
            try:
                elf.symbol(self.write(whole[:length]), "a")
            except ValueError:
                pass


if __name__ == "__main__":
    unittest.main()
