# SPDX-License-Identifier: Apache-2.0
"""`./vectra screenshots IMAGE [-p PLATFORM ...]`: the screenshots an image's screen oracle matched,
copied into docs/screenshots/ (the top README shows them), never made by hand.

A screen check that matches keeps its screenshot as build/<image>-<platform>/screen-<n>-matched.png
(screen.py); this copies each to docs/screenshots/<image>-<platform>-<n>.png. It refuses a platform
whose build has no matched screenshot for every screen check of the oracle, or one older than the
image it shows (vectra.elf): run `./vectra test IMAGE -p PLATFORM` first.
"""

import shutil
from pathlib import Path

import images
import paths
import ui
from ui import Failure

SCREENSHOTS = paths.REPOSITORY / "docs" / "screenshots"


def matched_screenshots(image_name: str, platform: str, checks: int, build_folder: Path) -> list:
    """The matched screenshot of each of `checks` screen checks in `build_folder`, in order; a
    Failure naming the first missing or stale one."""
    elf = build_folder / "vectra.elf"
    if not elf.exists():
        raise Failure(f"{image_name} is not built for {platform}: run ./vectra test {image_name} -p {platform}")
    found = []
    for number in range(1, checks + 1):
        shot = build_folder / f"screen-{number}-matched.png"
        if not shot.exists() or shot.stat().st_mtime < elf.stat().st_mtime:
            raise Failure(f"{paths.relative(shot)}: no screenshot of the last build matched screen {number}; "
                          f"run ./vectra test {image_name} -p {platform}")
        found.append(shot)
    return found


def copy_screenshots(image: images.Image, platforms: list, build_folder_of=paths.build_folder,
                     into: Path = SCREENSHOTS) -> list:
    """Copies every matched screenshot of `image` on `platforms` into `into`; the paths written.
    Every platform is checked before anything is copied."""
    oracle = image.oracle
    if oracle is None or not oracle.screens:
        raise Failure(f"image {image.name} has no screen oracle: nothing to copy")
    chosen = platforms or list(oracle.platforms)
    unknown = [name for name in chosen if name not in oracle.platforms]
    if unknown:
        raise Failure(f"image {image.name} is not tested on {', '.join(unknown)}")
    plan = []
    for platform in chosen:
        shots = matched_screenshots(image.name, platform, len(oracle.screens), build_folder_of(image.name, platform))
        plan += [(shot, into / f"{image.name}-{platform}-{number}.png") for number, shot in enumerate(shots, 1)]
    into.mkdir(parents=True, exist_ok=True)
    for source, target in plan:
        shutil.copyfile(source, target)
    return [target for _, target in plan]


def screenshots_command(arguments) -> int:
    for written in copy_screenshots(images.image(arguments.image), arguments.platform or []):
        ui.step(f"wrote {paths.relative(written)}")
    return 0


def add_command(commands) -> None:
    command = commands.add_parser("screenshots",
                                  help="copy the screenshots an image's screen oracle matched into docs/screenshots")
    command.add_argument("image", help="an image with a screen oracle, tested on the platforms named")
    command.add_argument("-p", "--platform", action="append",
                         help="a platform (repeatable; default: every platform of the image's oracle)")
    command.set_defaults(handler=screenshots_command)
