# SPDX-License-Identifier: Apache-2.0
"""Tests of tools/checks/no_heap.py on object files compiled for the purpose."""

import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "checks"))
import no_heap  # noqa: E402


def compile_object(folder, name, source):
    path = os.path.join(folder, name + ".cpp")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(source)
    output = os.path.join(folder, name + ".o")
    subprocess.run(["clang++", "--target=aarch64-linux-gnu", "-std=c++20", "-O1", "-ffreestanding",
                    "-ffunction-sections", "-fno-exceptions", "-c", path, "-o", output], check=True)
    return output


class NoHeapTest(unittest.TestCase):
    def test_allocating_code_is_reported_with_its_function(self):
        with tempfile.TemporaryDirectory() as folder:
            path = compile_object(folder, "allocates", "int* make_one() { return new int(1); }\n"
                                  "extern \"C\" void* malloc(unsigned long);\n"
                                  "void* grab() { return malloc(8); }\n")
            found = no_heap.offences(path)
            owners = sorted(owner for owner, _ in found)
            self.assertEqual(owners, ["_Z4grabv", "_Z8make_onev"])
            self.assertEqual(no_heap.main([path]), 1)

    def test_clean_code_and_fmt_buffers_pass(self):
        with tempfile.TemporaryDirectory() as folder:
            clean = compile_object(folder, "clean", "int twice(int value) { return value * 2; }\n")
            fmt_like = compile_object(folder, "fmt_like", "namespace fmt { int* grow() { return new int[4]; } }\n")
            self.assertEqual(no_heap.offences(clean), [])
            self.assertEqual(no_heap.offences(fmt_like), [])
            self.assertEqual(no_heap.main([clean, fmt_like]), 0)


if __name__ == "__main__":
    unittest.main()
