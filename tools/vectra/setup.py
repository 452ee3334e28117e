# SPDX-License-Identifier: Apache-2.0
"""`./vectra setup`: installs the Debian packages that are missing, then prefetches the ports.

Every other command runs ensure_packages() first; with nothing missing it costs one dpkg-query.
"""

import os
import subprocess

import paths
import ui
from ui import Failure

PACKAGE_LIST = paths.REPOSITORY / "tools" / "vectra" / "packages.txt"
APT_OPTIONS = ["-o", "DPkg::Lock::Timeout=600"]


def required_packages() -> list:
    names = []
    for line in PACKAGE_LIST.read_text().splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.append(name)
    return names


def parse_dpkg_query(output: str) -> set:
    """Installed package names from `dpkg-query -W -f '${Package} ${db:Status-Status}\\n'`."""
    installed = set()
    for line in output.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[1] == "installed":
            installed.add(fields[0].split(":", 1)[0])
    return installed


def missing_packages(names: list) -> list:
    """One dpkg-query call; packages it does not know at all count as missing."""
    try:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Package} ${db:Status-Status}\\n", *names],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    except FileNotFoundError:
        raise Failure("dpkg-query not found: ./vectra setup needs a Debian or Ubuntu machine")
    installed = parse_dpkg_query(result.stdout)
    return [name for name in names if name not in installed]


def _apt_get(arguments: list) -> int:
    command = ["apt-get", *APT_OPTIONS, *arguments]
    if os.geteuid() != 0:
        command = ["sudo", *command]
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        return subprocess.run(command, env=environment, stdin=subprocess.DEVNULL).returncode
    except FileNotFoundError as problem:
        raise Failure(f"cannot run {command[0]}: {problem}")


def install(names: list) -> None:
    ui.step(f"installing {' '.join(names)} with apt-get")
    if _apt_get(["update"]) != 0:
        raise Failure("apt-get update failed")
    if _apt_get(["install", "-y", "--no-install-recommends", *names]) != 0:
        raise Failure(f"apt-get install failed for: {' '.join(names)}")


def ensure_packages() -> list:
    """Installs whatever is missing; returns what was installed (nothing, usually)."""
    missing = missing_packages(required_packages())
    if missing:
        install(missing)
    return missing


def prefetch_ports() -> None:
    if not paths.FETCH_PY.exists():
        ui.note(f"{paths.relative(paths.FETCH_PY)} is not there yet; skipping the ports prefetch")
        return
    ui.step("prefetching the ports the images need")
    command = [paths.PYTHON, str(paths.FETCH_PY), "--prefetch", str(paths.REPOSITORY)]
    if subprocess.run(command, stdin=subprocess.DEVNULL).returncode != 0:
        raise Failure("prefetching the ports failed (the network is needed the first time)")


def setup_command(arguments) -> int:
    installed = ensure_packages()
    if not installed:
        print(f"all {len(required_packages())} packages are installed")
    prefetch_ports()
    print("set-up complete")
    return 0
