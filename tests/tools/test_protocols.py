# SPDX-License-Identifier: Apache-2.0
"""A protocol declaration whose largest message does not fit its Ring slot must not compile.

Each case compiles a small declaration with the project's headers (clang++ -fsyntax-only); the
control case, the same declaration with a slot that holds it, must compile, so the refusal is
the slot check's and nothing else's."""

import glob
import os
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
INCLUDES = [folder for folder in sorted(glob.glob(os.path.join(ROOT, "*", "*", "include")))
            if not folder.endswith(os.path.join("core", "libc", "include"))]

DECLARATION = """
#include <vectra/FixedString.h>
#include <vectra/protocol/Declaration.h>

using namespace vectra;

enum class TestError : u16 { Refused = 1 };

struct Big {
    FixedString<%(capacity)d> text;
    static constexpr auto fields() { return vectra::fields(field("text", &Big::text)); }
};

struct TestProtocol {
    static constexpr std::string_view name = "test.too-large";
    static constexpr u16 version = 1;
    static constexpr u32 slot_count = 4;
    static constexpr u32 slot_size = %(slot_size)d;
    using Errors = TestError;
    static constexpr auto errors() { return protocol::errors(protocol::error(TestError::Refused, "refused", "no")); }
    static constexpr auto messages() { return protocol::messages(protocol::message<Big, protocol::Done>("big", "A big one.")); }
};

inline constexpr u64 id = protocol::schema_id<TestProtocol>;
"""

MESSAGE = "does not fit its Ring slot payload"


def compile_declaration(capacity, slot_size):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "declaration.cpp")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(DECLARATION % {"capacity": capacity, "slot_size": slot_size})
        command = ["clang++", "-std=c++20", "-fsyntax-only", "-fno-exceptions"]
        command += [f"-I{folder}" for folder in INCLUDES] + [path]
        return subprocess.run(command, capture_output=True, text=True, check=False)


class TooLargeMessage(unittest.TestCase):
    def test_a_message_that_fits_compiles(self):
        # 8 bytes of envelope + 4 of length + 100 of text = 112 <= 128 - 16.
        result = compile_declaration(100, 128)
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_one_byte_too_many_fails_to_compile_naming_the_slot(self):
        result = compile_declaration(101, 128)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(MESSAGE, result.stderr)

    def test_a_far_too_large_message_fails_to_compile(self):
        result = compile_declaration(4096, 64)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(MESSAGE, result.stderr)


if __name__ == "__main__":
    unittest.main()
