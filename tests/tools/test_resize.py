# SPDX-License-Identifier: Apache-2.0
"""Tests for resize oracles (tools/vectra/resize.py): the resizes entries of oracle.json, the RFB
SetDesktopSize bytes, and the client and the step follower against a fake VNC server on a Unix
socket — an honest one, one that wants a password, one that hangs up.

Run with Debian's Python, from tests/tools:
    /usr/bin/python3 -m unittest -v test_resize
"""

import os
import socket
import struct
import sys
import tempfile
import threading
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # keep tools/vectra/ free of __pycache__
TOOLS = Path(__file__).resolve().parent.parent.parent / "tools" / "vectra"
sys.path.insert(0, str(TOOLS))

import oracle  # noqa: E402
import resize  # noqa: E402


def receive(connection, count):
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            break
        data += chunk
    return data


class FakeServer:
    """A VNC server on a Unix socket that records what the client sends after the handshake."""

    def __init__(self, folder, security=b"\x01\x01", hang_up=False):
        self.path = os.path.join(folder, "vnc.sock")
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        self.listener.listen(1)
        self.security, self.hang_up = security, hang_up
        self.received = b""
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        connection, _ = self.listener.accept()
        with connection:
            connection.sendall(resize.PROTOCOL_VERSION)
            if self.hang_up:
                return
            receive(connection, 12)
            connection.sendall(self.security)
            if self.security != b"\x01\x01":
                return
            receive(connection, 1)
            connection.sendall(b"\0\0\0\0")
            receive(connection, 1)
            connection.sendall(struct.pack(">HH", 1024, 768) + bytes(16) + struct.pack(">I", 4) + b"QEMU")
            connection.settimeout(2)
            try:
                while True:
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    self.received += chunk
            except OSError:
                pass

    def close(self):
        self.listener.close()


class ParseTest(unittest.TestCase):
    def test_a_step_needs_after_and_sides_in_range(self):
        step = resize.parse({"after": "^ready$", "width": 800, "height": 600}, "o")
        self.assertEqual((step.width, step.height), (800, 600))
        for bad in ({"width": 800, "height": 600}, {"after": "(", "width": 800, "height": 600},
                    {"after": "x", "width": 63, "height": 600}, {"after": "x", "width": 800, "height": 8193},
                    {"after": "x", "width": True, "height": 600}, {"after": "x", "width": "800", "height": 600},
                    {"after": "x", "width": 800, "height": 600, "depth": 32}, ["after"]):
            with self.subTest(bad=bad), self.assertRaises(resize.ResizeError):
                resize.parse(bad, "o")
        with self.assertRaises(resize.ResizeError):
            resize.parse_all({"after": "x"}, "o")

    def test_the_oracle_reads_resizes_and_refuses_bad_ones(self):
        base = {"platforms": ["x86_64"], "timeout_seconds": 10, "exit_status": 0, "patterns": ["a"]}
        parsed = oracle.Oracle.parse(dict(base, resizes=[{"after": "a", "width": 640, "height": 480}]), "o")
        self.assertEqual(len(parsed.resizes), 1)
        with self.assertRaises(oracle.OracleError):
            oracle.Oracle.parse(dict(base, resizes=[{"after": "a", "width": 1, "height": 480}]), "o")


class MessageTest(unittest.TestCase):
    def test_set_desktop_size_is_rfb_message_251_with_one_screen(self):
        message = resize.set_desktop_size_message(800, 600)
        self.assertEqual(len(message), 8 + 16)
        self.assertEqual(message[0], 251)
        self.assertEqual(struct.unpack(">HHB", message[2:7]), (800, 600, 1))
        self.assertEqual(struct.unpack(">IHHHHI", message[8:]), (0, 0, 0, 800, 600, 0))


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="vnc-test-")

    def test_the_client_announces_the_encoding_then_asks_each_step_once(self):
        server = FakeServer(self.folder)
        steps = resize.parse_all([{"after": "^first$", "width": 800, "height": 600},
                                  {"after": "^second$", "width": 640, "height": 480}], "o")
        resizer = resize.Resizer(steps, lambda: resize.VncClient(server.path))
        for line in ("noise", "first", "first", "second", "second"):
            resizer.feed(line)
        self.assertEqual(resizer.reasons(), [])
        resizer.close()
        server.thread.join(5)
        server.close()
        encodings = struct.pack(">BBHi", 2, 0, 1, -308)
        expected = encodings + resize.set_desktop_size_message(800, 600) + resize.set_desktop_size_message(640, 480)
        self.assertEqual(server.received, expected)

    def test_a_step_never_reached_is_a_reason(self):
        resizer = resize.Resizer(resize.parse_all([{"after": "^never$", "width": 800, "height": 600}], "o"),
                                 lambda: self.fail("connected without a step"))
        resizer.feed("other")
        self.assertIn("never taken", resizer.reasons()[0])

    def test_a_server_that_wants_a_password_or_hangs_up_fails_the_step(self):
        for arguments in ({"security": b"\x01\x02"}, {"hang_up": True}):
            with self.subTest(arguments=arguments):
                folder = tempfile.mkdtemp(prefix="vnc-test-")
                server = FakeServer(folder, **arguments)
                resizer = resize.Resizer(resize.parse_all([{"after": "go", "width": 800, "height": 600}], "o"),
                                         lambda: resize.VncClient(server.path, timeout=2))
                resizer.feed("go")
                self.assertTrue(resizer.reasons() and resizer.reasons()[0].startswith("resize 1:"))
                resizer.close()
                server.close()


if __name__ == "__main__":
    unittest.main()
