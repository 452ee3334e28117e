# SPDX-License-Identifier: Apache-2.0
"""Tests for screen oracles: the image readers and writers (tools/vectra/pixels.py), the screens
entries of oracle.json and the comparison against a reference (tools/vectra/screen.py) — on a
matching screenshot, one slightly off but within the tolerance, wrong ones, and malformed files.

Run with Debian's Python, from tests/tools:
    /usr/bin/python3 -m unittest -v test_screen
"""

import shutil
import struct
import sys
import tempfile
import unittest
import zlib
from pathlib import Path

sys.dont_write_bytecode = True  # keep tools/vectra/ free of __pycache__
TOOLS = Path(__file__).resolve().parent.parent.parent / "tools" / "vectra"
sys.path.insert(0, str(TOOLS))

import oracle  # noqa: E402
import pixels  # noqa: E402
import screen  # noqa: E402


def card(width=32, height=16) -> pixels.Image:
    """A small picture with structure: a red left half, a blue gradient right half, a white row."""
    rgb = bytearray()
    for y in range(height):
        for x in range(width):
            if y == height // 2:
                rgb += bytes((255, 255, 255))
            elif x < width // 2:
                rgb += bytes((200, 10, 10))
            else:
                rgb += bytes((0, 0, x * 8 % 256))
    return pixels.Image(width, height, rgb)


def check(**changes):
    entry = {"after": "^frame$", "reference": "reference.png",
             "regions": [{"name": "left", "x": 0, "y": 0, "width": 16, "height": 16},
                         {"name": "right", "x": 16, "y": 0, "width": 16, "height": 16}]}
    entry.update(changes)
    return screen.parse(entry, "oracle.json: screens[0]")


class ImageFormats(unittest.TestCase):
    def test_png_round_trip(self):
        image = card()
        again = pixels.read_png(pixels.write_png(image))
        self.assertEqual((again.width, again.height, again.rgb), (image.width, image.height, image.rgb))

    def test_png_with_alpha_and_every_filter_is_read(self):
        image = card(8, 5)
        rows = []
        for y in range(5):
            line = bytearray()
            for x in range(8):
                line += bytes(image.pixel(x, y)) + b"\xff"
            rows.append(bytes(line))
        # Filters 0 (none) and 1 (sub: difference to the left) are easy to write by hand.
        raw = b""
        for y, line in enumerate(rows):
            if y % 2 == 0:
                raw += b"\x00" + line
            else:
                raw += b"\x01" + bytes((line[i] - (line[i - 4] if i >= 4 else 0)) & 0xFF for i in range(len(line)))
        data = pixels.PNG_SIGNATURE + pixels._chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 5, 8, 6, 0, 0, 0)) \
            + pixels._chunk(b"IDAT", zlib.compress(raw)) + pixels._chunk(b"IEND", b"")
        self.assertEqual(pixels.read_png(data).rgb, image.rgb)

    def test_ppm_as_qemu_writes_it(self):
        image = card()
        data = b"P6\n32 16\n255\n" + bytes(image.rgb)
        self.assertEqual(pixels.read_ppm(data).rgb, image.rgb)
        self.assertEqual(pixels.read_any(data).rgb, image.rgb)

    def test_xwd_as_xwd_root_writes_it(self):
        image = card(4, 2)
        header = [100 + len(b"vectra\0"), 7, 2, 24, 4, 2, 0, 0, 32, 0, 32, 32, 16, 4, 0xFF0000, 0xFF00, 0xFF, 8, 256,
                  0, 4, 2, 0, 0, 0]
        body = b"".join(bytes((b, g, r, 0)) for r, g, b in (image.pixel(x, y) for y in range(2) for x in range(4)))
        data = struct.pack(">25I", *header) + b"vectra\0" + body
        self.assertEqual(pixels.read_xwd(data).rgb, image.rgb)

    def test_malformed_files_are_refused_with_a_clear_error(self):
        good_png = pixels.write_png(card())
        corrupted_crc = bytearray(good_png)
        corrupted_crc[20] ^= 0xFF
        cases = {
            "not a PNG": b"GIF89a....",
            "truncated": good_png[:40],
            "wrong CRC": bytes(corrupted_crc),
            "no IEND": good_png[:-12],
            "16-bit": pixels.PNG_SIGNATURE + pixels._chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 16, 2, 0, 0, 0))
            + pixels._chunk(b"IEND", b""),
            "huge": pixels.PNG_SIGNATURE + pixels._chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 2, 8, 2, 0, 0, 0))
            + pixels._chunk(b"IEND", b""),
            "bad zlib": pixels.PNG_SIGNATURE + pixels._chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + pixels._chunk(b"IDAT", b"not zlib") + pixels._chunk(b"IEND", b""),
            "short data": pixels.PNG_SIGNATURE + pixels._chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + pixels._chunk(b"IDAT", zlib.compress(b"\x00" * 5)) + pixels._chunk(b"IEND", b""),
            "bad filter": pixels.PNG_SIGNATURE + pixels._chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + pixels._chunk(b"IDAT", zlib.compress(b"\x09\x00\x00\x00")) + pixels._chunk(b"IEND", b""),
        }
        for label, data in cases.items():
            with self.subTest(label), self.assertRaises(pixels.ImageError) as raised:
                pixels.read_png(data, "reference.png")
            self.assertTrue(str(raised.exception).startswith("reference.png: "), str(raised.exception))
        for label, data in {"not P6": b"P3\n1 1\n255\n", "short": b"P6\n4 4\n255\n" + b"\x00" * 10,
                            "maxval": b"P6\n1 1\n65535\n" + b"\x00" * 6, "header": b"P6\n4"}.items():
            with self.subTest(label), self.assertRaises(pixels.ImageError):
                pixels.read_ppm(data, "shot.ppm")
        for label, data in {"short": b"\x00" * 20, "version": struct.pack(">25I", *([100, 6] + [0] * 23))}.items():
            with self.subTest(label), self.assertRaises(pixels.ImageError):
                pixels.read_xwd(data, "shot.xwd")


class Comparison(unittest.TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="vectra-screen-test-"))
        self.addCleanup(shutil.rmtree, self.folder, True)
        (self.folder / "reference.png").write_bytes(pixels.write_png(card()))
        self.output = self.folder / "build"

    def evaluate(self, actual, **changes):
        return screen.evaluate(check(**changes), 1, actual, self.folder / "reference.png", self.output)

    def test_a_matching_screenshot_passes_and_keeps_only_the_matched_screenshot(self):
        outcome = self.evaluate(card())
        self.assertTrue(outcome.passed, outcome.reasons)
        self.assertEqual(outcome.written, [])
        self.assertEqual([path.name for path in self.output.iterdir()], ["screen-1-matched.png"])
        self.assertEqual(pixels.read_png((self.output / "screen-1-matched.png").read_bytes()).rgb, card().rgb)

    def test_a_failing_screenshot_removes_an_earlier_matched_one(self):
        self.assertTrue(self.evaluate(card()).passed)
        self.assertFalse(self.evaluate(card(16, 16)).passed)
        self.assertFalse((self.output / "screen-1-matched.png").exists())

    def test_slightly_off_within_the_tolerance_passes(self):
        actual = card()
        actual.rgb = bytearray(min(255, value + 3) for value in actual.rgb)
        self.assertFalse(self.evaluate(actual).passed)
        self.assertTrue(self.evaluate(actual, tolerance=3).passed)

    def test_a_few_wrong_pixels_within_the_budget_pass(self):
        actual = card()
        actual.rgb[0:3] = b"\x00\xff\x00"
        self.assertFalse(self.evaluate(actual).passed)
        self.assertTrue(self.evaluate(actual, max_differing_pixels=1).passed)

    def test_a_wrong_image_fails_naming_the_region_and_writes_screenshot_and_diff(self):
        actual = card()
        for y in range(16):  # the right half turned black
            for x in range(16, 32):
                offset = (y * 32 + x) * 3
                actual.rgb[offset:offset + 3] = b"\x00\x00\x00"
        outcome = self.evaluate(actual)
        self.assertFalse(outcome.passed)
        self.assertEqual(len(outcome.reasons), 1)
        self.assertIn("region right:", outcome.reasons[0])
        self.assertIn("at most 0 allowed", outcome.reasons[0])
        self.assertEqual([path.name for path in outcome.written], ["screen-1-actual.png", "screen-1-diff.png"])
        diff = pixels.read_png(outcome.written[1].read_bytes())
        self.assertEqual(diff.pixel(20, 3), (255, 0, 0))  # differs
        self.assertEqual(diff.pixel(3, 3), (200 >> 2, 10 >> 2, 10 >> 2))  # same, dimmed
        self.assertEqual(pixels.read_png(outcome.written[0].read_bytes()).rgb, actual.rgb)
        # The next, passing run removes them.
        self.assertTrue(self.evaluate(card()).passed)
        self.assertFalse(any(path.exists() for path in outcome.written))

    def test_a_screenshot_of_another_size_fails_on_the_regions_outside_it(self):
        outcome = self.evaluate(card(16, 16))
        self.assertFalse(outcome.passed)
        self.assertIn("region right: region reaches outside the screenshot (16x16)", outcome.reasons[-1])

    def test_a_malformed_or_missing_reference_fails_clearly(self):
        (self.folder / "reference.png").write_bytes(b"\x89PNG\r\n\x1a\nnonsense")
        outcome = self.evaluate(card())
        self.assertFalse(outcome.passed)
        self.assertIn("reference.png: truncated chunk", outcome.reasons[0])
        (self.folder / "reference.png").unlink()
        outcome = self.evaluate(card())
        self.assertIn("cannot read reference", outcome.reasons[0])

    def test_the_watcher_shoots_after_its_line_and_reports_screens_never_taken(self):
        shots = []

        def capture(path):
            shots.append(path)
            return card()

        checks = (check(), check(after="^second$"))
        watcher = screen.ScreenWatcher(checks, self.folder, self.output, capture)
        for line in ["boot", "frame", "frame", "other"]:
            watcher.feed(line)
        self.assertEqual(len(shots), 1)
        self.assertEqual(watcher.reasons(), ["screen 2 never taken: no console line matched '^second$'"])
        watcher.feed("second")
        self.assertEqual(watcher.reasons(), [])

    def settling(self, frames, settle_ms):
        """A watcher whose capture returns `frames` in turn (the last for ever), on a clock that only
        its sleeps move; what it captured, and its outcome after one matching line."""
        now, shots = [0.0], []

        def capture(path):
            shots.append(now[0])
            return frames[min(len(shots), len(frames)) - 1]

        def sleep(seconds):
            now[0] += seconds

        watcher = screen.ScreenWatcher((check(settle_ms=settle_ms),), self.folder, self.output, capture,
                                       clock=lambda: now[0], sleep=sleep)
        watcher.feed("frame")
        return shots, watcher

    def test_a_frame_still_on_its_way_is_taken_again_until_it_matches(self):
        late = [card(16, 16), card(16, 16), card()]
        shots, watcher = self.settling(late, settle_ms=1000)
        self.assertEqual(len(shots), 3)
        self.assertEqual(watcher.reasons(), [])
        # The tries before are compared only: no screenshot or diff of theirs is left behind.
        self.assertEqual([path.name for path in self.output.iterdir()], ["screen-1-matched.png"])
        # Without settle_ms the first, unfinished frame is the verdict.
        shots, watcher = self.settling(late, settle_ms=0)
        self.assertEqual(len(shots), 1)
        self.assertIn("region right: region reaches outside", watcher.reasons()[-1])

    def test_a_frame_that_never_matches_fails_once_the_settle_time_is_over(self):
        shots, watcher = self.settling([card(16, 16)], settle_ms=500)
        self.assertEqual(len(shots), 6)  # at 0, 0.1, ... 0.5 s; the next would be past 0.5 s
        self.assertLessEqual(shots[-1], 0.5)
        self.assertTrue(watcher.reasons())  # both regions, as a single screenshot would fail
        self.assertEqual([path.name for path in watcher.written()], ["screen-1-actual.png", "screen-1-diff.png"])

    def test_a_failed_capture_is_a_reason(self):
        def capture(path):
            raise screen.CaptureError("QEMU closed the QMP connection")

        watcher = screen.ScreenWatcher((check(),), self.folder, self.output, capture)
        watcher.feed("frame")
        self.assertEqual(watcher.reasons(), ["screen 1: screenshot failed: QEMU closed the QMP connection"])


class OracleFields(unittest.TestCase):
    BASE = {"platforms": ["x86_64"], "patterns": ["^x$"]}

    def parse(self, **changes):
        data = dict(self.BASE)
        data.update(changes)
        return oracle.Oracle.parse(data, "images/screen/oracle.json")

    def test_screens_and_qemu_args_are_read(self):
        parsed = self.parse(qemu_args={"x86_64": ["-device", "ramfb"]}, screens=[{
            "after": "^frame$", "reference": "card.png", "tolerance": 2, "max_differing_pixels": 5,
            "regions": [{"name": "all", "x": 0, "y": 0, "width": 10, "height": 10}]}])
        self.assertEqual(parsed.qemu_arguments("x86_64"), ("-device", "ramfb"))
        self.assertEqual(parsed.qemu_arguments("hosted"), ())
        self.assertEqual(parsed.screens[0].tolerance, 2)
        self.assertEqual(parsed.screens[0].regions[0].name, "all")

    def test_malformed_entries_are_refused_naming_the_field(self):
        region = {"name": "all", "x": 0, "y": 0, "width": 10, "height": 10}
        good = {"after": "^x$", "reference": "a.png", "regions": [region]}
        cases = {
            "qemu_args": ({"qemu_args": "-device ramfb"}, "\"qemu_args\" must map platform names to lists"),
            "screens": ({"screens": {}}, "\"screens\" must be a list"),
            "after": ({"screens": [dict(good, after="(")]}, "screens[0].after"),
            "reference path": ({"screens": [dict(good, reference="../a.png")]}, "screens[0].reference"),
            "reference kind": ({"screens": [dict(good, reference="a.ppm")]}, "screens[0].reference"),
            "no regions": ({"screens": [dict(good, regions=[])]}, "screens[0].regions"),
            "region field": ({"screens": [dict(good, regions=[{"name": "a", "x": 0}])]}, "screens[0].regions[0]"),
            "zero width": ({"screens": [dict(good, regions=[dict(region, width=0)])]}, "regions[0].width"),
            "negative": ({"screens": [dict(good, regions=[dict(region, x=-1)])]}, "regions[0].x"),
            "duplicate": ({"screens": [dict(good, regions=[region, region])]}, "regions[1].name"),
            "tolerance": ({"screens": [dict(good, tolerance=256)]}, "screens[0].tolerance"),
            "settle": ({"screens": [dict(good, settle_ms=10001)]}, "screens[0].settle_ms"),
            "settle kind": ({"screens": [dict(good, settle_ms="1s")]}, "screens[0].settle_ms"),
            "unknown": ({"screens": [dict(good, colour=1)]}, "unknown field 'colour'"),
        }
        for label, (changes, expected) in cases.items():
            with self.subTest(label), self.assertRaises(oracle.OracleError) as raised:
                self.parse(**changes)
            self.assertIn(expected, str(raised.exception))
            self.assertTrue(str(raised.exception).startswith("images/screen/oracle.json"))


if __name__ == "__main__":
    unittest.main()
