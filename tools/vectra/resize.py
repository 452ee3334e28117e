# SPDX-License-Identifier: Apache-2.0
"""Display resizes: an oracle asks QEMU's display for a new size after a console line.

An oracle's optional "resizes" list holds steps, each taken once, after a console line:
  after    a regular expression; the step is taken when a console line matches it (after the line
           that matched the previous step's, if any)
  width    the new width in pixels (64 to 8192)
  height   the new height in pixels (64 to 8192)

QEMU has no QMP command for a new display size; a window system asks it when its window is resized.
Without a window (-display none) the harness speaks as a VNC client instead: QEMU's VNC server
(`-vnc unix:<path>`, a socket of this boot) forwards an RFB SetDesktopSize (the ExtendedDesktopSize
extension) to the display as new "UI info", which virtio-gpu raises to the guest as a display event
(VIRTIO_GPU_EVENT_DISPLAY). What the guest does with it is for the console patterns to check.
The client stays connected until the boot ends.
"""

import socket
import struct
import time
from dataclasses import dataclass

import steps

PROTOCOL_VERSION = b"RFB 003.008\n"
SECURITY_NONE = 1
SET_ENCODINGS = 2
SET_DESKTOP_SIZE = 251
ENCODING_EXTENDED_DESKTOP_SIZE = -308


class ResizeError(ValueError):
    """A resizes entry that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class ResizeStep:
    after: object  # compiled regular expression
    width: int
    height: int


def parse_all(data, source: str) -> tuple:
    if not isinstance(data, list):
        raise ResizeError(f"{source}: \"resizes\" must be a list")
    return tuple(parse(entry, f"{source}: resizes[{index}]") for index, entry in enumerate(data))


def parse(entry, where: str) -> ResizeStep:
    steps.check_object(entry, where, {"after", "width", "height"}, ResizeError)
    compiled = steps.after_pattern(entry, where, ResizeError)
    sides = []
    for key in ("width", "height"):
        value = entry.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 64 <= value <= 8192:
            raise ResizeError(f"{where}.{key} must be an integer from 64 to 8192")
        sides.append(value)
    return ResizeStep(compiled, sides[0], sides[1])


def set_desktop_size_message(width: int, height: int) -> bytes:
    """RFB SetDesktopSize with one screen (id 0) covering the whole desktop."""
    return (struct.pack(">BBHHBB", SET_DESKTOP_SIZE, 0, width, height, 1, 0)
            + struct.pack(">IHHHHI", 0, 0, 0, width, height, 0))


class VncClient:
    """The least of an RFB 3.8 client: no security, a shared session, the ExtendedDesktopSize
    encoding announced so the server accepts SetDesktopSize. It never asks for pixels."""

    def __init__(self, path: str, timeout: float = 5.0):
        self.connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.connection.settimeout(timeout)
        try:
            self._handshake(path, timeout)
        except OSError:
            self.connection.close()
            raise

    def _handshake(self, path: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.connection.connect(path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        if self._receive(12) != PROTOCOL_VERSION:
            raise OSError("the VNC server does not speak RFB 3.8")
        self.connection.sendall(PROTOCOL_VERSION)
        types = self._receive(self._receive(1)[0])
        if SECURITY_NONE not in types:
            raise OSError("the VNC server wants authentication")
        self.connection.sendall(bytes([SECURITY_NONE]))
        if self._receive(4) != b"\0\0\0\0":
            raise OSError("the VNC server refused the connection")
        self.connection.sendall(b"\x01")  # ClientInit: shared
        self.width, self.height = struct.unpack(">HH", self._receive(4))
        self._receive(16)  # pixel format
        self._receive(struct.unpack(">I", self._receive(4))[0])  # name
        self.connection.sendall(struct.pack(">BBHi", SET_ENCODINGS, 0, 1, ENCODING_EXTENDED_DESKTOP_SIZE))

    def _receive(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.connection.recv(count - len(data))
            if not chunk:
                raise OSError("the VNC server closed the connection")
            data += chunk
        return data

    def resize(self, width: int, height: int) -> None:
        self.connection.sendall(set_desktop_size_message(width, height))

    def close(self) -> None:
        self.connection.close()


class Resizer:
    """Follows the console like the line matcher: when a line matches the next step's `after`,
    asks for the step's size through `connect()` (a VncClient, made at the first step)."""

    def __init__(self, resize_steps, connect):
        self.steps = resize_steps
        self.connect = connect
        self.client = None
        self.taken = 0
        self.failures = []

    def feed(self, line: str) -> None:
        if self.failures or self.taken >= len(self.steps) or not self.steps[self.taken].after.search(line):
            return
        step = self.steps[self.taken]
        try:
            if self.client is None:
                self.client = self.connect()
            self.client.resize(step.width, step.height)
        except OSError as problem:
            self.failures.append(f"resize {self.taken + 1}: {problem}")
            return
        self.taken += 1

    def reasons(self) -> list:
        """Why the resize steps failed (empty when every step was taken)."""
        if self.failures:
            return list(self.failures)
        if self.taken < len(self.steps):
            return [f"resize {self.taken + 1} never taken: no console line matched "
                    f"'{self.steps[self.taken].after.pattern}'"]
        return []

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
