# SPDX-License-Identifier: Apache-2.0
"""Taking screenshots of a running image, for screen oracles (screen.py).

QEMU: the image is started with a QMP socket (`-qmp unix:…`), and a screenshot is QMP's
`screendump` (PPM; it works with `-display none`). Hosted: the image runs on a private Xvfb
server (package xvfb) and a screenshot is `xwd -root` (package x11-apps) of that server; key
oracles type there with xdotool (package xdotool; keys.xdotool_arguments).
"""

import os
import shutil
import subprocess
from pathlib import Path

import keys
import pixels
import qmp
from screen import CaptureError

ANSWER_SECONDS = qmp.ANSWER_SECONDS


class QmpScreens:
    """Screenshots over the image's QMP socket (qmp.py); key oracles may share it (`socket`)."""

    def __init__(self):
        self.socket = qmp.QmpSocket()

    def arguments(self) -> list:
        return self.socket.arguments()

    def environment(self):
        return None

    def capture(self, destination: Path) -> pixels.Image:
        destination = destination.with_suffix(".ppm")
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.unlink(missing_ok=True)
        try:
            self.socket.execute([{"execute": "screendump", "arguments": {"filename": str(destination.resolve())}}])
        except qmp.QmpError as problem:
            raise CaptureError(str(problem))
        return pixels.read_ppm(destination.read_bytes(), str(destination))

    def close(self) -> None:
        self.socket.close()


class XvfbScreens:
    """A private Xvfb server of the display's size; the hosted image runs on it."""

    def __init__(self, width: int, height: int, typing: bool = False):
        self.width, self.height = width, height
        self.pointer = (width // 2, height // 2)  # where Xvfb puts the pointer at start
        if typing and shutil.which("xdotool") is None:
            raise CaptureError("xdotool not found: install Debian's xdotool (./vectra setup)")
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

    def type_step(self, step) -> None:
        """Types one key step (keys.KeyStep) into the window with xdotool; done when xdotool ends."""
        arguments, self.pointer = keys.xdotool_arguments(step, self.width, self.height, self.pointer)
        hold = sum(step.hold_ms for _ in step.combinations) / 1000
        try:
            result = subprocess.run(arguments, env=dict(os.environ, DISPLAY=self.display), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=ANSWER_SECONDS + hold)
        except subprocess.TimeoutExpired:
            raise keys.TypingError(f"xdotool did not finish within {ANSWER_SECONDS + hold:g} s")
        if result.returncode != 0 or result.stderr.strip():
            raise keys.TypingError(f"xdotool failed: {result.stderr.decode(errors='replace').strip()}")

    def close(self) -> None:
        if self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()


def for_platform(platform, width: int = 1024, height: int = 768, typing: bool = False):
    """The screenshot taker (and, with `typing`, the key typist) for a platform: QMP for QEMU, Xvfb for hosted."""
    if platform.hosted:
        return XvfbScreens(width, height, typing)
    return QmpScreens()
