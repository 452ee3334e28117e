# SPDX-License-Identifier: Apache-2.0
"""Where things live: the repository, its build folders, and the tools other parts provide."""

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
BUILD = REPOSITORY / "build"
HOST_TESTS = BUILD / "host-tests"
IMAGES = REPOSITORY / "images"
PLATFORMS = REPOSITORY / "platforms"
TOOLCHAINS = REPOSITORY / "cmake" / "toolchain"
KCONFIG_ROOT = REPOSITORY / "Kconfig"
CONFIGURE_PY = REPOSITORY / "tools" / "kconfig" / "configure.py"
FETCH_PY = REPOSITORY / "tools" / "ports" / "fetch.py"
PYTHON = "/usr/bin/python3"


def build_folder(image: str, platform: str) -> Path:
    """build/<image>-<platform>: one folder per configured image."""
    return BUILD / f"{image}-{platform}"


def image_file(image: str, platform: str) -> Path:
    return build_folder(image, platform) / "vectra.elf"


def relative(path: Path) -> str:
    """A path as the user should read it: relative to the repository when inside it."""
    try:
        return str(Path(path).resolve().relative_to(REPOSITORY))
    except ValueError:
        return str(path)
