# SPDX-License-Identifier: Apache-2.0
"""`./vectra setup`: installs the Debian packages that are missing, then prefetches the ports.

Every other command runs ensure_packages() first; with nothing missing it costs one dpkg-query.
"""

import os
import shutil
import subprocess
import sys

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


APT_LOG = paths.BUILD / "apt.log"


def _apt_get(arguments: list) -> int:
    """Runs apt-get with its whole output appended to build/apt.log; a terminal sees one line that
    follows its progress. A failure shows the log's last lines."""
    command = ["apt-get", *APT_OPTIONS, *arguments]
    if os.geteuid() != 0:
        command = ["sudo", *command]
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    APT_LOG.parent.mkdir(exist_ok=True)
    terminal = sys.stdout.isatty()
    width = shutil.get_terminal_size((80, 24)).columns - 1
    recent = []
    try:
        with open(APT_LOG, "a", encoding="utf-8", errors="replace") as log, \
                subprocess.Popen(command, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, errors="replace") as process:
            log.write(f"$ {ui.command_line(command)}\n")
            for line in process.stdout:
                log.write(line)
                recent = (recent + [line.rstrip()])[-20:]
                if terminal and line.strip():
                    print(f"\r\033[K    {line.strip()}"[:width], end="", flush=True)
    except FileNotFoundError as problem:
        raise Failure(f"cannot run {command[0]}: {problem}")
    if terminal:
        print("\r\033[K", end="", flush=True)
    if process.returncode != 0:
        for line in recent:
            print(f"    | {line}")
        print(f"    (full output: {paths.relative(APT_LOG)})")
    return process.returncode


def install(names: list) -> None:
    ui.step(f"installing {' '.join(names)} with apt-get (output: {paths.relative(APT_LOG)})")
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
