# SPDX-License-Identifier: Apache-2.0
"""Tests of tools/vectra/elf.py: loadable segment sizes of an image."""

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


if __name__ == "__main__":
    unittest.main()
