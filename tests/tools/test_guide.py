# SPDX-License-Identifier: Apache-2.0
"""docs/guide/ never goes stale: every fenced block tagged `sh` is run with bash, and every block
tagged `diff` applied with `git apply`, in order, in a copy of the tree; each must succeed.
Blocks tagged anything else are for reading only.

    /usr/bin/python3 -m unittest -v test_guide      (from tests/tools)
"""

import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = Path(HERE).parents[1]
GUIDE = ROOT / "docs" / "guide"
FENCE = re.compile(r"^```([A-Za-z0-9_-]*)[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
RUN = {"sh", "diff"}


def runnable_blocks(text: str) -> list:
    """(language, body) of each block the guide's test runs, in order."""
    return [(language, body) for language, body in FENCE.findall(text) if language in RUN]


def guides() -> list:
    return sorted(GUIDE.glob("*.md"))


class Parsing(unittest.TestCase):
    def test_blocks_are_found_in_order_and_only_the_tagged_ones(self):
        text = ("intro\n```sh\n./vectra images\n```\n```cpp\nint x;\n```\n"
                "```diff\n--- a/x\n+++ b/x\n```\n```\nplain\n```\n")
        self.assertEqual(runnable_blocks(text), [("sh", "./vectra images\n"), ("diff", "--- a/x\n+++ b/x\n")])

    def test_the_guide_has_commands_to_run(self):
        self.assertTrue(guides(), "docs/guide/ holds no guide")
        for guide in guides():
            blocks = runnable_blocks(guide.read_text())
            self.assertGreaterEqual(len(blocks), 3, guide)
            self.assertTrue(any("./vectra test" in body for _, body in blocks), guide)


@unittest.skipUnless(shutil.which("cmake") and shutil.which("ninja") and shutil.which("git"),
                     "needs cmake, ninja and git")
class TheGuideRuns(unittest.TestCase):
    def test_every_command_of_every_guide_succeeds(self):
        for guide in guides():
            with self.subTest(guide=guide.name), tempfile.TemporaryDirectory(prefix="vectra-guide-") as scratch:
                tree = Path(scratch) / "tree"
                shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns("build", ".git", "__pycache__"),
                                symlinks=True)
                for index, (language, body) in enumerate(runnable_blocks(guide.read_text())):
                    if language == "sh":
                        command = ["bash", "-e", "-o", "pipefail", "-c", body]
                    else:
                        command = ["git", "apply", "--verbose", "-"]
                    result = subprocess.run(command, cwd=tree, input=body if language == "diff" else None,
                                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                            stdin=None if language == "diff" else subprocess.DEVNULL)
                    self.assertEqual(result.returncode, 0,
                                     f"{guide.name}, block {index + 1} ({language}):\n{body}\n--- output:\n"
                                     f"{result.stdout[-4000:]}")


if __name__ == "__main__":
    unittest.main()
