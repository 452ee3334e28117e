# SPDX-License-Identifier: Apache-2.0
"""`./vectra debug [IMAGE] -p P`: the image under gdb, symbols loaded and sources found.

QEMU platforms: QEMU starts stopped at its first instruction with its gdbstub on a free local
port (`-S -gdb tcp:…`, TCG), its console going to build/<image>-<platform>/debug-console.log, and
gdb-multiarch attaches. Hosted: the image runs under gdb directly. Either way gdb gets the
repository as its source directory (debug information names files relative to it, whichever
build folder or ccache entry compiled them) and tools/vectra/gdb/vectra.py's helpers
(`vectra-tasks`, `vectra-task-stack NAME`). `--batch FILE` runs gdb's commands from FILE and exits,
for scripts and tests.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import build
import disks
import images
import paths
import qemu
import ui
from ui import Failure

HELPERS = paths.REPOSITORY / "tools" / "vectra" / "gdb" / "vectra.py"
CONSOLE_LOG = "debug-console.log"
GDBSTUB_WAIT_SECONDS = 10


def gdb_program() -> str:
    for name in ("gdb-multiarch", "gdb"):
        found = shutil.which(name)
        if found:
            return found
    raise Failure("gdb-multiarch is not installed: run ./vectra setup (Debian package gdb-multiarch)")


def free_port() -> int:
    """A local TCP port nothing listens on now (two debug sessions never share one)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gdb_command(elf: Path, port=None, batch=None, program_arguments=()) -> list:
    """gdb with the image's symbols, the repository as source directory and the helpers; attached
    to QEMU's gdbstub on `port`, or running the hosted image itself when port is None."""
    command = [gdb_program(), "-q"]
    if batch is not None:
        command += ["-nx", "-batch"]
    command += ["-ex", "set pagination off", "-ex", "set confirm off",
                "-ex", f"directory {paths.REPOSITORY}", "-ex", f"source {HELPERS}"]
    if port is not None:
        command += ["-ex", f"file {elf}", "-ex", f"target remote 127.0.0.1:{port}"]
    if batch is not None:
        command += ["-x", str(batch)]
    if port is None:
        command += ["--args", str(elf), *program_arguments]
    return command


def qemu_command(platform, elf: Path, port: int, image=None, disk_paths=()) -> list:
    """The platform's boot command under TCG (a gdbstub is simplest without KVM), stopped before
    the first instruction, its gdbstub on port; with the image's own QEMU arguments."""
    return qemu.command(platform, elf, "tcg", "test", image=image, disks=disk_paths) + ["-S", "-gdb", f"tcp:127.0.0.1:{port}"]


def wait_for_port(port: int, process) -> None:
    deadline = time.monotonic() + GDBSTUB_WAIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Failure(f"QEMU ended before its gdbstub listened (status {process.returncode})")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise Failure(f"QEMU's gdbstub did not listen on port {port} within {GDBSTUB_WAIT_SECONDS} s")


def debug_command(arguments) -> int:
    request = build.request_from(arguments)
    platform = images.platform(request.platform)
    elf = request.elf if arguments.no_build else build.build(request)
    if not elf.exists():
        raise Failure(f"--no-build: {paths.relative(elf)} does not exist")
    batch = Path(arguments.batch).resolve() if arguments.batch else None
    if batch is not None and not batch.is_file():
        raise Failure(f"--batch {arguments.batch!r} is not a file")
    image = images.with_overlays(images.image(request.image), request.overlays)
    try:
        disk_copies = disks.copies_for_run(image.folder, elf.parent, elf.parent / "run-disks")
    except (disks.DiskError, OSError) as problem:
        raise Failure(str(problem))
    if platform.hosted:
        if not arguments.batch:
            ui.step(f"debugging {request.name} under gdb: `run` starts it; vectra-tasks lists its Tasks")
        program_arguments = qemu.command(platform, elf, "host", "test", disks=disk_copies)[1:]
        return subprocess.run(gdb_command(elf, batch=batch, program_arguments=program_arguments)).returncode
    port = free_port()
    console = request.folder / CONSOLE_LOG
    command = qemu_command(platform, elf, port, image, disk_copies)
    with open(console, "w", encoding="utf-8", errors="replace") as log:
        emulator = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
    try:
        wait_for_port(port, emulator)
        if not arguments.batch:
            ui.step(f"QEMU stopped at its first instruction, gdbstub on port {port}; console: "
                    f"{paths.relative(console)}; `continue` boots (x86_64: use hbreak, the PVH loader "
                    f"copies the kernel over software breakpoints)")
        return subprocess.run(gdb_command(elf, port, batch)).returncode
    finally:
        emulator.kill()  # QEMU alone in its session: nothing else to stop
        emulator.wait()
