# SPDX-License-Identifier: Apache-2.0
"""Tests for `./vectra screenshots` (tools/vectra/screenshots.py): the matched screenshots of an
image's screen oracle copied into a docs folder, and refused when missing, stale or not the
oracle's platform — nothing copied unless every platform has them.

Run with Debian's Python, from tests/tools:
    /usr/bin/python3 -m unittest -v test_screenshots
"""

import os
import shutil
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True
TOOLS = Path(__file__).resolve().parent.parent.parent / "tools" / "vectra"
sys.path.insert(0, str(TOOLS))

import images  # noqa: E402
import oracle  # noqa: E402
import screenshots  # noqa: E402
from ui import Failure  # noqa: E402

SCREEN = {"after": "^frame$", "reference": "a.png", "regions": [{"name": "all", "x": 0, "y": 0, "width": 1, "height": 1}]}


class CopyScreenshots(unittest.TestCase):
    def setUp(self):
        self.root = Path(tempfile.mkdtemp(prefix="vectra-screenshots-test-"))
        self.addCleanup(shutil.rmtree, self.root, True)
        self.docs = self.root / "docs"
        parsed = oracle.Oracle.parse({"platforms": ["x86_64", "hosted"], "patterns": ["^x$"],
                                      "screens": [SCREEN, dict(SCREEN, after="^second$")]}, "oracle.json")
        self.image = images.Image("desk", self.root / "images" / "desk", parsed)

    def folder(self, image, platform):
        return self.root / "build" / f"{image}-{platform}"

    def built(self, platform, screens=(1, 2), stale=()):
        folder = self.folder("desk", platform)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "vectra.elf").write_bytes(b"elf")
        for number in screens:
            shot = folder / f"screen-{number}-matched.png"
            shot.write_bytes(f"{platform} {number}".encode())
            if number in stale:  # older than the image
                os.utime(shot, (1, 1))

    def copy(self, platforms=()):
        return screenshots.copy_screenshots(self.image, list(platforms), self.folder, self.docs)

    def test_every_matched_screenshot_of_every_platform_is_copied(self):
        self.built("x86_64")
        self.built("hosted")
        written = self.copy()
        self.assertEqual([path.name for path in written],
                         ["desk-x86_64-1.png", "desk-x86_64-2.png", "desk-hosted-1.png", "desk-hosted-2.png"])
        self.assertEqual((self.docs / "desk-hosted-2.png").read_bytes(), b"hosted 2")

    def test_a_platform_can_be_chosen(self):
        self.built("hosted")
        self.assertEqual([path.name for path in self.copy(["hosted"])], ["desk-hosted-1.png", "desk-hosted-2.png"])

    def test_a_missing_screenshot_refuses_and_copies_nothing(self):
        self.built("x86_64")
        self.built("hosted", screens=(1,))
        with self.assertRaisesRegex(Failure, "screen-2-matched.png: no screenshot of the last build matched screen 2"):
            self.copy()
        self.assertFalse(self.docs.exists())

    def test_a_screenshot_older_than_the_image_is_refused(self):
        self.built("x86_64", stale=(2,))
        with self.assertRaisesRegex(Failure, "matched screen 2; run ./vectra test desk -p x86_64"):
            self.copy(["x86_64"])

    def test_an_unbuilt_image_or_a_platform_outside_the_oracle_is_refused(self):
        with self.assertRaisesRegex(Failure, "desk is not built for x86_64"):
            self.copy(["x86_64"])
        with self.assertRaisesRegex(Failure, "not tested on aarch64"):
            self.copy(["aarch64"])

    def test_an_image_without_screens_is_refused(self):
        plain = images.Image("plain", self.root, oracle.Oracle.parse({"platforms": ["x86_64"], "patterns": ["^x$"]},
                                                                     "oracle.json"))
        with self.assertRaisesRegex(Failure, "no screen oracle"):
            screenshots.copy_screenshots(plain, [], self.folder, self.docs)


if __name__ == "__main__":
    unittest.main()
