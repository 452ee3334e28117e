# SPDX-License-Identifier: Apache-2.0
"""Taking screenshots of a running image, for screen oracles (screen.py).

QEMU: the image is started with a QMP socket (`-qmp unix:…`), and a screenshot is QMP's
`screendump` (PPM; it works with `-display none`). Hosted: the image runs on a private Xvfb
server (package xvfb) and a screenshot is `xwd -root` (package x11-apps) of that server.
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pixels
from screen import CaptureError

CONNECT_SECONDS = 10.0
ANSWER_SECONDS = 20.0


class QmpScreens:
    """Screenshots over a QMP socket in a private temporary folder (socket paths must be short)."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="vectra-qmp-"))
        self.path = self.folder / "qmp.sock"

    def arguments(self) -> list:
        return ["-qmp", f"unix:{self.path},server=on,wait=off"]

    def environment(self):
        return None

    def _exchange(self, connection, stream, request: dict) -> dict:
        connection.sendall(json.dumps(request).encode() + b"\n")
        while True:
            line = stream.readline()
            if not line:
                raise CaptureError("QEMU closed the QMP connection")
            answer = json.loads(line)
            if "return" in answer:
                return answer
            if "error" in answer:
                raise CaptureError(f"QMP {request['execute']}: {answer['error'].get('desc', answer['error'])}")
            # An event ({"event": …}): not the answer.

    def capture(self, destination: Path) -> pixels.Image:
        deadline = time.monotonic() + CONNECT_SECONDS
        while True:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                connection.connect(str(self.path))
                break
            except OSError as problem:
                connection.close()
                if time.monotonic() > deadline:
                    raise CaptureError(f"cannot connect to QEMU's QMP socket: {problem.strerror or problem}")
                time.sleep(0.05)
        destination = destination.with_suffix(".ppm")
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.unlink(missing_ok=True)
        with connection:
            connection.settimeout(ANSWER_SECONDS)
            stream = connection.makefile("rb")
            try:
                if "QMP" not in json.loads(stream.readline() or b"{}"):
                    raise CaptureError("QEMU did not greet on its QMP socket")
                self._exchange(connection, stream, {"execute": "qmp_capabilities"})
                self._exchange(connection, stream, {"execute": "screendump",
                                                    "arguments": {"filename": str(destination.resolve())}})
            except (OSError, ValueError) as problem:
                raise CaptureError(f"QMP: {problem}")
        return pixels.read_ppm(destination.read_bytes(), str(destination))

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class XvfbScreens:
    """A private Xvfb server of the display's size; the hosted image runs on it."""

    def __init__(self, width: int, height: int):
        for tool, package in (("Xvfb", "xvfb"), ("xwd", "x11-apps")):
            if shutil.which(tool) is None:
                raise CaptureError(f"{tool} not found: install Debian's {package} (./vectra setup)")
        read_end, write_end = os.pipe()
        try:
            self.server = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
                pass_fds=(write_end,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True)
        finally:
            os.close(write_end)
        with os.fdopen(read_end, "rb") as reader:
            number = reader.readline().strip()
        if not number.isdigit():
            self.close()
            raise CaptureError("Xvfb did not start (no display number)")
        self.display = f":{number.decode()}"

    def arguments(self) -> list:
        return []

    def environment(self) -> dict:
        return dict(os.environ, DISPLAY=self.display)

    def capture(self, destination: Path) -> pixels.Image:
        destination = destination.with_suffix(".xwd")
        destination.parent.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(["xwd", "-root", "-silent", "-display", self.display, "-out", str(destination)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                timeout=ANSWER_SECONDS)
        if result.returncode != 0:
            raise CaptureError(f"xwd failed: {result.stderr.decode(errors='replace').strip()}")
        return pixels.read_xwd(destination.read_bytes(), str(destination))

    def close(self) -> None:
        if self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()


def for_platform(platform, width: int = 1024, height: int = 768):
    """The screenshot taker for a platform: QMP for QEMU, Xvfb for hosted."""
    if platform.hosted:
        return XvfbScreens(width, height)
    return QmpScreens()
