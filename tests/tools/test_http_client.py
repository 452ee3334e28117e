# SPDX-License-Identifier: Apache-2.0
"""Tests for the oracle's HTTP step (tools/vectra/httpclient.py): its entry refused field by
field, and every check run against a small HTTP server on loopback that serves a folder, answers
400 and closes on Content-Length with Transfer-Encoding, 408 when a head takes longer than its
deadline, and range requests as the appliance does (one range of bytes: 206 or 416, else the whole
file) — then against one that lies (a wrong body, a wrong status, no 408, Range ignored, a range
one byte off, 206 past the end), where each check must print FAILED. With `tls`, the same server behind Python's ssl with certificates openssl makes
(components/tls-selftest/make-certificates.sh): every check passes over verified TLS 1.3, a wrong
name and TLS 1.2 are refused; a server whose CA the client does not trust, or that speaks only
TLS 1.2, fails every check.

Run with Debian's Python, from tests/tools:
    /usr/bin/python3 -m unittest -v test_http_client
"""

import dataclasses
import hashlib
import importlib.util
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

sys.dont_write_bytecode = True
TOOLS = Path(__file__).resolve().parent.parent.parent / "tools" / "vectra"
sys.path.insert(0, str(TOOLS))
specification = importlib.util.spec_from_file_location("httpclient", TOOLS / "httpclient.py")
httpclient = importlib.util.module_from_spec(specification)
specification.loader.exec_module(httpclient)

HEAD_DEADLINE = 2.5
# As the appliances' www/docs/lines.txt: 600 lines of a number and its sha256, 42600 bytes.
LINES = b"".join(b"%05d %s\n" % (number, hashlib.sha256(b"%d" % number).hexdigest().encode()) for number in range(600))
RANGES_LINE = ("http-client: ranges of /docs/lines.txt: 206 bytes 1000-1999, 206 the last 100, 206 from byte 42000, "
               "416 past the end, 200 for two ranges, 200 with an If-Range")
RANGES_CURL = ", curl --range 5-14: the same 10 bytes"


def select_range(method: str, fields: dict, size: int) -> tuple:
    """(status, first byte, bytes) for a request of a file of `size` bytes, as the appliance answers
    (RFC 9110 §14): only GET; one range of the unit `bytes`, `F-L` (L past the end is the end), `F-`
    or `-N` (the whole when N is larger) is a 206; one from the end, or `-0`, is a 416; anything
    else (no Range, another unit, a malformed field, two ranges, any If-Range) is the whole, 200."""
    whole = (200, 0, size)
    value = fields.get("range")
    if method != "GET" or value is None or "if-range" in fields:
        return whole
    unit, equals, ranges = value.partition("=")
    matched = re.fullmatch(r"[ \t]*([0-9]*)-([0-9]*)[ \t]*", ranges)
    if not equals or unit.strip().lower() != "bytes" or matched is None or matched.group(1) == matched.group(2) == "":
        return whole
    if matched.group(1) == "":
        suffix = int(matched.group(2))
        if suffix == 0 or size == 0:
            return 416, 0, 0
        return 206, max(size - suffix, 0), min(suffix, size)
    first = int(matched.group(1))
    last = int(matched.group(2)) if matched.group(2) else size - 1
    if last < first and matched.group(2):
        return whole
    if first >= size:
        return 416, 0, 0
    return 206, first, min(last, size - 1) - first + 1


class FolderServer:
    """An HTTP/1.1 server on loopback, a thread per connection; `lie` makes it break one rule.
    `answered` counts the responses it sent."""

    def __init__(self, root: Path, lie: str = "", tls=None):
        self.root, self.lie, self.tls = root, lie, tls
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.running = True
        self.answered = 0
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def close(self):
        self.running = False
        self.listener.close()

    def accept(self):
        while self.running:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(connection,), daemon=True).start()

    def answer(self, connection, status, body=b"", head_only=False, fields=()):
        reason = {200: "OK", 206: "Partial Content", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
                  408: "Request Timeout", 416: "Range Not Satisfiable"}[status]
        more = "".join(f"{name}: {value}\r\n" for name, value in fields)
        with self.lock:  # counted before it is sent: a client that has the answer finds it counted
            self.answered += 1
        connection.sendall(f"HTTP/1.1 {status} {reason}\r\n{more}Content-Length: {len(body)}\r\n\r\n".encode()
                           + (b"" if head_only else body))

    def answer_file(self, connection, method, fields, body):
        """The file, or the range of it the request asks for (as `lie` has it)."""
        size = len(body)
        status, first, length = select_range(method, fields, size)
        if self.lie == "no-ranges":  # a server without range requests: the whole, and no Accept-Ranges
            self.answer(connection, 200, body, head_only=method == "HEAD")
            return
        if status == 416 and self.lie == "206-past-the-end":  # the last byte instead of a 416
            status, first, length = 206, size - 1, 1
        if status == 416:
            self.answer(connection, 416, b"no such bytes\n", fields=[("Content-Range", f"bytes */{size}")])
            return
        if status == 206:
            shown = f"bytes {first}-{first + length - 1}/{size}"
            if self.lie == "range-off-by-one":  # the Content-Range said, the bytes one later
                first += 1
            self.answer(connection, 206, body[first:first + length],
                        fields=[("Accept-Ranges", "bytes"), ("Content-Range", shown)])
            return
        self.answer(connection, 200, body, head_only=method == "HEAD", fields=[("Accept-Ranges", "bytes")])

    def serve(self, connection):
        if self.tls is not None:
            try:
                connection.settimeout(10)
                connection = self.tls.wrap_socket(connection, server_side=True)
            except (ssl.SSLError, OSError):
                connection.close()
                return
        buffer = b""
        with connection:
            while True:
                started = time.monotonic()
                while b"\r\n\r\n" not in buffer:
                    left = HEAD_DEADLINE - (time.monotonic() - started)
                    if left <= 0:
                        if self.lie != "no-timeout":
                            self.answer(connection, 408)
                            return
                        left = 30
                    connection.settimeout(left)
                    try:
                        chunk = connection.recv(4096)
                    except socket.timeout:
                        continue
                    except OSError:
                        return
                    if not chunk and self.tls is not None:
                        return
                    if not chunk:
                        return
                    buffer += chunk
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                text = head.decode("latin-1").lower()
                method, target = head.decode("latin-1").split(" ")[:2]
                fields = {}
                for line in head.decode("latin-1").split("\r\n")[1:]:
                    name, _, value = line.partition(":")
                    fields[name.strip().lower()] = value.strip()
                if "content-length" in text and "transfer-encoding" in text:
                    self.answer(connection, 400)
                    return
                if method not in ("GET", "HEAD"):
                    self.answer(connection, 405)
                    continue
                if ".." in target or "%2e" in target.lower():
                    self.answer(connection, 400)
                    continue
                path = self.root / (target.lstrip("/") + ("index.html" if target.endswith("/") else ""))
                if not path.is_file():
                    self.answer(connection, 404)
                    continue
                body = path.read_bytes()
                if self.lie == "wrong-body":
                    body = body[:-1] + b"?"
                self.answer_file(connection, method, fields, body)


class HttpClientEntry(unittest.TestCase):
    GOOD = {"after": "^ready$", "root": "www", "fetch": ["/a.txt"], "expect": [["/x", "GET", 404]],
            "churn": 10, "timeout_seconds": 20}

    def test_a_good_entry_parses(self):
        client = httpclient.parse(self.GOOD, "images/x/oracle.json")
        self.assertEqual(client.fetch, ("/a.txt",))
        self.assertEqual(client.expect, (("/x", "GET", 404),))
        self.assertIsNone(httpclient.parse(None, "x"))
        self.assertIsNone(client.tls)
        tls = httpclient.parse(dict(self.GOOD, tls={"ca": "ca.pem", "server_name": "tls.vectra.test"}), "x").tls
        self.assertEqual((tls.ca, tls.server_name), ("ca.pem", "tls.vectra.test"))
        both = httpclient.parse(dict(self.GOOD, clients=["curl", "openssl"], tls={"ca": "ca.pem", "server_name": "a.test"}), "x")
        self.assertEqual(both.clients, ("curl", "openssl"))
        self.assertEqual(client.clients, ())
        self.assertIsNone(client.ranges)
        self.assertEqual(httpclient.parse(dict(self.GOOD, ranges="/docs/lines.txt"), "x").ranges, "/docs/lines.txt")

    def test_every_bad_field_is_refused_naming_it(self):
        bad = {"after": ["(", 3], "root": ["/abs", "../up", ""], "fetch": [[], ["a.txt"], ["/a b"], "/a"],
               "expect": [[["/x", "get", 404]], [["/x", "GET", 99]], [["/x", "GET"]], [["/x", "GET", True]]],
               "churn": [-1, 1001, True, 1.5], "timeout_seconds": [0, 301, "5", False], "unknown": [1],
               "clients": ["curl", ["wget"], ["curl", "curl"], ["openssl"], [1]],
               "ranges": ["docs/lines.txt", "", "/a b", 5, ["/docs/lines.txt"], True],
               "tls": [{}, {"ca": "ca.pem"}, {"ca": "../ca.pem", "server_name": "a.test"},
                       {"ca": "ca.pem", "server_name": "A b"}, {"ca": "ca.pem", "server_name": "a.test", "x": 1}, "ca.pem"]}
        for field, values in bad.items():
            for value in values:
                with self.subTest(field=field, value=value), self.assertRaises(httpclient.HttpClientError) as caught:
                    httpclient.parse(dict(self.GOOD, **{field: value}), "images/x/oracle.json")
                self.assertIn("images/x/oracle.json", str(caught.exception))

    def test_the_watcher_runs_its_checks_once_after_its_line(self):
        calls = []
        client = httpclient.parse(self.GOOD, "x")
        watcher = httpclient.Watcher(client, 1, Path("/nowhere"), lambda *arguments: calls.append(arguments) or ["done"])
        self.assertEqual(watcher.feed("booting"), [])
        self.assertEqual(watcher.feed("ready"), ["done"])
        self.assertEqual(watcher.feed("ready"), [])
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls[0][1], 1)

    def test_on_hosted_the_watcher_connects_to_the_port_its_line_names(self):
        calls = []
        client = httpclient.parse(dict(self.GOOD, after=r"^serving on port (?P<port>[0-9]+):"), "x")
        self.assertTrue(httpclient.names_its_port(client))
        self.assertFalse(httpclient.names_its_port(httpclient.parse(self.GOOD, "x")))
        watcher = httpclient.Watcher(client, 1, Path("/nowhere"), lambda *arguments: calls.append(arguments) or ["done"],
                                     port_from_console=True)
        self.assertEqual(watcher.feed("serving on port 43211: 8 connections"), ["done"])
        self.assertEqual(calls[0][1], 43211)
        # A QEMU platform keeps the forwarded port whatever the line says (the guest's own port).
        watcher = httpclient.Watcher(client, 5555, Path("/nowhere"), lambda *arguments: calls.append(arguments) or ["done"])
        watcher.feed("serving on port 443: 8 connections")
        self.assertEqual(calls[1][1], 5555)
        # A port out of range, or a pattern without the group, is a failure line, not a connection.
        watcher = httpclient.Watcher(client, 1, Path("/nowhere"), lambda *arguments: calls.append(arguments) or ["done"],
                                     port_from_console=True)
        out_of_range = watcher.feed("serving on port 70000:")
        self.assertEqual(len(out_of_range), 1)
        self.assertTrue(out_of_range[0].startswith("http-client: FAILED: "), out_of_range)
        plain = httpclient.Watcher(httpclient.parse(self.GOOD, "x"), 1, Path("/nowhere"),
                                   lambda *arguments: calls.append(arguments) or ["done"], port_from_console=True)
        self.assertTrue(plain.feed("ready")[0].startswith("http-client: FAILED: the line matching `after` names no port"))
        self.assertEqual(len(calls), 2)


class ChurnRetries(unittest.TestCase):
    """The churn tries a timed-out connect again, a bounded number of times. A listener with a
    backlog of 0 that accepts nothing keeps one connection queued and lets later SYNs go
    unanswered, so connects after the first time out."""

    def setUp(self):
        self.saved = httpclient.CHURN_CONNECT_SECONDS, httpclient.CHURN_RETRIES
        httpclient.CHURN_CONNECT_SECONDS = 0.3
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(0)
        self.peer = httpclient.Peer(self.listener.getsockname()[1])

    def tearDown(self):
        httpclient.CHURN_CONNECT_SECONDS, httpclient.CHURN_RETRIES = self.saved
        self.listener.close()

    def test_a_listener_that_never_accepts_fails_after_the_retries(self):
        retried, failure = httpclient.open_and_drop(10, self.peer, 20.0, parallel=1)
        self.assertEqual(retried, 4)
        self.assertRegex(failure, r"^http-client: FAILED: churn: [12] of 10 connections opened and dropped, then "
                                  r"connection [23]: more than 3 connects timed out$")

    def test_parallel_connects_all_counted_once(self):
        accepted = []

        def drain():
            self.listener.settimeout(5)
            try:
                while True:
                    accepted.append(self.listener.accept()[0])
                    accepted[-1].close()
            except OSError:
                pass
        threading.Thread(target=drain, daemon=True).start()
        httpclient.CHURN_RETRIES = 1000  # a backlog of 0 drops SYNs: only the count matters here
        retried, failure = httpclient.open_and_drop(50, self.peer, 20.0, parallel=8)
        self.assertEqual(failure, "")
        deadline = time.monotonic() + 5
        while len(accepted) < 50 and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual(len(accepted), 50)

    def test_connects_that_time_out_are_tried_again_and_counted(self):
        def drain_later():
            time.sleep(0.45)
            self.listener.settimeout(5)
            try:
                while True:
                    self.listener.accept()[0].close()
            except OSError:
                pass
        threading.Thread(target=drain_later, daemon=True).start()
        # Loopback's SYN drops vary from run to run: once the drainer runs, a connect still times out
        # whenever it comes before the drainer took the last one (a backlog of 0 holds one), and on a
        # loaded machine that was more than 10 of the 20 once. Bounded by the churn's 20 s anyway.
        httpclient.CHURN_RETRIES = 60
        retried, failure = httpclient.open_and_drop(20, self.peer, 20.0, parallel=1)
        self.assertEqual(failure, "")
        self.assertTrue(1 <= retried <= 60, retried)


class HttpClientChecks(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.image = Path(self.folder.name)
        (self.image / "www" / "docs").mkdir(parents=True)
        (self.image / "www" / "a.txt").write_bytes(b"alpha\n")
        (self.image / "www" / "index.html").write_bytes(b"<p>index</p>\n")
        (self.image / "www" / "docs" / "big.bin").write_bytes(bytes(range(256)) * 4096)
        (self.image / "www" / "docs" / "lines.txt").write_bytes(LINES)
        self.client = httpclient.parse({"after": "x", "root": "www", "fetch": ["/a.txt", "/", "/docs/big.bin"],
                                        "expect": [["/missing", "GET", 404], ["/../a.txt", "GET", 400],
                                                   ["/a.txt", "DELETE", 405]], "ranges": "/docs/lines.txt",
                                        "churn": 50, "timeout_seconds": 20, "clients": ["curl"]}, "x")

    def tearDown(self):
        self.folder.cleanup()

    def run_against(self, lie: str = "") -> list:
        server = FolderServer(self.image / "www", lie)
        try:
            return httpclient.run_checks(self.client, server.port, self.image)
        finally:
            server.close()

    def server_tls(self):
        return None

    def data_folder(self):
        return None

    def ranges_against(self, lie: str = "", client=None) -> tuple:
        """The ranges check alone: (its lines, the responses the server sent)."""
        client = client or self.client
        server = FolderServer(self.image / "www", lie, self.server_tls())
        try:
            lines = httpclient._ranges(client, httpclient.peer_for(client, server.port, self.data_folder()),
                                       self.image / "www")
            return lines, server.answered
        finally:
            server.close()

    def test_an_honest_server_answers_every_range_request_and_no_more(self):
        self.assertEqual(len(LINES), 42600)
        self.assertEqual(self.ranges_against(), ([RANGES_LINE + RANGES_CURL], 7))
        self.assertEqual(self.ranges_against(client=dataclasses.replace(self.client, clients=())), ([RANGES_LINE], 6))
        self.assertEqual(self.ranges_against(client=dataclasses.replace(self.client, ranges=None)), ([], 0))

    def test_a_ranges_file_too_short_is_a_failure_line(self):
        self.assertEqual(self.ranges_against(client=dataclasses.replace(self.client, ranges="/a.txt")),
                         (["http-client: FAILED: ranges: /a.txt: www/a.txt has 6 bytes, expected at least 2000"], 0))
        lines, _ = self.ranges_against(client=dataclasses.replace(self.client, ranges="/missing.txt"))
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].startswith("http-client: FAILED: ranges: "), lines)

    def test_a_server_ignoring_range_fails_the_ranges_check(self):
        self.assertEqual(self.ranges_against("no-ranges"), ([
            "http-client: FAILED: ranges: GET /docs/lines.txt with Range: bytes=1000-1999: 200, expected 206"], 1))

    def test_a_range_one_byte_off_fails_the_ranges_check(self):
        self.assertEqual(self.ranges_against("range-off-by-one"), ([
            "http-client: FAILED: ranges: GET /docs/lines.txt with Range: bytes=1000-1999: 206, 1000 bytes, "
            "not bytes 1000-1999 of www/docs/lines.txt"], 1))

    def test_a_206_past_the_end_fails_the_ranges_check(self):
        self.assertEqual(self.ranges_against("206-past-the-end"), ([
            "http-client: FAILED: ranges: GET /docs/lines.txt with Range: bytes=42600-: 206, expected 416"], 4))

    def test_an_honest_server_passes_every_check(self):
        lines = self.run_against()
        self.assertEqual(lines, [
            "http-client: GET /a.txt: 200, 6 bytes, the same as www/a.txt",
            "http-client: GET /: 200, 13 bytes, the same as www/index.html",
            "http-client: GET /docs/big.bin: 200, 1048576 bytes, the same as www/docs/big.bin",
            "http-client: curl GET /a.txt: 6 bytes, the same as www/a.txt",
            "http-client: curl GET /: 13 bytes, the same as www/index.html",
            "http-client: curl GET /docs/big.bin: 1048576 bytes, the same as www/docs/big.bin",
            "http-client: 3 requests on one kept-alive connection, every body the same",
            "http-client: HEAD /a.txt: 200, Content-Length 6, no body",
            "http-client: GET /missing: 404",
            "http-client: GET /../a.txt: 400",
            "http-client: DELETE /a.txt: 405",
            RANGES_LINE + RANGES_CURL,
            "http-client: a malformed request (Content-Length and Transfer-Encoding): 400, connection closed",
            lines[13],
            "http-client: GET /a.txt meanwhile: 200, 6 bytes, the same as www/a.txt",
            "http-client: 50 connections opened and dropped",
            "http-client: then GET /a.txt: 200, 6 bytes, the same as www/a.txt",
        ])
        self.assertRegex(lines[13], r"^http-client: a slow client \(a field line a second\) cut off with 408 after [1-3] lines$")

    def test_a_wrong_body_fails_every_fetch(self):
        lines = self.run_against("wrong-body")
        failed = [line for line in lines if "FAILED" in line]
        self.assertIn("http-client: FAILED: GET /a.txt: 200, 6 bytes, not the 6 of www/a.txt", failed)
        self.assertIn("http-client: FAILED: curl GET /a.txt: 6 bytes, not the 6 of www/a.txt", failed)
        self.assertIn("http-client: FAILED: ranges: GET /docs/lines.txt with Range: bytes=-100: 206, 100 bytes, "
                      "not bytes 42500-42599 of www/docs/lines.txt", failed)
        self.assertEqual(len([line for line in failed if "GET" in line]), 10)

    def test_a_missing_client_program_is_a_failure_line(self):
        import os
        path = os.environ.get("PATH", "")
        os.environ["PATH"] = str(self.image)  # a folder with no curl or openssl in it
        try:
            lines = self.run_against()
        finally:
            os.environ["PATH"] = path
        missing = [line for line in lines if "is not installed" in line]
        self.assertEqual(len(missing), len(self.client.clients) + 1, lines)  # + the ranges check's curl
        self.assertTrue(all(line.startswith("http-client: FAILED: ") for line in missing))
        self.assertIn("http-client: FAILED: ranges: curl --range 5-14 /docs/lines.txt: curl is not installed "
                      "(tools/vectra/packages.txt)", missing)

    def test_a_server_without_a_head_deadline_fails_the_slow_check(self):
        self.client = httpclient.HttpClient(self.client.after, "www", ("/a.txt",), (), 0, 4.0)
        lines = self.run_against("no-timeout")
        self.assertTrue(any(line.startswith("http-client: FAILED: a slow client: no response after") for line in lines), lines)

    def test_nothing_listening_is_a_failure_line_not_an_exception(self):
        probe = socket.create_server(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        lines = httpclient.run_checks(self.client, port, self.image)
        self.assertTrue(lines)
        self.assertTrue(all("FAILED" in line for line in lines), lines)


CERTIFICATES = Path(__file__).resolve().parent.parent.parent / "components" / "tls-selftest" / "make-certificates.sh"


class HttpsClientChecks(HttpClientChecks):
    """The checks over TLS: certificates made once for the class by openssl."""

    @classmethod
    def setUpClass(cls):
        cls.certificates = tempfile.TemporaryDirectory()
        subprocess.run(["sh", str(CERTIFICATES), cls.certificates.name], check=True, capture_output=True)

    @classmethod
    def tearDownClass(cls):
        cls.certificates.cleanup()

    def setUp(self):
        super().setUp()
        self.client = httpclient.HttpClient(self.client.after, "www", self.client.fetch, self.client.expect, 50, 20.0,
                                            httpclient.Tls("ca.pem", "tls.vectra.test"), ("curl", "openssl"),
                                            self.client.ranges)

    def server_context(self, stem="server", highest=ssl.TLSVersion.TLSv1_3, lowest=ssl.TLSVersion.TLSv1_3):
        """TLS 1.3 only, as tlsd, unless told otherwise."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        folder = Path(self.certificates.name)
        context.load_cert_chain(folder / f"{stem}.pem", folder / f"{stem}.key")
        context.minimum_version, context.maximum_version = lowest, highest
        return context

    def run_against(self, lie: str = "", context=None) -> list:
        server = FolderServer(self.image / "www", lie, context or self.server_context())
        try:
            return httpclient.run_checks(self.client, server.port, self.image, Path(self.certificates.name))
        finally:
            server.close()

    def server_tls(self):
        return self.server_context()

    def data_folder(self):
        return Path(self.certificates.name)

    def test_an_honest_server_passes_every_check(self):
        lines = self.run_against()
        self.assertRegex(lines[0], r"^http-client: TLS: TLSv1\.3, TLS_[A-Z0-9_]+, certificate verified against ca\.pem "
                                   r"for tls\.vectra\.test$")
        self.assertRegex(lines[1], r"^http-client: TLS: a client asking for wrong\.tls\.vectra\.test refused \(.+\)$")
        self.assertRegex(lines[2], r"^http-client: TLS: a client offering only TLS 1\.2 refused \(.+\)$")
        self.assertRegex(lines[3], r"^http-client: openssl s_client: TLSv1\.3, TLS_[A-Z0-9_]+, Verify return code: 0 \(ok\)$")
        self.assertIn("http-client: curl GET /docs/big.bin: 1048576 bytes, the same as www/docs/big.bin", lines)
        self.assertFalse([line for line in lines if "FAILED" in line], lines)
        self.assertEqual(lines[lines.index("http-client: DELETE /a.txt: 405") + 1], RANGES_LINE + RANGES_CURL)
        self.assertIn("http-client: GET /docs/big.bin: 200, 1048576 bytes, the same as www/docs/big.bin", lines)
        self.assertIn("http-client: a malformed request (Content-Length and Transfer-Encoding): 400, connection closed", lines)
        self.assertIn("http-client: 50 connections opened and dropped", lines)

    def test_a_server_whose_ca_is_not_trusted_fails_every_check(self):
        lines = self.run_against(context=self.server_context("stranger"))
        self.assertTrue(lines)
        self.assertTrue(all("FAILED" in line for line in lines if "connections opened and dropped" not in line), lines)
        self.assertIn("certificate verify failed", lines[0])
        self.assertRegex(lines[1], r"^http-client: FAILED: openssl s_client: .*Verify return code: (?!0 \(ok\))")
        self.assertTrue(any(line.startswith("http-client: FAILED: curl GET /a.txt: exit status 60") for line in lines), lines)

    def test_a_server_that_also_serves_tls_1_2_fails_the_tls_check(self):
        lines = self.run_against(context=self.server_context(lowest=ssl.TLSVersion.TLSv1_2))
        self.assertIn("http-client: FAILED: TLS: a client offering only TLS 1.2 was served", lines)

    def test_a_server_speaking_only_tls_1_2_fails_every_check(self):
        lines = self.run_against(context=self.server_context(highest=ssl.TLSVersion.TLSv1_2, lowest=ssl.TLSVersion.TLSv1_2))
        self.assertTrue(lines[0].startswith("http-client: FAILED: tls: "), lines)
        self.assertTrue(lines[1].startswith("http-client: FAILED: openssl s_client: "), lines)
        self.assertTrue(all("FAILED" in line for line in lines if "connections opened and dropped" not in line), lines)

    def test_nothing_listening_is_a_failure_line_not_an_exception(self):
        probe = socket.create_server(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        lines = httpclient.run_checks(self.client, port, self.image, Path(self.certificates.name))
        self.assertTrue(lines)
        self.assertTrue(all("FAILED" in line for line in lines), lines)

    def test_a_missing_ca_is_one_failure_line(self):
        lines = httpclient.run_checks(self.client, 1, self.image, self.image / "nowhere")
        self.assertEqual(len(lines), 1)
        self.assertIn("http-client: FAILED: TLS: the CA ca.pem", lines[0])

    def test_a_wrong_body_fails_every_fetch(self):
        super().test_a_wrong_body_fails_every_fetch()

    def test_a_server_without_a_head_deadline_fails_the_slow_check(self):
        self.client = httpclient.HttpClient(self.client.after, "www", ("/a.txt",), (), 0, 4.0,
                                            httpclient.Tls("ca.pem", "tls.vectra.test"))
        self.assertEqual(self.client.clients, ())
        lines = self.run_against("no-timeout")
        self.assertTrue(any(line.startswith("http-client: FAILED: a slow client: no response after") for line in lines), lines)


if __name__ == "__main__":
    unittest.main()
