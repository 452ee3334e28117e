# SPDX-License-Identifier: Apache-2.0
"""`./vectra top [IMAGE] -p P`: each Task of a running image — state, band, CPU, time used, Reticle
bytes, capabilities by class, Ring depths — from the kernel's own debug snapshot
(vectra/kernel/Snapshot.h, docs/adr/0011-debug-snapshots.md), refreshed every --interval seconds,
or printed once with --once.

The snapshot is a table in the image's memory, found by the ELF symbol `vectra_debug_snapshot`
and copied out without stopping the image: on QEMU through its monitor (QMP `pmemsave` on the
socket build/<image>-<platform>/qmp.sock that `./vectra run` and this command give QEMU), on
hosted through /proc/<pid>/mem. If the image is already running (`./vectra run` in another
terminal) top attaches to it; otherwise it builds the image with CONFIG_INITD_STAY_UP=y in
build/<image>-<platform>+top and launches it there, console in top-console.log, and stops it
when top ends.
"""

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import boot
import build
import elf as elves
import images
import paths
import qemu
import snapshot as snapshots
import ui
from ui import Failure

SYMBOL = "vectra_debug_snapshot"
QMP_SOCKET = "qmp.sock"
CONSOLE_LOG = "top-console.log"
STAY_UP = "CONFIG_INITD_STAY_UP=y"
# initd's line once a stay-up image has settled (services up, checks over): --once reads after it.
SETTLED = re.compile(r"^initd: checks finished \(status \d+\); staying up until stopped$")
COPY_ATTEMPTS = 50
QMP_TIMEOUT_SECONDS = 5.0
START_TIMEOUT_SECONDS = 120.0
CLEAR = "\x1b[H\x1b[2J"


def qmp_socket(folder: Path) -> Path:
    return folder / QMP_SOCKET


def remove_stale_socket(folder: Path) -> None:
    """QEMU will not listen where a socket file of an earlier run is left."""
    try:
        qmp_socket(folder).unlink()
    except FileNotFoundError:
        pass


def qmp_arguments(folder: Path) -> list:
    """What gives QEMU the monitor socket top reads guest memory through."""
    return ["-qmp", f"unix:{qmp_socket(folder)},server=on,wait=off"]


class QemuMemory:
    """Guest-physical memory of a running QEMU, read through its QMP socket."""

    def __init__(self, socket_path: Path, scratch: Path):
        self.scratch = scratch
        self.connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.connection.settimeout(QMP_TIMEOUT_SECONDS)
        try:
            self.connection.connect(str(socket_path))
        except OSError as problem:
            self.connection.close()
            raise Failure(f"cannot reach QEMU's monitor at {paths.relative(socket_path)}: "
                          f"{problem.strerror or problem}")
        self.pending = b""
        self._answer()  # the greeting
        self._execute("qmp_capabilities")

    def _line(self) -> dict:
        while b"\n" not in self.pending:
            try:
                chunk = self.connection.recv(65536)
            except OSError as problem:
                raise Failure(f"QEMU's monitor stopped answering: {problem.strerror or problem}")
            if not chunk:
                raise Failure("QEMU's monitor closed the connection (the image has ended)")
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        try:
            message = json.loads(line)
        except ValueError:
            raise Failure(f"QEMU's monitor sent something that is not JSON: {line[:80]!r}")
        if not isinstance(message, dict):
            raise Failure(f"QEMU's monitor sent {line[:80]!r}")
        return message

    def _answer(self) -> dict:
        while True:
            message = self._line()
            if "event" not in message:
                return message

    def _execute(self, command: str, **arguments) -> dict:
        request = {"execute": command, **({"arguments": arguments} if arguments else {})}
        self.connection.sendall(json.dumps(request).encode() + b"\n")
        answer = self._answer()
        if "error" in answer:
            description = answer["error"].get("desc", answer["error"]) if isinstance(answer["error"], dict) else answer["error"]
            raise Failure(f"QEMU's monitor refused {command}: {description}")
        return answer

    def execute(self, command: str, **arguments):
        """What QEMU's monitor returns for `command` (a Failure when it refuses)."""
        return self._execute(command, **arguments).get("return")

    def read(self, address: int, size: int) -> bytes:
        target = self.scratch / "top-snapshot.bin"
        self._execute("pmemsave", val=address, size=size, filename=str(target))
        return target.read_bytes()

    def close(self):
        self.connection.close()


class ProcessMemory:
    """Memory of a running hosted image, read through /proc/<pid>/mem."""

    def __init__(self, pid: int, elf: Path):
        self.pid = pid
        self.base = load_base(pid, elf)

    def read(self, address: int, size: int) -> bytes:
        try:
            with open(f"/proc/{self.pid}/mem", "rb", buffering=0) as memory:
                memory.seek(self.base + address)
                return memory.read(size)
        except FileNotFoundError:
            raise Failure(f"the image (process {self.pid}) has ended")
        except OSError as problem:
            raise Failure(f"cannot read the memory of process {self.pid}: {problem.strerror or problem} "
                          f"(ptrace access to it is needed)")

    def close(self):
        pass


def load_base(pid: int, elf: Path) -> int:
    """Where the kernel loaded the hosted image (a position-independent executable)."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError as problem:
        raise Failure(f"cannot read the mappings of process {pid}: {problem.strerror or problem}")
    wanted = str(elf.resolve())
    for line in maps.splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[5] in (wanted, wanted + " (deleted)") and int(fields[2], 16) == 0:
            lowest = min(segment.virtual_address for segment in elves.load_segments(elf))
            return int(fields[0].split("-")[0], 16) - (lowest & ~0xFFF)
    raise Failure(f"process {pid} has not mapped {paths.relative(elf)}")


def running_hosted(elf: Path):
    """The process id of a running hosted image built as `elf`, or None."""
    wanted = str(elf.resolve())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            target = os.readlink(entry / "exe")
        except OSError:
            continue
        if target in (wanted, wanted + " (deleted)"):
            return int(entry.name)
    return None


def locate(elf: Path) -> tuple:
    """(address the channel reads, bytes) of the snapshot table in `elf`."""
    try:
        address, size = elves.symbol(elf, SYMBOL)
    except ValueError:
        raise Failure(f"{paths.relative(elf)} has no debug snapshot: build it with CONFIG_DEBUG_SNAPSHOT=y")
    if size < snapshots.table_bytes(1):
        raise Failure(f"{paths.relative(elf)}: {SYMBOL} is {size} bytes, too small for a snapshot")
    return address, size


class NoSnapshotYet(Failure):
    """The table was never written: the image has not switched Tasks yet."""


def read_snapshot(memory, address: int, size: int) -> snapshots.Snapshot:
    """One whole snapshot: copies again while a copy is torn (the kernel was rewriting it)."""
    for attempt in range(COPY_ATTEMPTS):
        data = memory.read(address, size)
        try:
            return snapshots.decode(data)
        except snapshots.TornSnapshot:
            time.sleep(0.01)
        except snapshots.NoSnapshotYet as problem:
            raise NoSnapshotYet(f"the image has no debug snapshot yet: {problem}")
        except snapshots.SnapshotError as problem:
            raise Failure(f"the image's debug snapshot is unreadable: {problem}")
    raise Failure(f"every one of {COPY_ATTEMPTS} copies of the snapshot was torn")


class Target:
    """A running image top reads: attached to, or launched (and then stopped) by top."""

    def __init__(self, name: str, platform, elf: Path, memory, process=None, console=None):
        self.name = name
        self.platform = platform
        self.elf = elf
        self.memory = memory
        self.process = process
        self.console = console
        self.address, self.size = locate(elf)
        if not platform.hosted:
            self.address = elves.physical_address(elf, self.address)

    def has_snapshot(self) -> bool:
        """Whether the kernel has written its table yet (it does at the first switch)."""
        try:
            self.snapshot()
        except NoSnapshotYet:
            return False
        return True

    def snapshot(self) -> snapshots.Snapshot:
        if self.process is not None and self.process.poll() is not None:
            raise Failure(f"the image ended (exit code {self.process.returncode}); console: "
                          f"{paths.relative(self.console)}")
        return read_snapshot(self.memory, self.address, self.size)

    def close(self):
        self.memory.close()
        if self.process is not None:
            boot._kill_group(self.process)
            self.process.wait()


def attach(request, platform):
    """The image `./vectra run` is running for this request, or None."""
    if platform.hosted:
        pid = running_hosted(request.elf)
        if pid is None:
            return None
        return Target(request.name, platform, request.elf, ProcessMemory(pid, request.elf))
    socket_path = qmp_socket(request.folder)
    if not socket_path.exists():
        return None
    try:
        memory = QemuMemory(socket_path, request.folder)
    except Failure:
        return None  # a socket left behind by a QEMU that has ended
    return Target(request.name, platform, request.elf, memory)


class Console:
    """A launched image's console, followed into top-console.log on a thread: has it settled?"""

    def __init__(self, process, path: Path):
        self.path = path
        self.settled = threading.Event()
        self.log = open(path, "w", encoding="utf-8", errors="replace")
        threading.Thread(target=self.follow, args=(process,), daemon=True).start()

    def follow(self, process):
        with self.log:
            for raw in process.stdout:
                line = boot.oracles.console_line(raw)
                self.log.write(line + "\n")
                self.log.flush()
                if SETTLED.search(line):
                    self.settled.set()


def connect(platform, process, elf: Path, folder: Path):
    """The channel into a just-launched image, or None while it is not there yet."""
    if platform.hosted:
        return ProcessMemory(process.pid, elf)
    if not qmp_socket(folder).exists():
        return None
    try:
        return QemuMemory(qmp_socket(folder), folder)
    except Failure:
        return None  # QEMU made the socket but does not answer on it yet


def launch(request, platform, wait_until_settled: bool, timeout: float):
    """Builds the image (staying up) in build/<image>-<platform>+top and boots it there with a
    monitor socket; returns once a snapshot can be read (and, if asked, once initd says it settled)."""
    request = build.BuildRequest(request.image, request.platform, request.overlays, request.assignments + (STAY_UP,),
                                 request.jobs, folder_name=f"{request.name}+top")
    elf = build.build(request)
    remove_stale_socket(request.folder)
    command = qemu.command(platform, elf, "tcg", "test", image=images.image(request.image))
    if not platform.hosted:
        command += qmp_arguments(request.folder)
    process = boot._start(command)
    console = Console(process, request.folder / CONSOLE_LOG)
    where = f"console: {paths.relative(console.path)}"
    deadline = time.monotonic() + timeout
    target = None
    try:
        while True:
            if process.poll() is not None:
                raise Failure(f"{request.name} ended (exit code {process.returncode}) before top could read it; {where}")
            if time.monotonic() > deadline:
                raise Failure(f"{request.name}: nothing to read within {timeout:g} s; {where}")
            if target is None:
                memory = connect(platform, process, elf, request.folder)
                target = Target(request.name, platform, elf, memory, process, console.path) if memory else None
            if target is not None and target.has_snapshot() and (console.settled.is_set() or not wait_until_settled):
                return target
            time.sleep(0.05)
    except BaseException:
        if target is not None:
            target.memory.close()
        boot._kill_group(process)
        process.wait()
        raise


def settled_snapshot(target, timeout: float) -> snapshots.Snapshot:
    """The first snapshot written after the image settled: initd's heartbeat brings a new one each second."""
    first = target.snapshot()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = target.snapshot()
        if current.generation != first.generation:
            return current
        time.sleep(0.1)
    raise Failure(f"the snapshot did not change within {timeout:g} s after the image settled")


def top_command(arguments) -> int:
    request = build.request_from(arguments)
    platform = images.platform(request.platform)
    if arguments.interval <= 0:
        raise Failure("--interval must be a positive number of seconds")
    target = None if arguments.launch else attach(request, platform)
    launched = target is None
    if launched:
        if arguments.attach:
            raise Failure(f"no running {request.name} to attach to: start it with `./vectra run {request.image} "
                          f"-p {request.platform}` (built with --set {STAY_UP} to keep it up), or leave out --attach")
        # With --once, standard output holds the table alone: building goes to standard error.
        with ui.stdout_to_stderr() if arguments.once else contextlib.nullcontext():
            target = launch(request, platform, arguments.once, arguments.timeout)
    try:
        title = f"{target.name} ({'launched by top' if launched else 'attached'})"
        if arguments.once:
            current = settled_snapshot(target, 5.0) if launched else target.snapshot()
            print("\n".join(snapshots.table(current, title)))
            return 0
        previous = None
        while True:
            current = target.snapshot()
            sys.stdout.write(CLEAR + "\n".join(snapshots.table(current, title, previous)) +
                             "\n\n(Ctrl-C quits)\n")
            sys.stdout.flush()
            previous = current
            time.sleep(arguments.interval)
    except KeyboardInterrupt:
        return 0
    finally:
        target.close()


def add_command(commands, common, add_image_arguments, add_configuration_arguments) -> None:
    command = commands.add_parser(
        "top", parents=[common], help="each Task of a running image, live, from the kernel's snapshot",
        description="Each Task of a running image — state, band, CPU, time used, Reticle bytes used/granted, "
                    "capabilities by class, depth of every Ring end it has bound — read from the kernel's own "
                    "debug snapshot (CONFIG_DEBUG_SNAPSHOT) without stopping the image. If `./vectra run` is "
                    "running the image, top attaches to it (QEMU: its monitor socket; hosted: /proc/<pid>/mem). "
                    "Otherwise top builds the image with CONFIG_INITD_STAY_UP=y in "
                    "build/<image>-<platform>+top, launches it (console in top-console.log there; --overlay and "
                    "--set apply to that build) and stops it when it ends. To keep an image `./vectra run` "
                    "starts up after its checks, run it with --set CONFIG_INITD_STAY_UP=y.")
    add_image_arguments(command)
    add_configuration_arguments(command)
    command.add_argument("--once", action="store_true",
                         help="print one snapshot and exit (launched images: the first after initd says it settled)")
    command.add_argument("--interval", type=float, default=1.0, metavar="SECONDS",
                         help="seconds between refreshes (default 1)")
    mode = command.add_mutually_exclusive_group()
    mode.add_argument("--attach", action="store_true", help="only attach to a running image; never launch one")
    mode.add_argument("--launch", action="store_true", help="always launch the image, even if one is running")
    command.add_argument("--timeout", type=float, default=START_TIMEOUT_SECONDS, metavar="SECONDS",
                         help=f"how long a launched image may take to settle (default {START_TIMEOUT_SECONDS:g})")
    command.set_defaults(handler=top_command)
