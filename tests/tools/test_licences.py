#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Tests of an image's licence report (tools/ports/licences.py): bytes by origin from both link map
forms (ld.lld's for x86_64/aarch64, GNU ld's for hosted), every enabled port listed with its Debian
pin and licence, code of a port the image does not list refused, debug sections never counted.

    /usr/bin/python3 -m unittest -v test_licences      (from tests/tools)
"""

import json
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tools" / "ports"))

import licences  # noqa: E402

LLD_MAP = """\
             VMA              LMA     Size Align Out     In      Symbol
          100000           100000     2000  4096 .text
          100000           100000      120    16         core/base/CMakeFiles/vectra_base.dir/src/Panic.cpp.obj:(.text.panic)
          100120           100120      300    16         components/ports/sqlite/CMakeFiles/vectra_sqlite_port.dir/cache/sqlite3.c.obj:(.text.sqlite3_open)
          100420           100420       10    16         /usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a(_udivdi3.o):(.text)
          100420           100420       10     1                 __udivdi3
          200000           200000       40     1         <internal>:(.rodata)
               0                0     9000     1         components/ports/sqlite/CMakeFiles/vectra_sqlite_port.dir/cache/sqlite3.c.obj:(.debug_info)
               0                0      800     1         core/base/CMakeFiles/vectra_base.dir/src/Panic.cpp.obj:(.comment)
"""

GNU_MAP = """\
Discarded input sections

 .text.unused   0x0000000000000000     0x5000 components/ports/sqlite/CMakeFiles/x.dir/sqlite3.c.o

Memory Configuration

Linker script and memory map

 .interp        0x0000000000000350       0x1c /lib/x86_64-linux-gnu/Scrt1.o
 .dynsym        0x0000000000000648      0x720 /lib/x86_64-linux-gnu/Scrt1.o
 .text._ZN6vectra5panicEv
                0x0000000000001000       0x64 core/base/CMakeFiles/vectra_base.dir/src/Panic.cpp.o
                0x0000000000001000                vectra::panic()
 .text          0x0000000000002000      0x200 components/ports/sqlite/CMakeFiles/x.dir/sqlite3.c.o
 .text          0x0000000000002200       0x20 /usr/lib/gcc/x86_64-linux-gnu/12/crtbeginS.o
 .debug_info    0x0000000000000000     0x4000 core/base/CMakeFiles/vectra_base.dir/src/Panic.cpp.o
"""


class Maps(unittest.TestCase):
    def test_lld_map_bytes_by_origin(self):
        totals = licences.bytes_by_origin(LLD_MAP)
        self.assertEqual(totals, {licences.PROJECT: 0x120, "port:sqlite": 0x300, licences.TOOLCHAIN: 0x10,
                                  licences.MERGED: 0x40})

    def test_gnu_map_bytes_by_origin(self):
        totals = licences.bytes_by_origin(GNU_MAP)
        self.assertEqual(totals, {licences.LINKER_TABLES: 0x1c + 0x720, licences.PROJECT: 0x64,
                                  "port:sqlite": 0x200, licences.TOOLCHAIN: 0x20})


class Reports(unittest.TestCase):
    def setUp(self):
        self.tree = Path(tempfile.mkdtemp(prefix="vectra-licences-"))
        for name, licence in (("sqlite", "blessing"), ("lwip", "BSD-3-Clause")):
            folder = self.tree / "components" / "ports" / name
            folder.mkdir(parents=True)
            (folder / "port.json").write_text(json.dumps({
                "name": name, "licence": licence, "licence_file": "LICENSE",
                "debian": {"source": name, "version": "1.0-1"}}))

    def test_every_enabled_port_is_listed_with_its_pin_and_bytes(self):
        text = licences.report(LLD_MAP, "files", "x86_64", self.tree,
                               ["components/ports/sqlite", "components/ports/lwip"], fmt_version="9.1")
        sqlite = next(line for line in text.splitlines() if line.startswith("sqlite (port)"))
        self.assertIn("blessing", sqlite)
        self.assertIn(f"{0x300} bytes", sqlite)
        self.assertIn("Debian sqlite 1.0-1", sqlite)
        lwip = next(line for line in text.splitlines() if line.startswith("lwip (port)"))
        self.assertIn(" 0 bytes", lwip)
        self.assertIn("nothing linked", lwip)
        self.assertIn("Vectra (this project)", text)
        self.assertIn("{fmt} from Debian libfmt-dev 9.1, MIT", text)
        self.assertIn(f"({0x120 + 0x300 + 0x10 + 0x40} in all)", text)

    def test_code_of_a_port_the_image_does_not_list_is_refused(self):
        with self.assertRaises(licences.ReportError) as caught:
            licences.report(LLD_MAP, "files", "x86_64", self.tree, ["components/ports/lwip"], fmt_version="9.1")
        self.assertIn("sqlite", str(caught.exception))

    def test_a_port_without_its_licence_is_refused(self):
        (self.tree / "components" / "ports" / "lwip" / "port.json").write_text(json.dumps(
            {"name": "lwip", "debian": {"source": "lwip", "version": "1"}}))
        with self.assertRaises(licences.ReportError) as caught:
            licences.report(LLD_MAP, "files", "x86_64", self.tree, ["components/ports/sqlite", "components/ports/lwip"],
                            fmt_version="9.1")
        self.assertIn("licence missing", str(caught.exception))

    def test_every_port_of_the_repository_describes_itself(self):
        folders = sorted(str(path.parent.relative_to(ROOT)) for path in (ROOT / "components" / "ports").glob("*/port.json"))
        self.assertGreaterEqual(len(folders), 6)
        for folder in folders:
            description = licences.port_description(ROOT, folder)
            self.assertTrue(description["licence"] and description["version"], folder)


if __name__ == "__main__":
    unittest.main()
