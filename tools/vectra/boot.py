# SPDX-License-Identifier: Apache-2.0
"""Boots an image under test: runs QEMU (or the hosted process), captures its console to a log,
feeds each line to the oracle matcher, and stops it on timeout by killing its process group.
Given the image's ELF, it follows each FAULT report with the source line of its pc
(symbolise.py), fed to the matcher like any console line."""

import errno
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import oracle as oracles
import symbolise

# After a forbidden line (PANIC:, FAULT:) the run has failed; give the guest this long to print
# the rest of its report and power off, then stop it instead of waiting for the full timeout.
FORBIDDEN_GRACE_SECONDS = 3.0

# Guests booting right now (boots may run on several threads at once): on Ctrl-C or SIGTERM the
# main thread stops them all with stop_all().
_running = set()
_running_lock = threading.Lock()


@dataclass
class BootResult:
    exit_code: object  # None when the process had to be killed
    timed_out: bool
    seconds: float
    lines: list
    stopped_after_forbidden: bool = False
    start_error: str = ""
    first_line_seconds: float = -1.0  # process start → first console line of the guest's own code
    stopped: bool = False  # ended by the caller's `stop` event (a benchmark's server), not by itself


def _start(command, environment=None) -> subprocess.Popen:
    """Starts a guest. A hosted image just linked can be briefly "busy" (ETXTBSY): while another
    thread of this harness forks a build or a boot, the child holds every descriptor the process
    had open until it execs, so an executable written a moment ago may still count as open for
    writing. That passes within milliseconds; any other error is reported at once."""
    for attempt in range(20):
        try:
            return subprocess.Popen([str(part) for part in command], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                                    env=environment)
        except OSError as problem:
            if problem.errno != errno.ETXTBSY or attempt == 19:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def stop_all() -> None:
    """Kills the process group of every guest still booting."""
    with _running_lock:
        running = list(_running)
    for process in running:
        _kill_group(process)


def boot(command: list, log_path: Path, timeout_seconds: float, matcher: oracles.ConsoleMatcher = None,
         echo: bool = False, symbols: Path = None, on_line=None, environment=None,
         stop: threading.Event = None) -> BootResult:
    """Runs `command` in its own process group with the console (stdout + stderr) captured; with
    `symbols` (the image's ELF) each FAULT report is followed by a line naming its source line.

    `on_line(line)` sees every console line after the matcher (screen oracles take their
    screenshots there) and may return lines of its own, taken as console lines after it (the
    host client's outcome); `environment` replaces the process environment (a hosted image's DISPLAY).
    `stop`, once set, ends a guest that never powers off (a server a benchmark drove): it is killed,
    not timed out, and the result says `stopped`."""
    lines = []
    log_path.parent.mkdir(parents=True, exist_ok=True)
    forbidden_seen = threading.Event()
    exited = threading.Event()
    ended_at = [0.0]
    first_line_at = [0.0]
    with open(log_path, "w", encoding="utf-8", errors="replace") as log:
        started_at = time.monotonic()
        try:
            process = _start(command, environment)
        except OSError as problem:
            message = f"cannot start {command[0]}: {problem.strerror or problem}"
            log.write(message + "\n")
            return BootResult(None, False, 0.0, [message], start_error=message)
        with _running_lock:
            _running.add(process)

        def take(line):
            lines.append(line)
            log.write(line + "\n")
            log.flush()
            if echo:
                print(f"  | {line}", flush=True)
            if matcher is not None:
                matcher.feed(line)
                if matcher.forbidden_line is not None:
                    forbidden_seen.set()
            if on_line is not None:
                for extra in on_line(line) or ():
                    take(extra)

        def read_console():
            for raw in process.stdout:
                line = oracles.console_line(raw)
                if not lines:
                    first_line_at[0] = time.monotonic()
                take(line)
                source = symbolise.annotation(line, symbols) if symbols is not None else None
                if source is not None:
                    take(source)

        def wait_for_exit():
            process.wait()
            ended_at[0] = time.monotonic()
            exited.set()

        reader = threading.Thread(target=read_console, daemon=True)
        waiter = threading.Thread(target=wait_for_exit, daemon=True)
        reader.start()
        waiter.start()

        deadline = started_at + timeout_seconds
        timed_out = False
        stopped = False
        stopped_after_forbidden = False
        try:
            while not exited.is_set():
                now = time.monotonic()
                if forbidden_seen.is_set() and not stopped_after_forbidden:
                    stopped_after_forbidden = True
                    deadline = min(deadline, now + FORBIDDEN_GRACE_SECONDS)
                if stop is not None and stop.is_set():
                    stopped = True
                    _kill_group(process)
                    break
                if now >= deadline:
                    timed_out = not stopped_after_forbidden
                    _kill_group(process)
                    break
                exited.wait(min(0.2, deadline - now))
        finally:
            if not exited.is_set():
                _kill_group(process)
        waiter.join()
        reader.join(timeout=5)
        if reader.is_alive():
            # Something else in the process group still holds the console open.
            _kill_group(process)
            reader.join(timeout=5)
        process.stdout.close()
        with _running_lock:
            _running.discard(process)
    killed = timed_out or stopped or (stopped_after_forbidden and process.returncode == -signal.SIGKILL)
    return BootResult(
        exit_code=None if killed else process.returncode,
        timed_out=timed_out,
        seconds=ended_at[0] - started_at,
        lines=lines,
        stopped_after_forbidden=stopped_after_forbidden,
        stopped=stopped,
        first_line_seconds=first_line_at[0] - started_at if lines else -1.0,
    )


def _relay(source, symbols: Path) -> None:
    """Copies the guest's output to this terminal as it comes, each FAULT report followed by its
    source line. The terminal may be raw (QEMU's mon:stdio), so added lines end in \r\n."""
    output = os.fdopen(os.dup(1), "wb", buffering=0)
    pending = b""
    while True:
        chunk = os.read(source.fileno(), 4096)
        if not chunk:
            break
        output.write(chunk)
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for raw in complete:
            source_line = symbolise.annotation(oracles.console_line(raw), symbols)
            if source_line is not None:
                output.write(source_line.encode() + b"\r\n")
        pending = pending[-4096:]
    output.close()


def interactive(command: list, symbols: Path = None) -> int:
    """Runs `command` attached to the terminal; returns its exit code (negative: killed by signal).
    With `symbols` (the image's ELF) its output passes through here so FAULT reports get their
    source line; its input stays the terminal."""
    try:
        process = subprocess.Popen([str(part) for part in command],
                                   stdout=subprocess.PIPE if symbols is not None else None)
    except OSError as problem:
        raise OSError(f"cannot start {command[0]}: {problem.strerror or problem}")
    relay = None
    if symbols is not None:
        relay = threading.Thread(target=_relay, args=(process.stdout, symbols), daemon=True)
        relay.start()
    while True:
        try:
            code = process.wait()
            if relay is not None:
                relay.join(timeout=5)
            return code
        except KeyboardInterrupt:
            # Ctrl-C reaches the child too (same terminal); wait for it to finish.
            continue
