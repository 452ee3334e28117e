# SPDX-License-Identifier: Apache-2.0
"""`./vectra menuconfig` and `./vectra savedefconfig`: the build's Kconfig configuration, through
tools/kconfig/configure.py (which keeps menuconfig changes in <build>/menuconfig.conf)."""

import subprocess
from pathlib import Path

import build
import paths
from ui import Failure


def cache_value(folder: Path, name: str) -> str:
    """A variable of <build>/CMakeCache.txt ("" when absent)."""
    try:
        text = (folder / "CMakeCache.txt").read_text(errors="replace")
    except OSError:
        return ""
    for line in text.splitlines():
        key, equals, value = line.partition("=")
        if equals and key.split(":", 1)[0] == name:
            return value
    return ""


def _split(value: str) -> tuple:
    return tuple(item for item in value.split(";") if item)


def configured_request(arguments) -> build.BuildRequest:
    """The build folder configured as asked: with the given --overlay/--set, or else with the ones
    the folder was last configured with (menuconfig edits the build as it stands)."""
    request = build.request_from(arguments)
    if not arguments.overlay and not arguments.set and (request.folder / "CMakeCache.txt").exists():
        request = build.BuildRequest(request.image, request.platform,
                                     _split(cache_value(request.folder, "VECTRA_OVERLAYS")),
                                     _split(cache_value(request.folder, "VECTRA_SET")), request.jobs)
    paths.BUILD.mkdir(exist_ok=True)
    build.configure(request)
    return request


def configure_tool() -> str:
    if not paths.CONFIGURE_PY.exists():
        raise Failure(f"{paths.relative(paths.CONFIGURE_PY)} is missing")
    return str(paths.CONFIGURE_PY)


def tree_arguments() -> list:
    return ["--kconfig", str(paths.KCONFIG_ROOT), "--srctree", str(paths.REPOSITORY)]


def input_arguments(request: build.BuildRequest) -> list:
    """The fragments in the order the CMake glue merges them (menuconfig.conf is configure.py's)."""
    fragments = [paths.PLATFORMS / request.platform / "defconfig", paths.IMAGES / request.image / "defconfig",
                 *request.overlays]
    arguments = tree_arguments()
    for fragment in fragments:
        arguments += ["--fragment", str(fragment)]
    for assignment in request.assignments:
        arguments += ["--set", assignment]
    return arguments


def menuconfig_command(arguments) -> int:
    request = configured_request(arguments)
    command = [paths.PYTHON, configure_tool(), "menuconfig", *input_arguments(request),
               "--build-dir", str(request.folder)]
    status = subprocess.run(command).returncode
    if status != 0:
        raise Failure(f"menuconfig failed (exit {status})")
    build.configure(request, force=True)
    menuconfig_file = request.folder / "menuconfig.conf"
    if menuconfig_file.exists():
        print(f"your changes are kept in {paths.relative(menuconfig_file)} (delete it to drop them); "
              f"./vectra build {request.image} -p {request.platform} builds with them")
    return 0


def savedefconfig_command(arguments) -> int:
    request = configured_request(arguments)
    out = Path(arguments.out).expanduser().resolve() if arguments.out else request.folder / "defconfig"
    command = [paths.PYTHON, configure_tool(), "savedefconfig", *tree_arguments(),
               "--build-dir", str(request.folder), "--out", str(out)]
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise Failure(f"savedefconfig failed (exit {result.returncode})")
    print(f"minimal configuration of {request.name} written to {paths.relative(out)}")
    return 0
