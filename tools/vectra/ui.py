# SPDX-License-Identifier: Apache-2.0
"""How the CLI talks to its user: progress lines, notes, and the one error type commands raise."""

import contextlib
import os
import shlex
import sys


class Failure(Exception):
    """A command cannot go on; main prints the message (no traceback) and exits with status."""

    def __init__(self, message: str, status: int = 1, summary: str = ""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.summary = summary or message.splitlines()[0]  # one line, for the test summary


def step(message: str) -> None:
    """Announces a long step, e.g. `==> configuring minimal-x86_64`."""
    print(f"==> {message}", flush=True)


def note(message: str) -> None:
    print(f"note: {message}", flush=True)


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


def command_line(command) -> str:
    """The command as one shell-quoted line, ready to paste."""
    return shlex.join(str(part) for part in command)


def size_text(size_in_bytes: int) -> str:
    """412 KiB, 1.6 MiB: what the image lines print."""
    if size_in_bytes < 10 * 1024 * 1024:
        return f"{(size_in_bytes + 1023) // 1024} KiB"
    return f"{size_in_bytes / (1024 * 1024):.1f} MiB"


@contextlib.contextmanager
def stdout_to_stderr():
    """Sends everything written to standard output (ours and child processes') to standard error,
    so that the one line a command prints on purpose (`run --print`) is all that stdout holds."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
