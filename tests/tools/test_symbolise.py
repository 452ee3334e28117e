# SPDX-License-Identifier: Apache-2.0
"""Tests of the crash-report symboliser (tools/vectra/symbolise.py): a FAULT report's pc (less the
hosted image's load base) named as `  at file:LINE (function)` from a real ELF with debug
information, by symbolise.annotation and by the image harness (boot.boot with symbols) — and
every malformed input refused quietly: lines that are not FAULT reports, bad or huge addresses,
a base above the pc, a missing ELF, an ELF without debug information, a symbolizer answering
garbage, a missing symbolizer.

    /usr/bin/python3 -m unittest -v test_symbolise      (from tests/tools)
"""

import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = Path(HERE).parents[1]
sys.path.insert(0, str(ROOT / "tools" / "vectra"))
sys.dont_write_bytecode = True

import boot  # noqa: E402
import elf as elves  # noqa: E402
import oracle as oracles  # noqa: E402
import symbolise  # noqa: E402

SOURCE = """int crash_here(int *pointer)
{
    return *pointer + 1;
}

int main(void) { return crash_here((int *)0); }
"""


class Lines(unittest.TestCase):
    def test_the_pc_of_a_fault_report(self):
        line = "FAULT: task crasher: page fault (vector 14) at pc=0x120c78 address=0x400000000000 error=0x2 sp=0x1aff60"
        self.assertEqual(symbolise.linked_address(line), 0x120c78)
        hosted = line + " image_base=0x120000"
        self.assertEqual(symbolise.linked_address(hosted), 0xc78)
        domain = line + " domain=vfsd"
        self.assertEqual(symbolise.linked_address(domain), 0x120c78)

    def test_other_and_malformed_lines_give_nothing(self):
        for line in ("", "vectra: power off, status 0", "PANIC: task x: VERIFY(y) failed (a.cpp:3)",
                     "  FAULT: task x: at pc=0x10", "FAULT: task x: at pc=0x", "FAULT: task x: at pc=0xZZ",
                     "FAULT: task x: at pc=0x12345678901234567 address=0", "FAULT: task x: at pc=10",
                     "FAULT: task x: at pc=0x10 image_base=0x20", "FAULT: task crasher: at pc=0x10q",
                     "FAULT: \x00\xff at pc=\udcff"):
            self.assertIsNone(symbolise.linked_address(line), line)
            self.assertIsNone(symbolise.annotation(line, "/nonexistent/vectra.elf"), line)

    def test_random_lines_never_raise(self):
        generator = random.Random(5)
        alphabet = "FAULT: task pcimage_base=0x123456789abcdefgz \t"
        for _ in range(5000):
            line = "".join(generator.choice(alphabet) for _ in range(generator.randrange(60)))
            if generator.random() < 0.5:
                line = "FAULT: task t: at pc=" + line
            address = symbolise.linked_address(line)
            self.assertTrue(address is None or 0 <= address < 2 ** 64)

    def test_source_paths_are_relative_to_the_tree(self):
        self.assertEqual(symbolise.source_path("././components/crashtest/src/CrashTest.cpp"),
                         "components/crashtest/src/CrashTest.cpp")
        self.assertEqual(symbolise.source_path("../../core/base/src/Panic.cpp"), "core/base/src/Panic.cpp")
        self.assertEqual(symbolise.source_path(str(ROOT / "primitives" / "x.cpp")), "primitives/x.cpp")
        self.assertEqual(symbolise.source_path("/usr/include/c++/12/bits/atomic_base.h"),
                         "/usr/include/c++/12/bits/atomic_base.h")


class SymbolizerAnswers(unittest.TestCase):
    def test_the_innermost_frame(self):
        text = ('{"Address":"0x37e04","ModuleName":"vectra.elf","Symbol":[{"Column":13,"Discriminator":0,'
                '"FileName":"././components/crashtest/src/CrashTest.cpp","FunctionName":"crash_fault(Bundle&)",'
                '"Line":23,"StartAddress":"0x37de0","StartFileName":"","StartLine":0},'
                '{"FileName":"x.cpp","FunctionName":"outer","Line":9}]}')
        self.assertEqual(symbolise.parse_symbolizer_output(text),
                         symbolise.Location("components/crashtest/src/CrashTest.cpp", 23, "crash_fault(Bundle&)"))

    def test_garbage_and_unknowns_give_nothing(self):
        for text in ("", "not json", "[]", "[1, 2]", "null", "{}", '{"Symbol": []}', '{"Symbol": [1]}',
                     '{"Symbol": [{"FileName": "", "Line": 3}]}', '{"Symbol": [{"FileName": "??", "Line": 0}]}',
                     '{"Symbol": [{"FileName": "a.cpp", "Line": "3"}]}', '{"Symbol": [{"FileName": "a.cpp", "Line": true}]}',
                     '{"Symbol": [{"FileName": 7, "Line": 3}]}', '{"Symbol": {"FileName": "a.cpp"}}',
                     '[{"Symbol": [{"FileName": "a.cpp", "Line": -1}]}]', "{" * 5000):
            self.assertIsNone(symbolise.parse_symbolizer_output(text), text[:40])
        unnamed = symbolise.parse_symbolizer_output('{"Symbol": [{"FileName": "a.cpp", "Line": 3}]}')
        self.assertEqual(unnamed, symbolise.Location("a.cpp", 3, "??"))

    def test_a_missing_symbolizer_is_said_in_the_line(self):
        with mock.patch.object(symbolise, "symbolizer", return_value=None):
            line = symbolise.annotation("FAULT: task t: x at pc=0x10 address=0x0", "/nonexistent")
        self.assertIn("not symbolised: llvm-symbolizer is not installed", line)


@unittest.skipUnless(shutil.which("clang") and symbolise.symbolizer(), "needs clang and llvm-symbolizer")
class RealElf(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory(prefix="vectra-symbolise-")
        folder = Path(cls.folder.name)
        (folder / "crash.c").write_text(SOURCE)
        cls.elf = folder / "crash.elf"
        subprocess.run(["clang", "-g", "-O0", "-fPIE", "-pie", "-fdebug-compilation-dir=.", "crash.c", "-o", str(cls.elf)], cwd=folder, check=True)
        cls.stripped = folder / "stripped.elf"
        subprocess.run(["clang", "-O0", "crash.c", "-o", str(cls.stripped)], cwd=folder, check=True)
        cls.function = elves.symbol(cls.elf, "crash_here")[0]

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()

    def report(self, base):
        return (f"FAULT: task crasher: page fault (vector 11) at pc={base + self.function + 8:#x} address=0x0 "
                f"error=0x1 sp=0x7f00" + (f" image_base={base:#x}" if base else ""))

    def test_a_fault_names_its_source_line(self):
        for base in (0, 0x555555554000):
            line = symbolise.annotation(self.report(base), self.elf)
            self.assertRegex(line, r"^  at crash\.c:[1-3] \(crash_here\)$")

    def test_what_the_elf_cannot_place_gives_nothing(self):
        self.assertIsNone(symbolise.annotation(self.report(0), self.stripped))
        self.assertIsNone(symbolise.annotation(self.report(0).replace(f"pc={self.function + 8:#x}", "pc=0xfffffff0"),
                                               self.elf))
        self.assertIsNone(symbolise.annotation(self.report(0), Path(self.folder.name) / "missing.elf"))
        garbage = Path(self.folder.name) / "garbage.elf"
        garbage.write_bytes(b"\x7fELF" + bytes(range(256)) * 4)
        self.assertIsNone(symbolise.annotation(self.report(0), garbage))

    def test_the_harness_feeds_the_source_line_to_the_oracle(self):
        script = Path(self.folder.name) / "guest.sh"
        script.write_text(f"#!/bin/sh\necho '{self.report(0x7f0000000000)}'\necho 'vectra: power off, status 0'\n")
        script.chmod(0o755)
        oracle = oracles.Oracle.parse({"platforms": ["hosted"], "allow_faults": True, "patterns": [
            "^FAULT: task crasher", r"^  at crash\.c:\d+ \(crash_here\)$", "^vectra: power off"]})
        matcher = oracles.ConsoleMatcher(oracle)
        result = boot.boot([str(script)], Path(self.folder.name) / "console.log", 20, matcher, symbols=self.elf)
        self.assertTrue(matcher.complete, result.lines)
        self.assertIn("  at crash.c:", (Path(self.folder.name) / "console.log").read_text())
        unsymbolised = oracles.ConsoleMatcher(oracle)
        boot.boot([str(script)], Path(self.folder.name) / "plain.log", 20, unsymbolised)
        self.assertFalse(unsymbolised.complete)


if __name__ == "__main__":
    unittest.main()
