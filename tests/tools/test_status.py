# SPDX-License-Identifier: Apache-2.0
"""docs/STATUS.md names only proofs that exist: every `-R PATTERN` matches a registered CTest test
(`ctest -N` of the host-test tree) and every `./vectra test IMAGE` names an image folder. The
benchmark table is checked against tests/bench/benchmarks.json by test_bench.

Run with Debian's Python, from tests/tools, after the host tests were configured:
    VECTRA_HOST_TESTS_BUILD=../../build/host-tests /usr/bin/python3 -m unittest -v test_status
"""

import os
import re
import shlex
import subprocess
import unittest
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent.parent
STATUS = REPOSITORY / "docs" / "STATUS.md"


def code_spans(text):
    """Every `code span` of every table row (a regular expression may hold `|`, so rows are not
    split into cells)."""
    spans = []
    for line in text.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            spans += re.findall(r"`([^`]*)`", line)
    return spans


def named_test_patterns(text):
    """Every PATTERN of `-R PATTERN` inside backticks, unquoted."""
    patterns = []
    for code in code_spans(text):
        words = shlex.split(code)
        patterns += [words[index + 1] for index, word in enumerate(words[:-1]) if word == "-R"]
    return patterns


def named_images(text):
    images = []
    for code in code_spans(text):
        match = re.match(r"^\./vectra test ([a-z0-9-]+)", code)
        if match:
            images.append(match.group(1))
    return images


def registered_tests(build_folder):
    output = subprocess.run(["ctest", "--test-dir", str(build_folder), "-N"], capture_output=True, text=True,
                            check=True).stdout
    return re.findall(r"^\s*Test\s+#\d+: (\S+)$", output, re.MULTILINE)


class Parsing(unittest.TestCase):
    def test_patterns_and_images_are_found_in_table_rows(self):
        text = ("Prose: `-R not.a.row` is not a proof.\n| a | b | proof |\n|---|---|---|\n"
                "| thing | built | `-R core.fs`; `ctest --test-dir x -R 'fuzz.(a|b)_decode'` |\n"
                "| x | y | `./vectra test signals -p x86_64`; `./vectra test` |\n")
        self.assertEqual(named_test_patterns(text), ["core.fs", "fuzz.(a|b)_decode"])
        self.assertEqual(named_images(text), ["signals"])


class TheRepositoryStatus(unittest.TestCase):
    def setUp(self):
        self.text = STATUS.read_text()

    def test_every_named_test_pattern_matches_a_registered_test(self):
        build_folder = Path(os.environ.get("VECTRA_HOST_TESTS_BUILD", REPOSITORY / "build" / "host-tests"))
        if not (build_folder / "CTestTestfile.cmake").exists():
            self.skipTest(f"no configured host-test tree at {build_folder}")
        tests = registered_tests(build_folder)
        self.assertIn("tools.status", tests)
        patterns = named_test_patterns(self.text)
        self.assertGreater(len(patterns), 20)
        for pattern in patterns:
            with self.subTest(pattern):
                expression = re.compile(pattern)
                self.assertTrue(any(expression.search(name) for name in tests),
                                f"STATUS.md names `-R {pattern}`, which matches no registered test")

    def test_every_named_image_exists(self):
        images = named_images(self.text)
        self.assertTrue(images)
        for image in images:
            with self.subTest(image):
                self.assertTrue((REPOSITORY / "images" / image / "manifest.json").exists(),
                                f"STATUS.md names ./vectra test {image}, which is not an image")


if __name__ == "__main__":
    unittest.main()
