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
  - `ranges` (a target naming a file of at least 2000 bytes under `root`): range requests (RFC 9110
    §14), each GET on a new connection: `bytes=1000-1999`, the last 100 (`bytes=-100`) and from 600
    bytes before the end (`bytes=SIZE-600-`) answered 206 with their `Content-Range` and exactly
    those bytes of the file; from the end (`bytes=SIZE-`) answered 416 with `bytes */SIZE`; two
    ranges (`bytes=0-1,4-5`) and a range with an `If-Range` (no validator of the server matches it)
    answered 200 with the whole file; every 200 and 206 with `Accept-Ranges: bytes`; with "curl" in
    `clients`, `curl --range 5-14` must print exactly those 10 bytes. One line (without curl it ends
    after "200 with an If-Range"), six requests (seven with curl) and no more:

    http-client: ranges of /docs/lines.txt: 206 bytes 1000-1999, 206 the last 100, 206 from byte 42000, 416 past the end, 200 for two ranges, 200 with an If-Range, curl --range 5-14: the same 10 bytes

  - a malformed request (Content-Length and Transfer-Encoding both) answered 400;
  - a slow client (a head trickled one field line a second) cut off with 408, while a fetch of
    the first target on another connection succeeds;
  - `churn` connections (at most 1000) opened and dropped, 8 at a time (a connect that times out is
    tried again, at most 3 times in all; a refusal or reset fails), then the first target fetched again;
  - `clients` (a list of "curl", "openssl"): real clients as an operator would use them — Debian's
    `curl` fetches every `fetch` target (with `tls`: `--cacert` and the server name resolved to the
    forwarded port) and the bytes are compared with the file; `openssl s_client` (with `tls` only)
    connects with `-verify_return_error` for the server name and must report `TLSv1.3` and
    `Verify return code: 0 (ok)`:

    http-client: curl GET /a.txt: 49 bytes, the same as www/a.txt
    http-client: openssl s_client: TLSv1.3, TLS_AES_256_GCM_SHA384, Verify return code: 0 (ok)

On hosted nothing forwards a port: `after` then has a group `port` (`... port (?P<port>[0-9]+)`) and
the checks connect to the port the matching console line names (an image configured for port 0
listens where the host put it and says so).

With `tls` ({"ca": file, "server_name": name}) every connection is TLS 1.3 (Python's ssl, no
older version offered): the server's chain is verified against `ca`, a file of the build's
image-data folder for the image (what the image's make-data.sh made), for `server_name`. A `tls`
check comes first: the version and cipher of one connection, then a client asking for a name the
certificate does not carry and a client offering only TLS 1.2, both of which must fail. The churn
opens and drops TCP connections before any handshake.

Every socket has a deadline; nothing waits longer than `timeout_seconds` in one check.

  "http_client": {"after": "^http-appliance: serving", "root": "www", "fetch": ["/a.txt", "/"],
                  "expect": [["/missing", "GET", 404]], "ranges": "/docs/lines.txt", "churn": 1000,
                  "timeout_seconds": 60}
"""

import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
MOST_CHURN = 1000
SLOW_LINE_SECONDS = 1.0
CHURN_CONNECT_SECONDS = 20.0
CHURN_RETRIES = 3  # connects that time out, tried again before the churn fails
CHURN_PARALLEL = 8  # connections opened at once: under TCG on a loaded machine QEMU's user network,
                    # not the server, sets the pace of one-at-a-time connects
CLIENTS = ("curl", "openssl")
RANGES_SMALLEST = 2000  # bytes of the `ranges` file: bytes=1000-1999 lies inside it


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
    tls: object = None  # Tls, or None for plain HTTP
    clients: tuple = ()  # of CLIENTS
    ranges: str = None  # the target the range requests ask for, or None


@dataclass(frozen=True)
class Tls:
    ca: str           # a file name in the image's image-data folder
    server_name: str  # the name asked for (SNI) and checked in the certificate


@dataclass(frozen=True)
class Peer:
    """Where the checks connect: the forwarded port, and with TLS the context that verifies."""
    port: int
    context: object = None  # ssl.SSLContext
    server_name: str = ""
    ca: Path = None


def tls_context(ca: Path, highest=ssl.TLSVersion.TLSv1_3, lowest=ssl.TLSVersion.TLSv1_3):
    """A client context that verifies against `ca` only, offering versions lowest..highest."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(ca))
    context.minimum_version, context.maximum_version = lowest, highest
    return context


def peer_for(client: HttpClient, port: int, data_folder) -> Peer:
    if client.tls is None:
        return Peer(port)
    ca = Path(data_folder) / client.tls.ca
    return Peer(port, tls_context(ca), client.tls.server_name, ca)


def parse(data, source: str):
    """The `http_client` object of an oracle.json, or None without one."""
    if data is None:
        return None
    fields = {"after", "root", "fetch", "expect", "ranges", "churn", "timeout_seconds", "tls", "clients"}
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
    ranges = data.get("ranges")
    if ranges is not None and not _target(ranges):
        raise HttpClientError(f"{source}: http_client.ranges must be a target starting with '/' (a file under root "
                              f"of at least {RANGES_SMALLEST} bytes)")
    churn = data.get("churn", 0)
    if isinstance(churn, bool) or not isinstance(churn, int) or not 0 <= churn <= MOST_CHURN:
        raise HttpClientError(f"{source}: http_client.churn must be an integer from 0 to {MOST_CHURN}")
    timeout = data.get("timeout_seconds", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 300:
        raise HttpClientError(f"{source}: http_client.timeout_seconds must be a number above 0, at most 300")
    tls = _parse_tls(data.get("tls"), source)
    clients = data.get("clients", [])
    if not isinstance(clients, list) or not all(each in CLIENTS for each in clients) or len(set(clients)) != len(clients):
        raise HttpClientError(f"{source}: http_client.clients must be a list of distinct names from {', '.join(CLIENTS)}")
    if "openssl" in clients and tls is None:
        raise HttpClientError(f"{source}: http_client.clients: openssl needs tls")
    return HttpClient(pattern, root, tuple(fetch), tuple(tuple(each) for each in expect), churn, float(timeout),
                      tls, tuple(clients), ranges)


def _parse_tls(data, source: str):
    if data is None:
        return None
    if not isinstance(data, dict) or set(data) != {"ca", "server_name"}:
        raise HttpClientError(f"{source}: http_client.tls must be an object of ca, server_name")
    ca, name = data["ca"], data["server_name"]
    if not isinstance(ca, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", ca):
        raise HttpClientError(f"{source}: http_client.tls.ca must be a file name of the image-data folder")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*", name):
        raise HttpClientError(f"{source}: http_client.tls.server_name must be a host name")
    return Tls(ca, name)


def names_its_port(client: HttpClient) -> bool:
    """Whether `after` has a group `port`: the console line names the port to connect to (hosted)."""
    return "port" in client.after.groupindex


def _target(value) -> bool:
    return isinstance(value, str) and value.startswith("/") and all(0x21 <= ord(each) < 0x7f for each in value)


class Response:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status, self.headers, self.body = status, headers, body


class Connection:
    """One TCP connection to the guest (TLS with the peer's context) with a deadline on every read and write."""

    def __init__(self, peer: Peer, timeout: float, host: str = HOST, server_name: str = ""):
        self.deadline = time.monotonic() + timeout
        self.socket = socket.create_connection((host, peer.port), timeout=timeout)
        if peer.context is not None:
            try:
                self.socket = peer.context.wrap_socket(self.socket, server_hostname=server_name or peer.server_name)
            except BaseException:
                self.socket.close()
                raise
        self.buffer = b""

    def close(self):
        """With TLS, an orderly end first (close_notify), as a polite client ends; then the socket."""
        if isinstance(self.socket, ssl.SSLSocket):
            try:
                self.socket.settimeout(min(2.0, max(self.deadline - time.monotonic(), 0.1)))
                self.socket.unwrap()
            except (OSError, ValueError):
                pass
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
        except (ConnectionResetError, ssl.SSLEOFError):
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


def _why(problem: BaseException) -> str:
    return getattr(problem, "strerror", None) or str(problem) or type(problem).__name__


def _guarded(check):
    def run(*arguments):
        try:
            return check(*arguments)
        except (OSError, TimeoutError, ConnectionError, ValueError) as problem:
            return [f"http-client: FAILED: {check.__name__.strip('_').replace('_', ' ')}: {_why(problem)}"]
    return run


@_guarded
def _fetches(client: HttpClient, peer: Peer, root: Path) -> list:
    lines = []
    for target in client.fetch:
        connection = Connection(peer, client.timeout_seconds)
        try:
            lines.append(_fetch_line(f"GET {target}", connection.request("GET", target), root, target))
        finally:
            connection.close()
    return lines


@_guarded
def _keep_alive(client: HttpClient, peer: Peer, root: Path) -> list:
    connection = Connection(peer, client.timeout_seconds)
    try:
        for target in client.fetch:
            line = _fetch_line(f"kept alive: GET {target}", connection.request("GET", target), root, target)
            if "FAILED" in line:
                return [line]
    finally:
        connection.close()
    return [f"http-client: {len(client.fetch)} requests on one kept-alive connection, every body the same"]


@_guarded
def _head(client: HttpClient, peer: Peer, root: Path) -> list:
    target = client.fetch[0]
    connection = Connection(peer, client.timeout_seconds)
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
def _expected(client: HttpClient, peer: Peer, root: Path) -> list:
    lines = []
    for target, method, status in client.expect:
        connection = Connection(peer, client.timeout_seconds)
        try:
            response = connection.request(method, target)
        finally:
            connection.close()
        verdict = "" if response.status == status else "FAILED: "
        lines.append(f"http-client: {verdict}{method} {target}: {response.status}"
                     + ("" if not verdict else f", expected {status}"))
    return lines


def _range_verdict(asked: str, response: Response, status: int, content_range, wanted: bytes, shown: str,
                   first: int = 0) -> str:
    """What is wrong with one answer to a range request ("" when nothing): its status, Content-Range
    (None: not looked at), Accept-Ranges on a 200 or 206, and for those the body, `wanted` being the
    file's bytes from `first`."""
    came = response.status
    if came != status:
        return f"http-client: FAILED: ranges: {asked}: {came}, expected {status}"
    field = response.headers.get("content-range")
    if content_range is not None and field != content_range:
        return (f"http-client: FAILED: ranges: {asked}: {came}, Content-Range "
                f"{'none' if field is None else repr(field)}, expected {content_range!r}")
    if status == 416:
        return ""
    accept = response.headers.get("accept-ranges")
    if accept is None or accept.lower() != "bytes":
        return (f"http-client: FAILED: ranges: {asked}: {came}, Accept-Ranges "
                f"{'none' if accept is None else repr(accept)}, expected 'bytes'")
    if response.body != wanted:
        which = f"the {len(wanted)} of {shown}" if status == 200 else \
            f"bytes {first}-{first + len(wanted) - 1} of {shown}"
        return f"http-client: FAILED: ranges: {asked}: {came}, {len(response.body)} bytes, not {which}"
    return ""


@_guarded
def _ranges(client: HttpClient, peer: Peer, root: Path) -> list:
    if client.ranges is None:
        return []
    target = client.ranges
    path = expected_file(root, target)
    whole = path.read_bytes()
    size, shown = len(whole), f"{path.relative_to(root.parent)}"
    if size < RANGES_SMALLEST:
        return [f"http-client: FAILED: ranges: {target}: {shown} has {size} bytes, expected at least {RANGES_SMALLEST}"]
    tail = size - 600
    # (Range, other fields, status, Content-Range, the first byte, the bytes, what the line says)
    asks = (
        ("bytes=1000-1999", "", 206, f"bytes 1000-1999/{size}", 1000, whole[1000:2000], "206 bytes 1000-1999"),
        ("bytes=-100", "", 206, f"bytes {size - 100}-{size - 1}/{size}", size - 100, whole[-100:], "206 the last 100"),
        (f"bytes={tail}-", "", 206, f"bytes {tail}-{size - 1}/{size}", tail, whole[tail:], f"206 from byte {tail}"),
        (f"bytes={size}-", "", 416, f"bytes */{size}", 0, b"", "416 past the end"),
        ("bytes=0-1,4-5", "", 200, None, 0, whole, "200 for two ranges"),
        ("bytes=0-9", 'If-Range: "an-old-tag"', 200, None, 0, whole, "200 with an If-Range"),
    )
    said = []
    for value, other, status, content_range, first, wanted, saying in asks:
        asked = f"GET {target} with Range: {value}" + (f", {other}" if other else "")
        try:
            connection = Connection(peer, client.timeout_seconds)
            try:
                response = connection.request("GET", target, f"Range: {value}\r\n" + (f"{other}\r\n" if other else ""))
            finally:
                connection.close()
        except (OSError, TimeoutError, ConnectionError, ValueError) as problem:
            return [f"http-client: FAILED: ranges: {asked}: {_why(problem)}"]
        failure = _range_verdict(asked, response, status, content_range, wanted, shown, first)
        if failure:
            return [failure]
        said.append(saying)
    if "curl" in client.clients:
        asked = f"curl --range 5-14 {target}"
        try:
            finished = _run(_curl_command(client, peer, target, ["--range", "5-14"]), client.timeout_seconds + 5)
        except OSError as problem:
            return [f"http-client: FAILED: ranges: {asked}: {_why(problem)}"]
        if finished.returncode != 0:
            why = finished.stderr.decode("utf-8", "replace").strip().splitlines()
            return [f"http-client: FAILED: ranges: {asked}: exit status {finished.returncode}"
                    + (f" ({why[0]})" if why else "")]
        if finished.stdout != whole[5:15]:
            return [f"http-client: FAILED: ranges: {asked}: {len(finished.stdout)} bytes, not bytes 5-14 of {shown}"]
        said.append("curl --range 5-14: the same 10 bytes")
    return [f"http-client: ranges of {target}: {', '.join(said)}"]


@_guarded
def _malformed(client: HttpClient, peer: Peer, root: Path) -> list:
    connection = Connection(peer, client.timeout_seconds)
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
def _slow(client: HttpClient, peer: Peer, root: Path) -> list:
    slow = Connection(peer, client.timeout_seconds)
    started = time.monotonic()
    try:
        slow.send(b"GET / HTTP/1.1\r\n")
        line = None
        sent = 0
        while time.monotonic() - started < client.timeout_seconds:
            if line is None and sent == 2:
                target = client.fetch[0]
                normal = Connection(peer, client.timeout_seconds)
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


def open_and_drop(count: int, peer: Peer, timeout_seconds: float, parallel: int = 0) -> tuple:
    """Opens and drops `count` connections from `parallel` threads at once (CHURN_PARALLEL when 0):
    (connects that timed out and were tried again, a failure line or "")."""
    parallel = max(1, min(parallel or CHURN_PARALLEL, count))
    started = time.monotonic()
    lock = threading.Lock()
    state = {"opened": 0, "claimed": 0, "retried": 0, "failure": ""}

    def failed(line: str) -> None:
        with lock:
            state["failure"] = state["failure"] or line

    def work() -> None:
        while True:
            with lock:
                if state["failure"] or state["claimed"] >= count:
                    return
                state["claimed"] += 1
                number = state["claimed"]
            while True:
                left = started + timeout_seconds - time.monotonic()
                if left <= 0:
                    failed(f"http-client: FAILED: churn: {state['opened']} of {count} connections opened and dropped "
                           f"in {timeout_seconds:.0f} s")
                    return
                try:
                    with socket.create_connection((HOST, peer.port), timeout=min(left, CHURN_CONNECT_SECONDS)):
                        pass
                except TimeoutError:
                    # A connect that times out is tried again, as any client would, a bounded number
                    # of times: QEMU's user network has been seen leaving one host-side connect
                    # unanswered under load. A refusal or a reset is never retried, and the fetch
                    # after the churn still has to find the server answering.
                    with lock:
                        state["retried"] += 1
                        retried = state["retried"]
                    if retried > CHURN_RETRIES:
                        failed(f"http-client: FAILED: churn: {state['opened']} of {count} connections opened and "
                               f"dropped, then connection {number}: more than {CHURN_RETRIES} connects timed out")
                        return
                    continue
                except OSError as problem:
                    reason = getattr(problem, "strerror", None) or str(problem) or type(problem).__name__
                    failed(f"http-client: FAILED: churn: {state['opened']} of {count} connections opened and dropped, "
                           f"then connection {number}: {reason}")
                    return
                with lock:
                    state["opened"] += 1
                break

    workers = [threading.Thread(target=work, daemon=True) for _ in range(parallel)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return state["retried"], state["failure"]


@_guarded
def _churn(client: HttpClient, peer: Peer, root: Path) -> list:
    if client.churn == 0:
        return []
    retried, failure = open_and_drop(client.churn, peer, client.timeout_seconds)
    if failure:
        return [failure]
    target = client.fetch[0]
    connection = Connection(peer, client.timeout_seconds)
    try:
        line = _fetch_line(f"then GET {target}", connection.request("GET", target), root, target)
    finally:
        connection.close()
    summary = f"http-client: {client.churn} connections opened and dropped"
    if retried:
        summary += f" ({retried} connects timed out after {CHURN_CONNECT_SECONDS:.0f} s and were tried again)"
    return [summary, line]


def _run(command: list, timeout: float, stdin: bytes = b"") -> subprocess.CompletedProcess:
    """A real client, bounded by `timeout`; a missing program or the timeout raises OSError."""
    if shutil.which(command[0]) is None:
        raise OSError(f"{command[0]} is not installed (tools/vectra/packages.txt)")
    try:
        return subprocess.run(command, input=stdin, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise OSError(f"{command[0]} did not end within {timeout:.0f} s")


def _curl_command(client: HttpClient, peer: Peer, target: str, extra: tuple = ()) -> list:
    """Debian's curl fetching `target` to its standard output (with TLS: `--cacert` and the server
    name resolved to the port), failing on an error status; `extra` options before the URL."""
    command = ["curl", "--silent", "--show-error", "--fail", "--http1.1", "--max-time", f"{client.timeout_seconds:.0f}",
               "--output", "-", *extra]
    if peer.context is not None:
        name = client.tls.server_name
        command += ["--tlsv1.3", "--cacert", str(peer.ca), "--resolve", f"{name}:{peer.port}:{HOST}",
                    f"https://{name}:{peer.port}{target}"]
    else:
        command.append(f"http://{HOST}:{peer.port}{target}")
    return command


@_guarded
def _curl(client: HttpClient, peer: Peer, root: Path) -> list:
    if "curl" not in client.clients:
        return []
    lines = []
    for target in client.fetch:
        finished = _run(_curl_command(client, peer, target), client.timeout_seconds + 5)
        path = expected_file(root, target)
        wanted, shown = path.read_bytes(), f"{path.relative_to(root.parent)}"
        if finished.returncode != 0:
            why = finished.stderr.decode("utf-8", "replace").strip().splitlines()
            lines.append(f"http-client: FAILED: curl GET {target}: exit status {finished.returncode}"
                         + (f" ({why[0]})" if why else ""))
        elif finished.stdout != wanted:
            lines.append(f"http-client: FAILED: curl GET {target}: {len(finished.stdout)} bytes, not the {len(wanted)} of {shown}")
        else:
            lines.append(f"http-client: curl GET {target}: {len(wanted)} bytes, the same as {shown}")
    return lines


@_guarded
def _openssl(client: HttpClient, peer: Peer, root: Path) -> list:
    if "openssl" not in client.clients:
        return []
    name = client.tls.server_name
    finished = _run(["openssl", "s_client", "-connect", f"{HOST}:{peer.port}", "-servername", name,
                     "-verify_hostname", name, "-CAfile", str(peer.ca), "-verify_return_error"],
                    client.timeout_seconds, stdin=b"")
    output = finished.stdout.decode("utf-8", "replace")
    verify = re.search(r"^\s*Verify return code: (.+)$", output, re.MULTILINE)
    session = re.search(r"^New, (TLSv[0-9.]+), Cipher is (\S+)$", output, re.MULTILINE)
    verdict = verify.group(1).strip() if verify else "none"
    if session is None or session.group(1) != "TLSv1.3" or verdict != "0 (ok)":
        why = finished.stderr.decode("utf-8", "replace").strip().splitlines()
        return [f"http-client: FAILED: openssl s_client: {session.group(1) if session else 'no session'}, "
                f"Verify return code: {verdict}, expected TLSv1.3 and 0 (ok)" + (f" ({why[-1]})" if why and not session else "")]
    return [f"http-client: openssl s_client: TLSv1.3, {session.group(2)}, Verify return code: 0 (ok)"]


def _refused(peer: Peer, timeout: float, server_name: str = "", context=None) -> str:
    """Why a TLS connection failed (its handshake or the first exchange), or "" when it did not."""
    try:
        connection = Connection(Peer(peer.port, context or peer.context, peer.server_name, peer.ca), timeout,
                                server_name=server_name)
    except ssl.SSLError as problem:
        return getattr(problem, "verify_message", None) or problem.reason or type(problem).__name__
    try:
        # TLS 1.3 servers refuse after the client's Finished: the alert arrives with the first read.
        connection.request("GET", "/")
        return ""
    except (ssl.SSLError, ConnectionError) as problem:
        return getattr(problem, "reason", None) or str(problem) or type(problem).__name__
    finally:
        connection.close()


@_guarded
def _tls(client: HttpClient, peer: Peer, root: Path) -> list:
    if client.tls is None:
        return []
    connection = Connection(peer, client.timeout_seconds)
    try:
        version, cipher = connection.socket.version(), connection.socket.cipher()[0]
    finally:
        connection.close()
    lines = [f"http-client: TLS: {version}, {cipher}, certificate verified against {client.tls.ca} for {client.tls.server_name}"
             if version == "TLSv1.3" else f"http-client: FAILED: TLS: {version}, expected TLSv1.3"]
    wrong = "wrong." + client.tls.server_name
    why = _refused(peer, client.timeout_seconds, server_name=wrong)
    lines.append(f"http-client: TLS: a client asking for {wrong} refused ({why})" if why
                 else f"http-client: FAILED: TLS: a client asking for {wrong} was served")
    older = tls_context(peer.ca, highest=ssl.TLSVersion.TLSv1_2, lowest=ssl.TLSVersion.TLSv1_2)
    why = _refused(peer, client.timeout_seconds, context=older)
    lines.append(f"http-client: TLS: a client offering only TLS 1.2 refused ({why})" if why
                 else "http-client: FAILED: TLS: a client offering only TLS 1.2 was served")
    return lines


CHECKS = (_tls, _openssl, _fetches, _curl, _keep_alive, _head, _expected, _ranges, _malformed, _slow, _churn)


def run_checks(client: HttpClient, port: int, image_folder: Path, data_folder=None) -> list:
    """Every check; `data_folder` is the build's image-data folder of the image (for `tls`)."""
    root = Path(image_folder) / client.root
    try:
        peer = peer_for(client, port, data_folder)
    except (OSError, ssl.SSLError, TypeError) as problem:
        return [f"http-client: FAILED: TLS: the CA {client.tls.ca} in {data_folder}: {problem}"]
    lines = []
    for check in CHECKS:
        lines += check(client, peer, root)
    return lines


class Watcher:
    """Watches a boot's console lines; on the first that matches `after`, runs every check and
    returns their lines (the boot takes them as console lines).

    `port_from_console` (the hosted platform, where nothing forwards a port: the image listens on
    the host's loopback itself): the checks connect to the port the matching line names in
    `after`'s group `port` — an image that asks the host for a free port says which it got."""

    def __init__(self, client: HttpClient, port: int, image_folder: Path, checks=run_checks, data_folder=None,
                 port_from_console: bool = False):
        self.client, self.port, self.image_folder, self.checks = client, port, image_folder, checks
        self.data_folder, self.port_from_console = data_folder, port_from_console
        self.done = False

    def feed(self, line: str):
        match = None if self.done else self.client.after.search(line)
        if match is None:
            return []
        self.done = True
        port = self.port
        if self.port_from_console:
            named = match.groupdict().get("port")
            if named is None or not 0 < int(named) < 65536:
                return [f"http-client: FAILED: the line matching `after` names no port (group `port`): {line}"]
            port = int(named)
        return self.checks(self.client, port, self.image_folder, self.data_folder)
