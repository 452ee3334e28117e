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

FREESTANDING = ["--target=aarch64-linux-gnu", "-ffreestanding"]
# The host's own C++ library, for code using std:: containers as a careless core/ change would.
HOSTED = []

# {fmt}'s memory buffer as its header declares it, reduced to the member the check exempts.
FMT_BUFFER = """
namespace fmt { inline namespace v9 {
template<typename T, unsigned long SIZE> struct basic_memory_buffer {
    T* data = nullptr;
    void grow(unsigned long size);
};
template<typename T, unsigned long SIZE> void basic_memory_buffer<T, SIZE>::grow(unsigned long size)
{
    T* bigger = new T[size];
    delete[] data;
    data = bigger;
}
template struct basic_memory_buffer<char, 500>;
int* not_exempt(int count) { return new int[count]; }
} }
"""


def compile_object(folder, name, source, target=FREESTANDING):
    path = os.path.join(folder, name + ".cpp")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(source)
    output = os.path.join(folder, name + ".o")
    subprocess.run(["clang++", *target, "-std=c++20", "-O1", "-ffunction-sections", "-fno-exceptions",
                    "-c", path, "-o", output], check=True)
    return output


class NoHeapTest(unittest.TestCase):
    def test_allocating_code_is_reported_with_its_function(self):
        with tempfile.TemporaryDirectory() as folder:
            path = compile_object(folder, "allocates", "int* make_one() { return new int(1); }\n"
                                  "extern \"C\" void* malloc(unsigned long);\n"
                                  "void* grab() { return malloc(8); }\n")
            found = no_heap.offences(path)
            self.assertEqual(sorted(owner for owner, _ in found), ["grab()", "make_one()"])
            self.assertEqual(no_heap.main([path]), 1)

    def test_operator_delete_alone_is_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            path = compile_object(folder, "deletes", "void drop(int* pointer) { delete pointer; }\n"
                                  "void drop_many(int* pointer) { delete[] pointer; }\n")
            found = no_heap.offences(path)
            self.assertEqual(sorted(owner for owner, _ in found), ["drop(int*)", "drop_many(int*)"])
            self.assertTrue(all(symbol.startswith("operator delete") for _, symbol in found))
            self.assertEqual(no_heap.main([path]), 1)

    def test_std_vector_push_back_in_core_fails(self):
        with tempfile.TemporaryDirectory() as folder:
            path = compile_object(folder, "vector", "#include <vector>\n"
                                  "void remember(std::vector<int>& values, int value) { values.push_back(value); }\n",
                                  HOSTED)
            found = no_heap.offences(path)
            owners = {owner for owner, _ in found}
            self.assertTrue(any(owner.startswith("std::") or "vector" in owner for owner in owners), owners)
            self.assertEqual(no_heap.main([path]), 1)

    def test_only_the_named_fmt_functions_are_exempt(self):
        with tempfile.TemporaryDirectory() as folder:
            path = compile_object(folder, "fmt_like", FMT_BUFFER)
            owners = {owner for owner, _ in no_heap.offences(path)}
            self.assertEqual(owners, {"fmt::v9::not_exempt(int)"})

    def test_a_deleting_destructor_is_exempt_but_a_destructor_that_frees_is_not(self):
        with tempfile.TemporaryDirectory() as folder:
            path = compile_object(folder, "virtual", "struct Source { virtual ~Source(); };\n"
                                  "Source::~Source() {}\n"
                                  "struct Holder { int* values; ~Holder(); };\n"
                                  "Holder::~Holder() { delete values; }\n")
            owners = {owner for owner, _ in no_heap.offences(path)}
            self.assertEqual(owners, {"Holder::~Holder()"})

    def test_every_exemption_names_its_reason(self):
        for pattern, reason in no_heap.EXEMPT:
            self.assertTrue(pattern.pattern.startswith("^fmt::"), pattern.pattern)
            self.assertGreater(len(reason), 20)

    def test_function_names_drop_return_types_and_parameters(self):
        self.assertEqual(no_heap.function_name("fmt::v9::appender fmt::v9::detail::write<char, fmt::v9::appender, "
                                               "double, 0>(fmt::v9::appender, double)"),
                         "fmt::v9::detail::write<char, fmt::v9::appender, double, 0>")
        self.assertEqual(no_heap.function_name("grab()"), "grab")

    def test_clean_code_passes(self):
        with tempfile.TemporaryDirectory() as folder:
            clean = compile_object(folder, "clean", "int twice(int value) { return value * 2; }\n")
            self.assertEqual(no_heap.offences(clean), [])
            self.assertEqual(no_heap.main([clean]), 0)


if __name__ == "__main__":
    unittest.main()
