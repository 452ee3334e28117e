# SPDX-License-Identifier: Apache-2.0
"""A QMP client for the test harness: one connection per exchange to the QMP socket an image
under test was started with (`-qmp unix:…,server=on,wait=off`), greeting and capabilities
negotiated, then the requests in order. Screen oracles (capture.py) and key oracles (keys.py)
share the socket; QEMU serves one connection at a time."""

import json
import shutil
import socket
import tempfile
import time
from pathlib import Path

CONNECT_SECONDS = 10.0
ANSWER_SECONDS = 20.0


class QmpError(RuntimeError):
    """QEMU answered with an error, closed the connection, or could not be reached."""


class QmpSocket:
    """A QMP socket in a private temporary folder (socket paths must be short)."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="vectra-qmp-"))
        self.path = self.folder / "qmp.sock"

    def arguments(self) -> list:
        return ["-qmp", f"unix:{self.path},server=on,wait=off"]

    def execute(self, requests: list) -> list:
        """Sends each {"execute": …, "arguments": …} in order on one connection; returns the answers."""
        deadline = time.monotonic() + CONNECT_SECONDS
        while True:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                connection.connect(str(self.path))
                break
            except OSError as problem:
                connection.close()
                if time.monotonic() > deadline:
                    raise QmpError(f"cannot connect to QEMU's QMP socket: {problem.strerror or problem}")
                time.sleep(0.05)
        with connection:
            connection.settimeout(ANSWER_SECONDS)
            stream = connection.makefile("rb")
            try:
                if "QMP" not in json.loads(stream.readline() or b"{}"):
                    raise QmpError("QEMU did not greet on its QMP socket")
                _exchange(connection, stream, {"execute": "qmp_capabilities"})
                return [_exchange(connection, stream, request) for request in requests]
            except (OSError, ValueError) as problem:
                raise QmpError(f"QMP: {problem}")

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _exchange(connection, stream, request: dict) -> dict:
    connection.sendall(json.dumps(request).encode() + b"\n")
    while True:
        line = stream.readline()
        if not line:
            raise QmpError("QEMU closed the QMP connection")
        answer = json.loads(line)
        if "return" in answer:
            return answer
        if "error" in answer:
            raise QmpError(f"QMP {request['execute']}: {answer['error'].get('desc', answer['error'])}")
        # An event ({"event": …}): not the answer.
