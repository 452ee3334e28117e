# SPDX-License-Identifier: Apache-2.0
"""Tests for the oracle's HTTP step (tools/vectra/httpclient.py): its entry refused field by
field, and every check run against a small HTTP server on loopback that serves a folder, answers
400 and closes on Content-Length with Transfer-Encoding, and 408 when a head takes longer than its
deadline — then against one that lies (a wrong body, a wrong status, no 408), where each check
must print FAILED. With `tls`, the same server behind Python's ssl with certificates openssl makes
(components/tls-selftest/make-certificates.sh): every check passes over verified TLS 1.3, a wrong
name and TLS 1.2 are refused; a server whose CA the client does not trust, or that speaks only
TLS 1.2, fails every check.

Run with Debian's Python, from tests/tools:
    /usr/bin/python3 -m unittest -v test_http_client
"""

import importlib.util
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


class FolderServer:
    """An HTTP/1.1 server on loopback, a thread per connection; `lie` makes it break one rule."""

    def __init__(self, root: Path, lie: str = "", tls=None):
        self.root, self.lie, self.tls = root, lie, tls
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.running = True
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

    def answer(self, connection, status, body=b"", head_only=False):
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout"}[status]
        connection.sendall(f"HTTP/1.1 {status} {reason}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                           + (b"" if head_only else body))

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
                self.answer(connection, 200, body, head_only=method == "HEAD")


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

    def test_every_bad_field_is_refused_naming_it(self):
        bad = {"after": ["(", 3], "root": ["/abs", "../up", ""], "fetch": [[], ["a.txt"], ["/a b"], "/a"],
               "expect": [[["/x", "get", 404]], [["/x", "GET", 99]], [["/x", "GET"]], [["/x", "GET", True]]],
               "churn": [-1, 1001, True, 1.5], "timeout_seconds": [0, 301, "5", False], "unknown": [1],
               "clients": ["curl", ["wget"], ["curl", "curl"], ["openssl"], [1]],
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
        self.client = httpclient.parse({"after": "x", "root": "www", "fetch": ["/a.txt", "/", "/docs/big.bin"],
                                        "expect": [["/missing", "GET", 404], ["/../a.txt", "GET", 400],
                                                   ["/a.txt", "DELETE", 405]],
                                        "churn": 50, "timeout_seconds": 20, "clients": ["curl"]}, "x")

    def tearDown(self):
        self.folder.cleanup()

    def run_against(self, lie: str = "") -> list:
        server = FolderServer(self.image / "www", lie)
        try:
            return httpclient.run_checks(self.client, server.port, self.image)
        finally:
            server.close()

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
            "http-client: a malformed request (Content-Length and Transfer-Encoding): 400, connection closed",
            lines[12],
            "http-client: GET /a.txt meanwhile: 200, 6 bytes, the same as www/a.txt",
            "http-client: 50 connections opened and dropped",
            "http-client: then GET /a.txt: 200, 6 bytes, the same as www/a.txt",
        ])
        self.assertRegex(lines[12], r"^http-client: a slow client \(a field line a second\) cut off with 408 after [1-3] lines$")

    def test_a_wrong_body_fails_every_fetch(self):
        lines = self.run_against("wrong-body")
        failed = [line for line in lines if "FAILED" in line]
        self.assertIn("http-client: FAILED: GET /a.txt: 200, 6 bytes, not the 6 of www/a.txt", failed)
        self.assertIn("http-client: FAILED: curl GET /a.txt: 6 bytes, not the 6 of www/a.txt", failed)
        self.assertEqual(len([line for line in failed if "GET" in line]), 9)

    def test_a_missing_client_program_is_a_failure_line(self):
        import os
        path = os.environ.get("PATH", "")
        os.environ["PATH"] = str(self.image)  # a folder with no curl or openssl in it
        try:
            lines = self.run_against()
        finally:
            os.environ["PATH"] = path
        missing = [line for line in lines if "is not installed" in line]
        self.assertEqual(len(missing), len(self.client.clients), lines)
        self.assertTrue(all(line.startswith("http-client: FAILED: ") for line in missing))

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
                                            httpclient.Tls("ca.pem", "tls.vectra.test"), ("curl", "openssl"))

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

    def test_an_honest_server_passes_every_check(self):
        lines = self.run_against()
        self.assertRegex(lines[0], r"^http-client: TLS: TLSv1\.3, TLS_[A-Z0-9_]+, certificate verified against ca\.pem "
                                   r"for tls\.vectra\.test$")
        self.assertRegex(lines[1], r"^http-client: TLS: a client asking for wrong\.tls\.vectra\.test refused \(.+\)$")
        self.assertRegex(lines[2], r"^http-client: TLS: a client offering only TLS 1\.2 refused \(.+\)$")
        self.assertRegex(lines[3], r"^http-client: openssl s_client: TLSv1\.3, TLS_[A-Z0-9_]+, Verify return code: 0 \(ok\)$")
        self.assertIn("http-client: curl GET /docs/big.bin: 1048576 bytes, the same as www/docs/big.bin", lines)
        self.assertFalse([line for line in lines if "FAILED" in line], lines)
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
