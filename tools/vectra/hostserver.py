# SPDX-License-Identifier: Apache-2.0
"""The oracle's host-side servers (oracle.json `host_servers`): servers the harness starts on the
host's loopback before a boot and always stops after it, each on a free port it picks per boot (never
a fixed one, so boots side by side never collide). The guest reaches them through QEMU's user
network: `qemu_args` name a server as `{host_server:NAME}` inside a `guestfwd` rule, which becomes
`cmd:<python> <relay.py> PORT` — QEMU starts that relay for every connection the guest opens to the
rule's address and port, and it carries the bytes to the server on 127.0.0.1:PORT. On hosted,
`hosted_args` name a server as the target of a forward, `--forward=10.0.2.100:853={host_server:dns}`,
which becomes `--forward=10.0.2.100:853=127.0.0.1:PORT`: the hosted process's host-sockets
capability then carries a TCP connect to 10.0.2.100:853 to that port (ADR 0024, amendment
2026-12-06) — the same fixed addresses as on QEMU, no relay.

    "host_servers": {
      "dns": {"kind": "dns-over-tls", "certificate": "dns.vectra.test.pem", "key": "dns.vectra.test.key",
              "answers": {"www.vectra.test": "10.0.2.101"}},
      "www": {"kind": "https", "certificate": "www.vectra.test.pem", "key": "www.vectra.test.key", "root": "www"}
    }
    "qemu_args": {"x86_64": ["-netdev", "user,id=n0,guestfwd=tcp:10.0.2.100:853-{host_server:dns},..."]}

Kinds (the TLS ones TLS 1.3 only, Python's ssl, the certificate and key files from the image's data
folder the build made):
  dns-over-tls  RFC 7858: each query after its two-byte length; A questions for a name of `answers`
                are answered with its IPv4 addresses, AAAA with its IPv6 ones (TTL 300; no data when
                it has none of the type), other names NXDOMAIN (`answers` maps a name to an address or
                a list of them); answers in the order the queries came; a connection is kept while the
                guest keeps it; each query a line `host-server: NAME: query Q on connection C: name A ->
                address`, said before the answer is sent (so it comes before the guest's next line).
  dns-udp       plain DNS (RFC 1035) with the same answers, no certificate: one datagram per query on
                a UDP socket, and TCP (RFC 7766: two-byte lengths) on the same port number of loopback,
                for the queries the guest asks again after a truncated answer. A name of `truncated`
                (a list) is answered over UDP with the TC bit and no records, over TCP whole. Lines:
                `host-server: NAME: UDP query Q: name A -> address` (`-> truncated`) and
                `host-server: NAME: TCP query Q on connection C: ...`; `connections` counts TCP ones.
                On hosted it is reached through `--forward=udp:ADDRESS:PORT={host_server:NAME}` and
                `--forward=ADDRESS:PORT={host_server:NAME}` (ADR 0032 amendment "the UDP entry booted").
  https         HTTP/1.1 GET of files under `root` (a folder of the image folder; "/" is index.html),
                404 for anything else, each response with Content-Length and `Connection: close`.

`"connections": N` (optional, any kind) is how many connections the boot must open to the server
(1 for a resolver proves that every query went on one connection); another count fails the boot.

Every server is bounded: at most `MOST_CONNECTIONS` connections per boot, `MOST_QUERIES` queries
per connection, `IDLE_SECONDS` of silence per connection. What each server did is reported as
console lines (`host-server: NAME: ...`), handed to the boot with the next console line; a
server's failure is a line with FAILED and a reason the verdict lists.
"""

import re
import socket
import ssl
import struct
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

PLACEHOLDER = re.compile(r"\{host_server:([a-z][a-z0-9-]*)\}")
HOST = "127.0.0.1"
KINDS = ("dns-over-tls", "dns-udp", "https")
TLS_KINDS = ("dns-over-tls", "https")
DNS_KINDS = ("dns-over-tls", "dns-udp")
MOST_CONNECTIONS = 16
MOST_QUERIES = 64
IDLE_SECONDS = 120
RELAY = Path(__file__).resolve().parent / "relay.py"


class HostServerError(ValueError):
    """A `host_servers` entry that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class ServerSpecification:
    name: str
    kind: str
    certificate: str
    key: str
    answers: dict = field(default_factory=dict)  # name -> tuple of addresses (IPv4 and IPv6 text)
    root: str = None
    connections: int = None  # the connections the boot must open to it, when given
    truncated: tuple = ()  # dns-udp: names answered with TC over UDP


def _file_name(value) -> bool:
    return isinstance(value, str) and bool(value) and "/" not in value and not value.startswith(".")


def _ipv4(value) -> bool:
    parts = value.split(".") if isinstance(value, str) else []
    return len(parts) == 4 and all(part.isdigit() and int(part) < 256 and str(int(part)) == part for part in parts)


def _ipv6(value) -> bool:
    try:
        return isinstance(value, str) and ":" in value and bool(socket.inet_pton(socket.AF_INET6, value))
    except OSError:
        return False


def _addresses(value):
    """An `answers` value as a tuple of addresses (an address or a non-empty list of them), or None."""
    values = value if isinstance(value, list) else [value]
    if not values or not all(_ipv4(each) or _ipv6(each) for each in values):
        return None
    return tuple(values)


def _host_name(value) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*", value)) \
        and len(value) <= 253


def parse(data, source: str):
    """The `host_servers` object of an oracle.json as {name: ServerSpecification}, or None without one."""
    if data is None:
        return None
    if not isinstance(data, dict) or not data:
        raise HostServerError(f"{source}: \"host_servers\" must be an object naming at least one server")
    servers = {}
    for name, entry in data.items():
        where = f"{source}: host_servers.{name}"
        if not re.fullmatch(r"[a-z][a-z0-9-]*", name):
            raise HostServerError(f"{where}: a server's name is lower-case letters, digits and '-'")
        allowed = {"kind", "certificate", "key", "answers", "root", "connections", "truncated"}
        if not isinstance(entry, dict) or set(entry) - allowed:
            raise HostServerError(f"{where} must be an object of {', '.join(sorted(allowed))}")
        kind = entry.get("kind")
        if kind not in KINDS:
            raise HostServerError(f"{where}.kind must be one of {', '.join(KINDS)}")
        for each in ("certificate", "key"):
            if kind in TLS_KINDS and not _file_name(entry.get(each)):
                raise HostServerError(f"{where}.{each} must name a file of the image's data folder")
            if kind not in TLS_KINDS and each in entry:
                raise HostServerError(f"{where}.{each} is for TLS servers")
        answers, root = entry.get("answers", {}), entry.get("root")
        truncated = entry.get("truncated", [])
        if kind != "dns-udp" and "truncated" in entry:
            raise HostServerError(f"{where}.truncated is for dns-udp servers")
        if kind in DNS_KINDS:
            if root is not None:
                raise HostServerError(f"{where}.root is for https servers")
            if not isinstance(answers, dict) or not answers or not all(
                    _host_name(name) and _addresses(address) for name, address in answers.items()):
                raise HostServerError(f"{where}.answers must map host names to an IPv4 or IPv6 address or a list of them")
            answers = {name: _addresses(address) for name, address in answers.items()}
            if not isinstance(truncated, list) or not all(_host_name(name) for name in truncated):
                raise HostServerError(f"{where}.truncated must list host names")
        else:
            if "answers" in entry:
                raise HostServerError(f"{where}.answers is for DNS servers")
            if not isinstance(root, str) or not root or Path(root).is_absolute() or ".." in Path(root).parts:
                raise HostServerError(f"{where}.root must be a folder inside the image folder")
        connections = entry.get("connections")
        if connections is not None and (isinstance(connections, bool) or not isinstance(connections, int)
                                        or not 0 <= connections <= MOST_CONNECTIONS):
            raise HostServerError(f"{where}.connections must be an integer from 0 to {MOST_CONNECTIONS}")
        servers[name] = ServerSpecification(name, kind, entry.get("certificate"), entry.get("key"), dict(answers), root,
                                            connections, tuple(truncated))
    return servers


def named_in(arguments) -> set:
    """The server names `{host_server:NAME}` placeholders in `arguments` use."""
    return {match.group(1) for argument in arguments for match in PLACEHOLDER.finditer(argument)}


HOSTED_FORWARD = re.compile(r"--forward=(udp:|tcp:)?[^={}]+=\{host_server:([a-z][a-z0-9-]*)\}")


def check_hosted(arguments, source: str):
    """Refuses a {host_server:NAME} in hosted_args other than as the whole target of a --forward=FROM= argument."""
    for argument in arguments:
        if PLACEHOLDER.search(argument) and not HOSTED_FORWARD.fullmatch(argument):
            raise HostServerError(f"{source}: hosted_args name a host server only as --forward=[udp:]ADDRESS:PORT={{host_server:NAME}}, "
                                  f"not in {argument!r}")


def substitute_hosted(arguments, ports: dict) -> list:
    """Hosted arguments with every {host_server:NAME} replaced by the loopback address and port NAME listens on."""
    return [PLACEHOLDER.sub(lambda match: f"{HOST}:{ports[match.group(1)]}", argument) for argument in arguments]


def relay_command(port: int) -> str:
    """The guestfwd target that carries one guest connection to 127.0.0.1:port."""
    command = f"cmd:{sys.executable} {RELAY} {port}"
    if "," in command:
        raise HostServerError(f"QEMU splits options at commas: the relay's path {command!r} cannot hold one")
    return command


def substitute(arguments, ports: dict) -> list:
    """QEMU arguments with every {host_server:NAME} replaced by the relay to NAME's port."""
    return [PLACEHOLDER.sub(lambda match: relay_command(ports[match.group(1)]), argument) for argument in arguments]


# ---- DNS ----

def _question(message: bytes):
    """(id, wire name, lower-case text name, type, end of question) of a query, or None."""
    if len(message) < 17:
        return None
    identifier, = struct.unpack("!H", message[:2])
    at, labels = 12, []
    while at < len(message) and message[at] != 0:
        length = message[at]
        if length > 63 or at + 1 + length >= len(message):
            return None
        labels.append(message[at + 1:at + 1 + length].decode("ascii", "replace").lower())
        at += 1 + length
    end = at + 5
    if end > len(message):
        return None
    record_type, = struct.unpack("!H", message[at + 1:at + 3])
    return identifier, message[12:at + 1], ".".join(labels), record_type, end


TYPE_NAMES = {1: "A", 28: "AAAA"}


def _of_type(addresses, record_type: int) -> list:
    """The addresses of `addresses` (one or a tuple) an A (IPv4) or AAAA (IPv6) answer holds."""
    values = (addresses,) if isinstance(addresses, str) else tuple(addresses or ())
    wanted = _ipv4 if record_type == 1 else _ipv6 if record_type == 28 else None
    return [each for each in values if wanted is not None and wanted(each)]


def describe_query(query: bytes, answers: dict, truncated: bool = False) -> str:
    """`name TYPE -> what the answer says`, for the server's console line."""
    question = _question(query)
    if question is None:
        return "not a query"
    _, _, name, record_type, _ = question
    addresses = answers.get(name)
    found = _of_type(addresses, record_type)
    outcome = "NXDOMAIN" if addresses is None else "truncated" if truncated else ", ".join(found) if found else "no data"
    return f"{name} {TYPE_NAMES.get(record_type, record_type)} -> {outcome}"


def dns_answer(query: bytes, answers: dict, truncated: bool = False):
    """The response to one query: A (AAAA) with a name's IPv4 (IPv6) addresses, NODATA for a type it has none
    of, else NXDOMAIN; `truncated`: the TC bit and no records, as a UDP answer too long for its datagram."""
    question = _question(query)
    if question is None:
        return None
    identifier, wire, name, record_type, end = question
    addresses = answers.get(name)
    records = b""
    count = 0
    rcode = 0 if addresses is not None else 3
    for address in ([] if truncated else _of_type(addresses, record_type)):
        data = socket.inet_pton(socket.AF_INET if record_type == 1 else socket.AF_INET6, address)
        records += b"\xc0\x0c" + struct.pack("!HHIH", record_type, 1, 300, len(data)) + data
        count += 1
    flags = 0x8180 | rcode | (0x0200 if truncated else 0)
    header = struct.pack("!HHHHHH", identifier, flags, 1, count, 0, 0)
    return header + query[12:end] + records


def _read_exactly(connection, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            return b""
        data += chunk
    return data


# ---- servers ----

class HostServers:
    """The servers of one boot: started (each on a free loopback port) by start(), stopped by stop()."""

    def __init__(self, specifications: dict, image_folder: Path, data_folder: Path):
        self.specifications = specifications
        self.image_folder = Path(image_folder)
        self.data_folder = Path(data_folder)
        self.ports = {}
        self._listeners = []
        self._threads = []
        self._lines = []
        self._failures = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._accepted = {}

    def _say(self, line: str):
        with self._lock:
            self._lines.append(line)
            if "FAILED" in line:
                self._failures.append(line)

    def _context(self, specification) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        context.load_cert_chain(self.data_folder / specification.certificate, self.data_folder / specification.key)
        return context

    def _spawn(self, target, *arguments):
        thread = threading.Thread(target=target, args=arguments, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _start_dns_udp(self, specification):
        """A UDP socket and a TCP listener on one free port of loopback (tried again when TCP finds it taken)."""
        for _ in range(32):
            datagrams = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            datagrams.bind((HOST, 0))
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                listener.bind((HOST, datagrams.getsockname()[1]))
            except OSError:
                datagrams.close()
                listener.close()
                continue
            listener.listen(8)
            listener.settimeout(0.2)
            datagrams.settimeout(0.2)
            self.ports[specification.name] = listener.getsockname()[1]
            self._listeners += [listener, datagrams]
            self._spawn(self._serve_datagrams, specification, datagrams)
            self._spawn(self._accept, specification, listener, None)
            return
        raise HostServerError(f"host-server: {specification.name}: no port free for both UDP and TCP")

    def start(self):
        for name, specification in self.specifications.items():
            if specification.kind == "dns-udp":
                self._start_dns_udp(specification)
                continue
            context = self._context(specification)
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.bind((HOST, 0))
            listener.listen(8)
            listener.settimeout(0.2)
            self.ports[name] = listener.getsockname()[1]
            self._listeners.append(listener)
            thread = threading.Thread(target=self._accept, args=(specification, listener, context), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _accept(self, specification, listener, context):
        serve = self._serve_dns if specification.kind in DNS_KINDS else self._serve_https
        accepted = 0
        while not self._stopping.is_set() and accepted < MOST_CONNECTIONS:
            try:
                connection, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            accepted += 1
            with self._lock:
                self._accepted[specification.name] = accepted
            connection.settimeout(IDLE_SECONDS)
            thread = threading.Thread(target=self._connection, args=(specification, connection, context,
                                                                     lambda spec, secured, number=accepted: serve(spec, secured, number)),
                                      daemon=True)
            thread.start()
            self._threads.append(thread)

    def _connection(self, specification, connection, context, serve):
        name = specification.name
        try:
            if context is None:
                with connection:
                    serve(specification, connection)
                return
            with context.wrap_socket(connection, server_side=True) as secured:
                serve(specification, secured)
        except ssl.SSLError as problem:
            self._say(f"host-server: {name}: a TLS handshake or record failed ({problem.reason or problem})")
        except (OSError, ValueError) as problem:
            if not self._stopping.is_set():
                self._say(f"host-server: {name}: FAILED: {problem}")

    def _serve_datagrams(self, specification, datagrams):
        """dns-udp: one answer per query datagram, TC for the names of `truncated`; bounded like a connection."""
        answered = 0
        while not self._stopping.is_set() and answered < MOST_QUERIES:
            try:
                query, source = datagrams.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            question = _question(query)
            truncated = question is not None and question[2] in specification.truncated
            response = self._answer(specification, query, f"UDP query {answered + 1}", truncated)
            if response is None:
                continue
            answered += 1
            datagrams.sendto(response, source)

    def _answer(self, specification, query: bytes, which: str, truncated: bool = False):
        """The response to `query`, its line said first (so it comes before the guest's next line); None, said FAILED, for a non-query."""
        response = dns_answer(query, specification.answers, truncated) if query else None
        if response is None:
            self._say(f"host-server: {specification.name}: FAILED: not a DNS query ({len(query)} bytes, {which})")
        else:
            self._say(f"host-server: {specification.name}: {which}: {describe_query(query, specification.answers, truncated)}")
        return response

    def _serve_dns(self, specification, secured, connection_number: int):
        plain = specification.kind == "dns-udp"
        answered = 0
        while answered < MOST_QUERIES:
            prefix = _read_exactly(secured, 2)
            if not prefix:
                break
            length, = struct.unpack("!H", prefix)
            query = _read_exactly(secured, length)
            response = self._answer(specification, query,
                                    f"{'TCP ' if plain else ''}query {answered + 1} on connection {connection_number}")
            if response is None:
                return
            answered += 1
            secured.sendall(struct.pack("!H", len(response)) + response)
        over = "one TCP connection" if plain else f"one TLS 1.3 connection ({secured.version()})"
        self._say(f"host-server: {specification.name}: answered {answered} queries over {over}")

    def _serve_https(self, specification, secured, connection_number: int):
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 8192:
            chunk = secured.recv(8192 - len(head))
            if not chunk:
                return
            head += chunk
        request_line = head.split(b"\r\n", 1)[0].decode("ascii", "replace")
        parts = request_line.split(" ")
        root = (self.image_folder / specification.root).resolve()
        status, body = 404, b"not found\n"
        if len(parts) == 3 and parts[0] == "GET" and parts[1].startswith("/"):
            target = root / ("index.html" if parts[1] == "/" else parts[1].lstrip("/"))
            if target.resolve().is_relative_to(root) and target.is_file():
                status, body = 200, target.read_bytes()
        reason = "OK" if status == 200 else "Not Found"
        secured.sendall(f"HTTP/1.1 {status} {reason}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n"
                        f"Content-Type: text/html\r\n\r\n".encode() + body)
        self._say(f"host-server: {specification.name}: {request_line!s} -> {status}, {len(body)} bytes ({secured.version()})")
        try:
            secured.unwrap()
        except (ssl.SSLError, OSError):
            pass

    def feed(self, line: str):
        """The lines the servers produced since the last call (given to the boot as console lines)."""
        with self._lock:
            lines, self._lines = self._lines, []
        return lines

    def reasons(self) -> list:
        """Why the boot fails on the servers' side: a FAILED line, or a server opened other than `connections` times."""
        with self._lock:
            reasons = list(self._failures)
            for name, specification in self.specifications.items():
                opened = self._accepted.get(name, 0)
                if specification.connections is not None and opened != specification.connections:
                    reasons.append(f"host-server: {name}: {opened} connections, expected {specification.connections}")
            return reasons

    def stop(self):
        self._stopping.set()
        for listener in self._listeners:
            listener.close()
        for thread in self._threads:
            thread.join(timeout=2)
