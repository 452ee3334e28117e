# SPDX-License-Identifier: Apache-2.0
"""The oracle's host-side client step (oracle.json `host_client`): after a console line matches
`after`, the harness connects from the host to the port QEMU forwards into the guest (its
`qemu_args` name it as `{host_port}`, a free port the harness picks for each boot, never a fixed
one), sends `send` (`repeat` times over, default 1), shuts its sending side, reads until the guest closes, and prints one console
line the patterns can match:

    host-client: 12 bytes sent, the same 12 bytes came back
    host-client: FAILED: 12 bytes sent, 5 came back, different

Every step is bounded by `timeout_seconds` (connect, send, the whole read). The step runs once per
boot, on the first matching line.

  "host_client": {"after": "^tcp-echo: listening", "send": "hello, vectra", "repeat": 1000, "timeout_seconds": 10}
"""

import re
import socket
import time
from dataclasses import dataclass

PORT_PLACEHOLDER = "{host_port}"
HOST = "127.0.0.1"
LARGEST_SEND = 1 << 20


class HostClientError(ValueError):
    """A `host_client` entry that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class HostClient:
    after: re.Pattern
    payload: bytes
    timeout_seconds: float


def parse(data, source: str):
    """The `host_client` object of an oracle.json, or None without one."""
    if data is None:
        return None
    if not isinstance(data, dict) or set(data) - {"after", "send", "repeat", "timeout_seconds"}:
        raise HostClientError(f"{source}: \"host_client\" must be an object of after, send, repeat and timeout_seconds")
    after, send, timeout = data.get("after"), data.get("send"), data.get("timeout_seconds", 10)
    repeat = data.get("repeat", 1)
    if not isinstance(after, str):
        raise HostClientError(f"{source}: host_client.after must be a regular expression")
    try:
        pattern = re.compile(after)
    except re.error as problem:
        raise HostClientError(f"{source}: host_client.after {after!r} is not a valid regular expression: {problem}")
    if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
        raise HostClientError(f"{source}: host_client.repeat must be a positive integer")
    if not isinstance(send, str) or not send or len(send.encode()) * repeat > LARGEST_SEND:
        raise HostClientError(f"{source}: host_client.send must be a non-empty string; repeated, at most {LARGEST_SEND} bytes")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 120:
        raise HostClientError(f"{source}: host_client.timeout_seconds must be a number above 0, at most 120")
    return HostClient(pattern, send.encode() * repeat, float(timeout))


def free_port() -> int:
    """A TCP port on the loopback address nothing listens on now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def substitute(arguments, port: int) -> list:
    """QEMU arguments with every {host_port} replaced by `port`."""
    return [argument.replace(PORT_PLACEHOLDER, str(port)) for argument in arguments]


def needs_port(arguments) -> bool:
    return any(PORT_PLACEHOLDER in argument for argument in arguments)


def exchange(port: int, payload: bytes, timeout_seconds: float, host: str = HOST) -> str:
    """Sends `payload` to host:port and reads until the peer closes; the console line saying how it went."""
    deadline = time.monotonic() + timeout_seconds
    received = bytearray()
    try:
        with socket.create_connection((host, port), timeout=timeout_seconds) as connection:
            connection.sendall(payload)
            connection.shutdown(socket.SHUT_WR)
            while len(received) <= len(payload):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("timed out")
                connection.settimeout(remaining)
                chunk = connection.recv(65536)
                if not chunk:
                    break
                received += chunk
    except (OSError, TimeoutError) as problem:
        reason = getattr(problem, "strerror", None) or str(problem) or type(problem).__name__
        return (f"host-client: FAILED: {len(payload)} bytes sent, {len(received)} came back before "
                f"{reason}")
    if bytes(received) == payload:
        return f"host-client: {len(payload)} bytes sent, the same {len(payload)} bytes came back"
    return (f"host-client: FAILED: {len(payload)} bytes sent, {len(received)} came back"
            f"{', different' if len(received) == len(payload) else ''}")


class Watcher:
    """Watches a boot's console lines; on the first that matches `after`, runs the exchange and
    returns its line (the boot takes it as a console line)."""

    def __init__(self, client: HostClient, port: int, exchange_function=exchange):
        self.client = client
        self.port = port
        self.exchange = exchange_function
        self.done = False

    def feed(self, line: str):
        if self.done or not self.client.after.search(line):
            return []
        self.done = True
        return [self.exchange(self.port, self.client.payload, self.client.timeout_seconds)]
