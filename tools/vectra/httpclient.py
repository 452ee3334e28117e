# SPDX-License-Identifier: Apache-2.0
"""The oracle's HTTP step (oracle.json `http_client`): after a console line matches `after`, the
harness plays an HTTP client and an attacker from the host against the port QEMU forwards into
the guest (`{host_port}` in `qemu_args`, a free port per boot), and prints one console line per
check, which the patterns match:

    http-client: GET /a.txt: 200, 49 bytes, the same as www/a.txt
    http-client: FAILED: GET /a.txt: 404, expected 200

The checks, in this order, each bounded by `timeout_seconds`:

  - `fetch`: each target fetched on a new connection; the body must equal the file under `root`
    (the image folder's served folder; a target ending in '/' means its index.html);
  - keep-alive: every `fetch` target again, one after another on a single connection;
  - HEAD of the first target: its Content-Length and no body;
  - `expect`: [target, method, status] requests answered with that status (404, 400 for
    traversal, 405 for a method);
  - a malformed request (Content-Length and Transfer-Encoding both) answered 400;
  - a slow client (a head trickled one field line a second) cut off with 408, while a fetch of
    the first target on another connection succeeds;
  - `churn` connections (at most 1000) opened and dropped, then the first target fetched again.

Every socket has a deadline; nothing waits longer than `timeout_seconds` in one check.

  "http_client": {"after": "^http-appliance: serving", "root": "www", "fetch": ["/a.txt", "/"],
                  "expect": [["/missing", "GET", 404]], "churn": 1000, "timeout_seconds": 60}
"""

import re
import socket
import time
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
MOST_CHURN = 1000
SLOW_LINE_SECONDS = 1.0
CHURN_CONNECT_SECONDS = 20.0


class HttpClientError(ValueError):
    """An `http_client` entry that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class HttpClient:
    after: re.Pattern
    root: str
    fetch: tuple
    expect: tuple
    churn: int
    timeout_seconds: float


def parse(data, source: str):
    """The `http_client` object of an oracle.json, or None without one."""
    if data is None:
        return None
    fields = {"after", "root", "fetch", "expect", "churn", "timeout_seconds"}
    if not isinstance(data, dict) or set(data) - fields:
        raise HttpClientError(f"{source}: \"http_client\" must be an object of {', '.join(sorted(fields))}")
    after = data.get("after")
    try:
        pattern = re.compile(after) if isinstance(after, str) else None
    except re.error:
        pattern = None
    if pattern is None:
        raise HttpClientError(f"{source}: http_client.after must be a valid regular expression")
    root = data.get("root")
    if not isinstance(root, str) or not root or Path(root).is_absolute() or ".." in Path(root).parts:
        raise HttpClientError(f"{source}: http_client.root must be a folder inside the image folder")
    fetch = data.get("fetch")
    if not isinstance(fetch, list) or not fetch or not all(_target(each) for each in fetch):
        raise HttpClientError(f"{source}: http_client.fetch must be a non-empty list of targets starting with '/'")
    expect = data.get("expect", [])
    if not isinstance(expect, list) or not all(
            isinstance(each, list) and len(each) == 3 and _target(each[0]) and isinstance(each[1], str)
            and re.fullmatch(r"[A-Z]+", each[1]) and isinstance(each[2], int) and not isinstance(each[2], bool)
            and 100 <= each[2] <= 599 for each in expect):
        raise HttpClientError(f"{source}: http_client.expect must be a list of [target, METHOD, status]")
    churn = data.get("churn", 0)
    if isinstance(churn, bool) or not isinstance(churn, int) or not 0 <= churn <= MOST_CHURN:
        raise HttpClientError(f"{source}: http_client.churn must be an integer from 0 to {MOST_CHURN}")
    timeout = data.get("timeout_seconds", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 300:
        raise HttpClientError(f"{source}: http_client.timeout_seconds must be a number above 0, at most 300")
    return HttpClient(pattern, root, tuple(fetch), tuple(tuple(each) for each in expect), churn, float(timeout))


def _target(value) -> bool:
    return isinstance(value, str) and value.startswith("/") and all(0x21 <= ord(each) < 0x7f for each in value)


class Response:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status, self.headers, self.body = status, headers, body


class Connection:
    """One TCP connection to the guest with a deadline on every read and write."""

    def __init__(self, port: int, timeout: float, host: str = HOST):
        self.deadline = time.monotonic() + timeout
        self.socket = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""

    def close(self):
        self.socket.close()

    def _left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out")
        return left

    def send(self, data: bytes):
        self.socket.settimeout(self._left())
        self.socket.sendall(data)

    def _more(self) -> bool:
        self.socket.settimeout(self._left())
        chunk = self.socket.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def response(self, method: str = "GET") -> Response:
        while b"\r\n\r\n" not in self.buffer:
            if not self._more():
                raise ConnectionError(f"the connection ended before a response head ({len(self.buffer)} bytes)")
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise ConnectionError(f"not a status line: {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0")) if method != "HEAD" else 0
        while len(self.buffer) < length:
            if not self._more():
                raise ConnectionError(f"the connection ended {length - len(self.buffer)} bytes before the body's end")
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return Response(int(parts[1]), headers, body)

    def request(self, method: str, target: str, extra: str = "") -> Response:
        self.send(f"{method} {target} HTTP/1.1\r\nHost: vectra\r\n{extra}\r\n".encode())
        return self.response(method)

    def ended(self) -> bool:
        """Whether the peer closed (reading what it sent first)."""
        try:
            while self._more():
                pass
            return True
        except ConnectionResetError:
            return True


def expected_file(root: Path, target: str) -> Path:
    relative = target.lstrip("/")
    return root / (relative + "index.html" if target.endswith("/") else relative)


def _fetch_line(prefix: str, response: Response, root: Path, target: str) -> str:
    path = expected_file(root, target)
    wanted = path.read_bytes()
    shown = f"{path.relative_to(root.parent)}"
    if response.status != 200:
        return f"http-client: FAILED: {prefix}: {response.status}, expected 200"
    if response.body != wanted:
        return f"http-client: FAILED: {prefix}: 200, {len(response.body)} bytes, not the {len(wanted)} of {shown}"
    return f"http-client: {prefix}: 200, {len(wanted)} bytes, the same as {shown}"


def _guarded(check):
    def run(*arguments):
        try:
            return check(*arguments)
        except (OSError, TimeoutError, ConnectionError, ValueError) as problem:
            reason = getattr(problem, "strerror", None) or str(problem) or type(problem).__name__
            return [f"http-client: FAILED: {check.__name__.strip('_').replace('_', ' ')}: {reason}"]
    return run


@_guarded
def _fetches(client: HttpClient, port: int, root: Path) -> list:
    lines = []
    for target in client.fetch:
        connection = Connection(port, client.timeout_seconds)
        try:
            lines.append(_fetch_line(f"GET {target}", connection.request("GET", target), root, target))
        finally:
            connection.close()
    return lines


@_guarded
def _keep_alive(client: HttpClient, port: int, root: Path) -> list:
    connection = Connection(port, client.timeout_seconds)
    try:
        for target in client.fetch:
            line = _fetch_line(f"kept alive: GET {target}", connection.request("GET", target), root, target)
            if "FAILED" in line:
                return [line]
    finally:
        connection.close()
    return [f"http-client: {len(client.fetch)} requests on one kept-alive connection, every body the same"]


@_guarded
def _head(client: HttpClient, port: int, root: Path) -> list:
    target = client.fetch[0]
    connection = Connection(port, client.timeout_seconds)
    try:
        response = connection.request("HEAD", target)
    finally:
        connection.close()
    size = expected_file(root, target).stat().st_size
    if response.status != 200 or response.headers.get("content-length") != str(size) or response.body:
        return [f"http-client: FAILED: HEAD {target}: {response.status}, Content-Length "
                f"{response.headers.get('content-length')}, expected 200 and {size}"]
    return [f"http-client: HEAD {target}: 200, Content-Length {size}, no body"]


@_guarded
def _expected(client: HttpClient, port: int, root: Path) -> list:
    lines = []
    for target, method, status in client.expect:
        connection = Connection(port, client.timeout_seconds)
        try:
            response = connection.request(method, target)
        finally:
            connection.close()
        verdict = "" if response.status == status else "FAILED: "
        lines.append(f"http-client: {verdict}{method} {target}: {response.status}"
                     + ("" if not verdict else f", expected {status}"))
    return lines


@_guarded
def _malformed(client: HttpClient, port: int, root: Path) -> list:
    connection = Connection(port, client.timeout_seconds)
    try:
        connection.send(b"POST / HTTP/1.1\r\nHost: vectra\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        response = connection.response()
        ended = connection.ended()
    finally:
        connection.close()
    if response.status != 400 or not ended:
        return [f"http-client: FAILED: a malformed request: {response.status}, connection "
                f"{'closed' if ended else 'left open'}; expected 400 and closed"]
    return ["http-client: a malformed request (Content-Length and Transfer-Encoding): 400, connection closed"]


@_guarded
def _slow(client: HttpClient, port: int, root: Path) -> list:
    slow = Connection(port, client.timeout_seconds)
    started = time.monotonic()
    try:
        slow.send(b"GET / HTTP/1.1\r\n")
        line = None
        sent = 0
        while time.monotonic() - started < client.timeout_seconds:
            if line is None and sent == 2:
                target = client.fetch[0]
                normal = Connection(port, client.timeout_seconds)
                try:
                    line = _fetch_line(f"GET {target} meanwhile", normal.request("GET", target), root, target)
                finally:
                    normal.close()
            slow.socket.settimeout(SLOW_LINE_SECONDS)
            try:
                chunk = slow.socket.recv(65536)
            except socket.timeout:
                chunk = None
            if chunk == b"":
                break
            if chunk:
                slow.buffer += chunk
                continue
            try:
                slow.socket.sendall(f"X-Slow-{sent}: still sending\r\n".encode())
            except OSError:
                break
            sent += 1
    finally:
        slow.close()
    took = time.monotonic() - started
    status = slow.buffer.split(b"\r\n", 1)[0].decode("latin-1")
    if not status.startswith("HTTP/1.1 408 "):
        return [f"http-client: FAILED: a slow client: {status or 'no response'} after {took:.0f} s, expected 408"]
    return [f"http-client: a slow client (a field line a second) cut off with 408 after {sent} lines",
            line or "http-client: FAILED: no fetch while the slow client waited"]


@_guarded
def _churn(client: HttpClient, port: int, root: Path) -> list:
    if client.churn == 0:
        return []
    started = time.monotonic()
    for opened in range(client.churn):
        left = started + client.timeout_seconds - time.monotonic()
        if left <= 0:
            return [f"http-client: FAILED: churn: {opened} of {client.churn} connections opened and dropped "
                    f"in {client.timeout_seconds:.0f} s"]
        try:
            with socket.create_connection((HOST, port), timeout=min(left, CHURN_CONNECT_SECONDS)):
                pass
        except (OSError, TimeoutError) as problem:
            reason = getattr(problem, "strerror", None) or str(problem) or type(problem).__name__
            return [f"http-client: FAILED: churn: {opened} of {client.churn} connections opened and dropped, "
                    f"then connection {opened + 1}: {reason}"]
    target = client.fetch[0]
    connection = Connection(port, client.timeout_seconds)
    try:
        line = _fetch_line(f"then GET {target}", connection.request("GET", target), root, target)
    finally:
        connection.close()
    return [f"http-client: {client.churn} connections opened and dropped", line]


CHECKS = (_fetches, _keep_alive, _head, _expected, _malformed, _slow, _churn)


def run_checks(client: HttpClient, port: int, image_folder: Path) -> list:
    root = Path(image_folder) / client.root
    lines = []
    for check in CHECKS:
        lines += check(client, port, root)
    return lines


class Watcher:
    """Watches a boot's console lines; on the first that matches `after`, runs every check and
    returns their lines (the boot takes them as console lines)."""

    def __init__(self, client: HttpClient, port: int, image_folder: Path, checks=run_checks):
        self.client, self.port, self.image_folder, self.checks = client, port, image_folder, checks
        self.done = False

    def feed(self, line: str):
        if self.done or not self.client.after.search(line):
            return []
        self.done = True
        return self.checks(self.client, self.port, self.image_folder)
