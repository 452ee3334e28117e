# SPDX-License-Identifier: Apache-2.0
"""Screen oracles: screenshots compared with reference images, region by region.

An oracle's optional "screens" list holds checks, each taken once, after a console line:
  after                 a regular expression; the screenshot is taken when a console line matches
                        it (after the line that matched the previous screen's, if any)
  reference             a PNG in the image folder (8-bit RGB or RGBA, not interlaced)
  regions               [{"name", "x", "y", "width", "height"}]: the parts compared, in pixels
  tolerance             optional, default 0: how far each of R, G, B may differ and still match
  max_differing_pixels  optional, default 0: how many pixels of a region may differ beyond the
                        tolerance before the region fails
  settle_ms             optional, default 0 (at most 10000): how long after the line the frame may
                        still be on its way to the screen — a screenshot that does not match is
                        taken again, every SETTLE_STEP_SECONDS, until one matches or the time is
                        over (a display that presents through a device, such as virtio-gpu's
                        transfer and flush, shows a frame a moment after the client's line)

The image must keep its frame up for a moment after the line (the test card holds it 2 s).
On a mismatch the harness writes the last screenshot and a diff image (differing pixels red, the
rest dimmed) into the image's build folder and names both; a screenshot that matched is kept there
as screen-<n>-matched.png (`./vectra screenshots` copies those into docs/screenshots).
"""

import re
import time
from dataclasses import dataclass

import pixels
import steps

REGION_FIELDS = ("x", "y", "width", "height")
SETTLE_STEP_SECONDS = 0.1
MAX_SETTLE_MS = 10000


class ScreenError(ValueError):
    """A screens entry that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Region:
    name: str
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class ScreenCheck:
    after: object  # compiled regular expression
    reference: str
    regions: tuple
    tolerance: int = 0
    max_differing_pixels: int = 0
    settle_ms: int = 0


def _integer(value, where, minimum=0, maximum=1 << 16):
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ScreenError(f"{where} must be an integer from {minimum} to {maximum}")
    return value


def parse_all(data, source: str) -> tuple:
    if not isinstance(data, list):
        raise ScreenError(f"{source}: \"screens\" must be a list")
    return tuple(parse(entry, f"{source}: screens[{index}]") for index, entry in enumerate(data))


def parse(entry, where: str) -> ScreenCheck:
    steps.check_object(entry, where, {"after", "reference", "regions", "tolerance", "max_differing_pixels", "settle_ms"},
                       ScreenError)
    compiled = steps.after_pattern(entry, where, ScreenError)
    reference = entry.get("reference")
    if not isinstance(reference, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+\.png", reference):
        raise ScreenError(f"{where}.reference must name a .png file in the image folder")
    regions = entry.get("regions")
    if not isinstance(regions, list) or not regions:
        raise ScreenError(f"{where}.regions must be a non-empty list")
    parsed, names = [], set()
    for index, region in enumerate(regions):
        field = f"{where}.regions[{index}]"
        if not isinstance(region, dict) or set(region) != {"name", *REGION_FIELDS}:
            raise ScreenError(f"{field} must be an object with name, x, y, width and height")
        name = region["name"]
        if not isinstance(name, str) or not name or name in names:
            raise ScreenError(f"{field}.name must be a non-empty string, unique in the screen")
        names.add(name)
        x, y = (_integer(region[key], f"{field}.{key}") for key in ("x", "y"))
        width, height = (_integer(region[key], f"{field}.{key}", minimum=1) for key in ("width", "height"))
        parsed.append(Region(name, x, y, width, height))
    return ScreenCheck(compiled, reference, tuple(parsed),
                       _integer(entry.get("tolerance", 0), f"{where}.tolerance", maximum=255),
                       _integer(entry.get("max_differing_pixels", 0), f"{where}.max_differing_pixels",
                                maximum=1 << 28),
                       _integer(entry.get("settle_ms", 0), f"{where}.settle_ms", maximum=MAX_SETTLE_MS))


@dataclass
class ScreenOutcome:
    """One screen check's result: passed, or the reasons and the files written for a human."""

    number: int  # 1-based, in the oracle's order
    passed: bool
    reasons: list
    written: list  # paths of the screenshot and diff written on a mismatch


def evaluate(check: ScreenCheck, number: int, actual, reference_path, output_folder,
             write: bool = True) -> ScreenOutcome:
    """Compares `actual` (a pixels.Image) with the reference, region by region. On a mismatch the
    screenshot and a diff image go to `output_folder` as screen-<n>-actual.png / -diff.png; a match
    is kept as screen-<n>-matched.png. `write=False` compares only (a try the watcher may repeat:
    the diff image alone takes seconds in pure Python)."""
    try:
        reference = pixels.read_png(reference_path.read_bytes(), str(reference_path))
    except OSError as problem:
        return ScreenOutcome(number, False, [f"screen {number}: cannot read reference {reference_path}: "
                                             f"{problem.strerror or problem}"], [])
    except pixels.ImageError as problem:
        return ScreenOutcome(number, False, [f"screen {number}: {problem}"], [])
    reasons = []
    for region in check.regions:
        result = pixels.compare_region(actual, reference, region, check.tolerance)
        if result.problem:
            reasons.append(f"screen {number} region {region.name}: {result.problem}")
        elif result.differing > check.max_differing_pixels:
            reasons.append(f"screen {number} region {region.name}: {result.differing} pixels differ by more than "
                           f"{check.tolerance} (worst {result.worst}), at most {check.max_differing_pixels} allowed")
    if not write:
        return ScreenOutcome(number, not reasons, reasons, [])
    written = []
    actual_path = output_folder / f"screen-{number}-actual.png"
    diff_path = output_folder / f"screen-{number}-diff.png"
    matched_path = output_folder / f"screen-{number}-matched.png"
    matched_path.unlink(missing_ok=True)
    if not reasons:
        # A passing run leaves no screenshot of an earlier failure behind to mislead, and keeps the
        # one that matched (the README's screenshots are copied from it).
        actual_path.unlink(missing_ok=True)
        diff_path.unlink(missing_ok=True)
        output_folder.mkdir(parents=True, exist_ok=True)
        matched_path.write_bytes(pixels.write_png(actual))
    else:
        output_folder.mkdir(parents=True, exist_ok=True)
        actual_path.write_bytes(pixels.write_png(actual))
        diff_path.write_bytes(pixels.write_png(pixels.diff_image(actual, reference, check.tolerance)))
        written = [actual_path, diff_path]
    return ScreenOutcome(number, not reasons, reasons, written)


class ScreenWatcher:
    """Follows the console like the line matcher: when a line matches the next screen check's
    `after`, takes a screenshot with `capture(path) -> pixels.Image` and compares it; while it does
    not match and the check's `settle_ms` since the line is not over, takes it again. `clock` and
    `sleep` are the time's (a test's own)."""

    def __init__(self, checks, image_folder, output_folder, capture, clock=time.monotonic, sleep=time.sleep):
        self.checks = checks
        self.image_folder = image_folder
        self.output_folder = output_folder
        self.capture = capture
        self.clock = clock
        self.sleep = sleep
        self.outcomes = []

    def feed(self, line: str) -> None:
        index = len(self.outcomes)
        if index >= len(self.checks) or not self.checks[index].after.search(line):
            return
        check = self.checks[index]
        deadline = self.clock() + check.settle_ms / 1000
        while True:
            try:
                actual = self.capture(self.output_folder / f"screen-{index + 1}.raw")
            except (OSError, pixels.ImageError, CaptureError) as problem:
                self.outcomes.append(ScreenOutcome(index + 1, False,
                                                   [f"screen {index + 1}: screenshot failed: {problem}"], []))
                return
            reference = self.image_folder / check.reference
            outcome = evaluate(check, index + 1, actual, reference, self.output_folder, write=False)
            if outcome.passed or self.clock() + SETTLE_STEP_SECONDS > deadline:
                # The verdict's screenshot is kept: matched, or with its diff image.
                self.outcomes.append(evaluate(check, index + 1, actual, reference, self.output_folder))
                return
            self.sleep(SETTLE_STEP_SECONDS)

    def reasons(self) -> list:
        """Why the screens failed (empty when every check was taken and matched)."""
        reasons = [reason for outcome in self.outcomes for reason in outcome.reasons]
        if len(self.outcomes) < len(self.checks):
            missing = len(self.outcomes) + 1
            reasons.append(f"screen {missing} never taken: no console line matched "
                           f"'{self.checks[missing - 1].after.pattern}'")
        return reasons

    def written(self) -> list:
        return [path for outcome in self.outcomes for path in outcome.written]


class CaptureError(RuntimeError):
    """A screenshot could not be taken (QMP or X answered with an error, or not at all)."""
