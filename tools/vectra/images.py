# SPDX-License-Identifier: Apache-2.0
"""The images (images/<name>/) and platforms (platforms/<name>/platform.json) the repository holds."""

import dataclasses
import difflib
import json
from dataclasses import dataclass
from pathlib import Path

import oracle as oracles
import paths
from ui import Failure


@dataclass(frozen=True)
class Platform:
    name: str
    description: str
    exit_kind: str
    qemu: object  # the "qemu" object of platform.json, None for the hosted platform

    @property
    def hosted(self) -> bool:
        return self.qemu is None


@dataclass(frozen=True)
class Image:
    name: str
    folder: Path
    oracle: object  # oracles.Oracle, None when the image has no oracle.json

    @property
    def description(self) -> str:
        if self.oracle is not None and self.oracle.description:
            return self.oracle.description
        return "(no oracle.json)"


def _read_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as problem:
        raise Failure(f"cannot read {paths.relative(path)}: {problem}")


def load_platform(folder: Path) -> Platform:
    source = folder / "platform.json"
    data = _read_json(source)
    kind = data.get("exit_status", "process")
    if kind not in oracles.EXIT_KINDS:
        raise Failure(f"{paths.relative(source)}: unknown exit_status {kind!r}")
    qemu = data.get("qemu")
    if qemu is not None and not isinstance(qemu.get("binary"), str):
        raise Failure(f"{paths.relative(source)}: qemu.binary is missing")
    return Platform(folder.name, str(data.get("description", "")), kind, qemu)


def load_image(folder: Path) -> Image:
    source = folder / "oracle.json"
    oracle = None
    if source.exists():
        try:
            oracle = oracles.Oracle.parse(_read_json(source), paths.relative(source))
        except oracles.OracleError as problem:
            raise Failure(str(problem))
    return Image(folder.name, folder, oracle)


def all_platforms() -> dict:
    folders = sorted(path.parent for path in paths.PLATFORMS.glob("*/platform.json"))
    return {folder.name: load_platform(folder) for folder in folders}


def all_images() -> dict:
    """Every image folder: one holding a defconfig (what the build needs) or an oracle.json."""
    folders = {path.parent for pattern in ("*/defconfig", "*/oracle.json")
               for path in paths.IMAGES.glob(pattern)}
    return {folder.name: load_image(folder) for folder in sorted(folders)}


def did_you_mean(name: str, choices) -> str:
    """` (did you mean 'x'?)` for the closest choice, else ""."""
    close = difflib.get_close_matches(name, sorted(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def platform(name: str) -> Platform:
    platforms = all_platforms()
    if name not in platforms:
        raise Failure(f"unknown platform {name!r}{did_you_mean(name, platforms)}; "
                      f"the platforms are: {', '.join(platforms) or 'none'}")
    return platforms[name]


def image(name: str) -> Image:
    images = all_images()
    if name not in images:
        raise Failure(f"unknown image {name!r}{did_you_mean(name, images)}; "
                      f"the images are: {', '.join(images) or 'none'}")
    return images[name]


def with_overlays(image: Image, overlay_paths) -> Image:
    """`image` as built with the given overlay files: for each of images/overlays/<name>.conf, its
    oracle's "platform+<name>" QEMU arguments in place of the platform's (other overlay files, the
    user's own, change nothing here)."""
    for path in overlay_paths:
        path = Path(path)
        if image.oracle is not None and path.suffix == ".conf" and path.resolve().parent == (paths.IMAGES / "overlays").resolve():
            image = dataclasses.replace(image, oracle=image.oracle.for_overlay(path.stem))
    return image


def list_command(arguments) -> int:
    """`./vectra images`: one line per image, then one per platform."""
    images = all_images()
    platforms = all_platforms()
    width = max([len(name) for name in list(images) + list(platforms)] + [8])
    tested = {name: ",".join(entry.oracle.platforms) if entry.oracle else "-"
              for name, entry in images.items()}
    tested_width = max([len(text) for text in tested.values()] + [9])
    print("images:")
    for name, entry in images.items():
        print(f"  {name:<{width}}  {tested[name]:<{tested_width}}  {entry.description}")
    print("platforms:")
    for name, entry in platforms.items():
        print(f"  {name:<{width}}  {entry.description}")
    return 0
