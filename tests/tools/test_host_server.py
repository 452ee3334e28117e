# SPDX-License-Identifier: Apache-2.0
"""The oracle's host servers (tools/vectra/hostserver.py) and the guestfwd relay (relay.py):
entries refused field by field; placeholders named by qemu_args and declared checked both ways
(oracle.py); the DNS answerer's bytes; a real DNS-over-TLS server and HTTPS server on loopback with
certificates openssl makes (components/tls-selftest/make-certificates.sh), reached through the relay
as QEMU runs it (a process whose standard input and output are the guest's connection): several
queries on one verified connection, a page fetched, a client asking for another name refused, every
server stopped after; the relay command refusing a path QEMU would split; on hosted, `--forward=`
targets in hosted_args replaced by each server's loopback port, and a placeholder anywhere else
in hosted_args refused."""

import json
import os
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools" / "vectra"
sys.path.insert(0, str(TOOLS))

import hostserver  # noqa: E402
import oracle as oracles  # noqa: E402

MAKE_CERTIFICATES = ROOT / "components" / "tls-selftest" / "make-certificates.sh"


def dns_query(identifier: int, name: str, record_type: int = 1) -> bytes:
    wire = b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", identifier, 0x0100, 1, 0, 0, 0) + wire + struct.pack("!HH", record_type, 1)


def valid_servers():
    return {"dns": {"kind": "dns-over-tls", "certificate": "dns.pem", "key": "dns.key",
                    "answers": {"www.vectra.test": "10.0.2.101"}},
            "www": {"kind": "https", "certificate": "www.pem", "key": "www.key", "root": "www"}}


class ParseTest(unittest.TestCase):
    def test_a_valid_entry_is_read(self):
        servers = hostserver.parse(valid_servers(), "oracle.json")
        self.assertEqual(servers["dns"].answers, {"www.vectra.test": ("10.0.2.101",)})
        self.assertEqual(servers["www"].root, "www")
        self.assertIsNone(hostserver.parse(None, "oracle.json"))

    def test_each_fault_is_refused_with_its_field(self):
        faults = [
            ({}, "at least one server"),
            ({"Bad_Name": valid_servers()["dns"]}, "a server's name"),
            ({"dns": dict(valid_servers()["dns"], kind="ftp")}, "kind must be one of"),
            ({"dns": dict(valid_servers()["dns"], certificate="../dns.pem")}, "certificate must name a file"),
            ({"dns": dict(valid_servers()["dns"], key="")}, "key must name a file"),
            ({"dns": dict(valid_servers()["dns"], answers={})}, "answers must map"),
            ({"dns": dict(valid_servers()["dns"], answers={"www.vectra.test": "10.0.2"})}, "answers must map"),
            ({"dns": dict(valid_servers()["dns"], answers={"bad name": "10.0.2.1"})}, "answers must map"),
            ({"dns": dict(valid_servers()["dns"], root="www")}, "root is for https"),
            ({"www": dict(valid_servers()["www"], root="../outside")}, "root must be a folder"),
            ({"www": dict(valid_servers()["www"], answers={"a.test": "1.2.3.4"})}, "answers is for DNS servers"),
            ({"www": dict(valid_servers()["www"], port=443)}, "must be an object of"),
            ({"www": dict(valid_servers()["www"], connections=-1)}, "connections must be an integer"),
            ({"www": dict(valid_servers()["www"], connections=True)}, "connections must be an integer"),
        ]
        for data, message in faults:
            with self.subTest(message=message):
                with self.assertRaisesRegex(hostserver.HostServerError, message):
                    hostserver.parse(data, "oracle.json")

    def test_the_oracle_requires_every_server_reached_and_every_placeholder_declared(self):
        base = {"platforms": ["x86_64"], "patterns": ["x"], "host_servers": valid_servers()}
        both = "user,id=n0,guestfwd=tcp:10.0.2.100:853-{host_server:dns},guestfwd=tcp:10.0.2.101:443-{host_server:www}"
        oracle = oracles.Oracle.parse(dict(base, qemu_args={"x86_64": ["-netdev", both]}))
        self.assertEqual(set(oracle.host_servers), {"dns", "www"})
        with self.assertRaisesRegex(oracles.OracleError, "www reached by no qemu_args"):
            oracles.Oracle.parse(dict(base, qemu_args={"x86_64": ["-netdev", "user,guestfwd=tcp:1.2.3.4:5-{host_server:dns}"]}))
        with self.assertRaisesRegex(oracles.OracleError, "does not declare: other"):
            oracles.Oracle.parse(dict(base, qemu_args={"x86_64": ["-netdev", both + ",guestfwd=tcp:1.2.3.4:5-{host_server:other}"]}))

    def test_placeholders_become_relays_to_each_port(self):
        arguments = hostserver.substitute(["-netdev", "user,guestfwd=tcp:10.0.2.100:853-{host_server:dns}"], {"dns": 4321})
        self.assertEqual(arguments[1], f"user,guestfwd=tcp:10.0.2.100:853-cmd:{sys.executable} {hostserver.RELAY} 4321")

    def test_hosted_forward_targets_become_each_servers_loopback_port(self):
        arguments = hostserver.substitute_hosted(
            ["--forward=10.0.2.100:853={host_server:dns}", "--forward=10.0.2.101:443={host_server:www}", "--cpus=2"],
            {"dns": 4321, "www": 5432})
        self.assertEqual(arguments, ["--forward=10.0.2.100:853=127.0.0.1:4321", "--forward=10.0.2.101:443=127.0.0.1:5432",
                                     "--cpus=2"])

    def test_the_oracle_counts_hosted_forwards_and_refuses_a_placeholder_elsewhere_in_hosted_args(self):
        base = {"platforms": ["hosted"], "patterns": ["x"], "host_servers": valid_servers()}
        forwards = ["--forward=10.0.2.100:853={host_server:dns}", "--forward=10.0.2.101:443={host_server:www}"]
        oracle = oracles.Oracle.parse(dict(base, hosted_args=forwards))
        self.assertEqual(set(oracle.host_servers), {"dns", "www"})
        with self.assertRaisesRegex(oracles.OracleError, "www reached by no qemu_args .* nor hosted_args"):
            oracles.Oracle.parse(dict(base, hosted_args=forwards[:1]))
        with self.assertRaisesRegex(oracles.OracleError, "does not declare: other"):
            oracles.Oracle.parse(dict(base, hosted_args=forwards + ["--forward=10.0.2.102:443={host_server:other}"]))
        for argument in ("--disk={host_server:dns}", "--forward={host_server:dns}=127.0.0.1:1",
                         "--forward=10.0.2.100:853={host_server:dns}x", "--forward=10.0.2.100:853=1.2.3.4:{host_server:dns}",
                         "x--forward=10.0.2.100:853={host_server:dns}"):
            with self.subTest(argument=argument):
                with self.assertRaisesRegex(oracles.OracleError, r"only as --forward=\[udp:\]ADDRESS:PORT="):
                    oracles.Oracle.parse(dict(base, hosted_args=[argument, forwards[1]]))

    def test_a_relay_path_with_a_comma_is_refused(self):
        original = hostserver.RELAY
        try:
            hostserver.RELAY = Path("/tmp/a,b/relay.py")
            with self.assertRaisesRegex(hostserver.HostServerError, "commas"):
                hostserver.relay_command(1)
        finally:
            hostserver.RELAY = original


class DnsAnswerTest(unittest.TestCase):
    def test_a_name_it_holds_is_answered_with_its_address(self):
        response = hostserver.dns_answer(dns_query(0x1234, "WWW.vectra.test"), {"www.vectra.test": "10.0.2.101"})
        identifier, flags, questions, answers = struct.unpack("!HHHH", response[:8])
        self.assertEqual((identifier, flags & 0x800f, questions, answers), (0x1234, 0x8000, 1, 1))
        self.assertEqual(response[-4:], bytes([10, 0, 2, 101]))

    def test_another_type_is_no_data_and_another_name_nxdomain(self):
        no_data = hostserver.dns_answer(dns_query(1, "www.vectra.test", 28), {"www.vectra.test": "10.0.2.101"})
        self.assertEqual(struct.unpack("!HH", no_data[2:6])[0] & 0xf, 0)
        self.assertEqual(struct.unpack("!H", no_data[6:8])[0], 0)
        missing = hostserver.dns_answer(dns_query(2, "missing.vectra.test"), {"www.vectra.test": "10.0.2.101"})
        self.assertEqual(struct.unpack("!H", missing[2:4])[0] & 0xf, 3)

    def test_each_query_is_described(self):
        answers = {"www.vectra.test": "10.0.2.101"}
        self.assertEqual(hostserver.describe_query(dns_query(1, "www.vectra.test"), answers), "www.vectra.test A -> 10.0.2.101")
        self.assertEqual(hostserver.describe_query(dns_query(1, "www.vectra.test", 28), answers), "www.vectra.test AAAA -> no data")
        self.assertEqual(hostserver.describe_query(dns_query(1, "other.test"), answers), "other.test A -> NXDOMAIN")
        self.assertEqual(hostserver.describe_query(b"", answers), "not a query")

    def test_bytes_that_are_not_a_query_get_nothing(self):
        self.assertIsNone(hostserver.dns_answer(b"\0" * 5, {}))
        self.assertIsNone(hostserver.dns_answer(dns_query(1, "a.test")[:-3], {}))


class RelayedConnection:
    """A connection through relay.py as QEMU runs it: the relay's stdin/stdout are one end of a socket pair."""

    def __init__(self, port: int):
        self.ours, theirs = socket.socketpair()
        self.process = subprocess.Popen([sys.executable, str(hostserver.RELAY), str(port)],
                                        stdin=theirs.fileno(), stdout=theirs.fileno())
        theirs.close()
        self.ours.settimeout(20)

    def close(self):
        self.ours.close()
        self.process.wait(timeout=20)


class ServersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory()
        data = Path(cls.folder.name) / "data"
        subprocess.run(["sh", str(MAKE_CERTIFICATES), str(data), "dns.vectra.test", "www.vectra.test"],
                       check=True, capture_output=True)
        cls.data = data
        image = Path(cls.folder.name) / "image"
        (image / "www").mkdir(parents=True)
        (image / "www" / "index.html").write_bytes(b"<p>hello</p>\n")
        cls.image = image

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()

    def start(self, dns_connections=None):
        specifications = hostserver.parse({
            "dns": dict({"kind": "dns-over-tls", "certificate": "dns.vectra.test.pem", "key": "dns.vectra.test.key",
                         "answers": {"www.vectra.test": "10.0.2.101"}},
                        **({} if dns_connections is None else {"connections": dns_connections})),
            "www": {"kind": "https", "certificate": "www.vectra.test.pem", "key": "www.vectra.test.key", "root": "www"},
        }, "oracle.json")
        servers = hostserver.HostServers(specifications, self.image, self.data)
        servers.start()
        self.addCleanup(servers.stop)
        return servers

    def client_context(self):
        context = ssl.create_default_context(cafile=str(self.data / "ca.pem"))
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        return context

    def test_several_queries_on_one_verified_connection_through_the_relay(self):
        servers = self.start(dns_connections=1)
        relayed = RelayedConnection(servers.ports["dns"])
        with self.client_context().wrap_socket(relayed.ours, server_hostname="dns.vectra.test") as secured:
            self.assertEqual(secured.version(), "TLSv1.3")
            for identifier, name, last in ((7, "www.vectra.test", 101), (8, "www.vectra.test", 101)):
                query = dns_query(identifier, name)
                secured.sendall(struct.pack("!H", len(query)) + query)
                length, = struct.unpack("!H", secured.recv(2))
                response = b""
                while len(response) < length:
                    response += secured.recv(length - len(response))
                self.assertEqual(struct.unpack("!H", response[:2])[0], identifier)
                self.assertEqual(response[-1], last)
            secured.unwrap()
        relayed.close()
        servers.stop()
        lines = servers.feed("")
        self.assertEqual(lines[:2], ["host-server: dns: query 1 on connection 1: www.vectra.test A -> 10.0.2.101",
                                     "host-server: dns: query 2 on connection 1: www.vectra.test A -> 10.0.2.101"])
        self.assertIn("host-server: dns: answered 2 queries over one TLS 1.3 connection (TLSv1.3)", lines)
        self.assertEqual(servers.reasons(), [])

    def test_a_page_is_served_and_a_missing_one_is_404(self):
        servers = self.start()
        for target, status, body in (("/", 200, b"<p>hello</p>\n"), ("/missing", 404, b"not found\n"),
                                     ("/../etc/passwd", 404, b"not found\n")):
            with socket.create_connection(("127.0.0.1", servers.ports["www"]), timeout=20) as plain:
                with self.client_context().wrap_socket(plain, server_hostname="www.vectra.test") as secured:
                    secured.sendall(f"GET {target} HTTP/1.1\r\nHost: www.vectra.test\r\n\r\n".encode())
                    answer = b""
                    while True:
                        chunk = secured.recv(4096)
                        if not chunk:
                            break
                        answer += chunk
            with self.subTest(target=target):
                self.assertTrue(answer.startswith(f"HTTP/1.1 {status} ".encode()))
                self.assertTrue(answer.endswith(b"\r\n\r\n" + body))
        self.assertEqual(servers.reasons(), [])

    def test_a_client_asking_for_another_name_is_refused(self):
        servers = self.start()
        with socket.create_connection(("127.0.0.1", servers.ports["www"]), timeout=20) as plain:
            with self.assertRaises(ssl.SSLCertVerificationError):
                self.client_context().wrap_socket(plain, server_hostname="wrong.vectra.test")

    def test_a_server_opened_other_than_expected_fails_the_boot(self):
        servers = self.start(dns_connections=1)
        servers.stop()
        self.assertEqual(servers.reasons(), ["host-server: dns: 0 connections, expected 1"])

    def test_stopping_closes_every_listener(self):
        servers = self.start()
        ports = dict(servers.ports)
        servers.stop()
        for port in ports.values():
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=2).close()

    def test_a_server_sent_something_else_says_failed(self):
        servers = self.start()
        with socket.create_connection(("127.0.0.1", servers.ports["dns"]), timeout=20) as plain:
            with self.client_context().wrap_socket(plain, server_hostname="dns.vectra.test") as secured:
                secured.sendall(b"\0\x05hello")
                self.assertEqual(secured.recv(10), b"")
        servers.stop()
        self.assertTrue(any("FAILED: not a DNS query" in line for line in servers.reasons()))


if __name__ == "__main__":
    unittest.main()


def dns_udp_servers(connections=None):
    entry = {"kind": "dns-udp", "answers": {"www.vectra.test": ["10.0.2.101", "fd00::101"], "big.vectra.test": "10.0.2.103"},
             "truncated": ["big.vectra.test"]}
    return hostserver.parse({"dns": dict(entry, **({} if connections is None else {"connections": connections}))}, "oracle.json")


class DnsUdpTest(unittest.TestCase):
    """The dns-udp kind: IPv4 and IPv6 answers, TC over UDP for `truncated` names, the same port over TCP."""

    def test_an_entry_needs_no_certificate_and_refuses_tls_fields(self):
        servers = dns_udp_servers()
        self.assertEqual(servers["dns"].answers["www.vectra.test"], ("10.0.2.101", "fd00::101"))
        self.assertEqual(servers["dns"].truncated, ("big.vectra.test",))
        base = {"kind": "dns-udp", "answers": {"www.vectra.test": "10.0.2.101"}}
        for entry, message in (
                (dict(base, certificate="dns.pem"), "certificate is for TLS servers"),
                (dict(base, truncated="big.vectra.test"), "truncated must list host names"),
                (dict(base, answers={"www.vectra.test": ["10.0.2.101", "fd00::1::2"]}), "answers must map"),
                (dict(base, answers={"www.vectra.test": []}), "answers must map"),
                (dict(base, root="www"), "root is for https servers")):
            with self.subTest(message=message):
                with self.assertRaisesRegex(hostserver.HostServerError, message):
                    hostserver.parse({"dns": entry}, "oracle.json")
        with self.assertRaisesRegex(hostserver.HostServerError, "truncated is for dns-udp servers"):
            hostserver.parse({"dns": {"kind": "dns-over-tls", "certificate": "a.pem", "key": "a.key",
                                      "answers": {"www.vectra.test": "10.0.2.101"}, "truncated": []}}, "oracle.json")

    def test_aaaa_answers_hold_the_ipv6_addresses_and_tc_holds_none(self):
        answers = dns_udp_servers()["dns"].answers
        response = hostserver.dns_answer(dns_query(5, "www.vectra.test", 28), answers)
        self.assertEqual(struct.unpack("!H", response[6:8])[0], 1)
        self.assertEqual(response[-16:], socket.inet_pton(socket.AF_INET6, "fd00::101"))
        self.assertEqual(hostserver.describe_query(dns_query(5, "www.vectra.test", 28), answers), "www.vectra.test AAAA -> fd00::101")
        cut = hostserver.dns_answer(dns_query(6, "big.vectra.test"), answers, truncated=True)
        flags, _, count = struct.unpack("!HHH", cut[2:8])
        self.assertEqual((flags & 0x0200, count), (0x0200, 0))
        self.assertEqual(hostserver.describe_query(dns_query(6, "big.vectra.test"), answers, True), "big.vectra.test A -> truncated")

    def test_udp_then_tcp_on_one_port_and_the_hosted_forwards_for_both(self):
        servers = hostserver.HostServers(dns_udp_servers(connections=1), Path("."), Path("."))
        servers.start()
        self.addCleanup(servers.stop)
        port = servers.ports["dns"]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
            client.settimeout(20)
            client.sendto(dns_query(9, "www.vectra.test"), ("127.0.0.1", port))
            answer, source = client.recvfrom(512)
            self.assertEqual((source[1], answer[:2], answer[-4:]), (port, b"\0\x09", bytes([10, 0, 2, 101])))
            client.sendto(dns_query(10, "big.vectra.test"), ("127.0.0.1", port))
            cut, _ = client.recvfrom(512)
            self.assertTrue(struct.unpack("!H", cut[2:4])[0] & 0x0200)
        with socket.create_connection(("127.0.0.1", port), timeout=20) as stream:
            query = dns_query(11, "big.vectra.test")
            stream.sendall(struct.pack("!H", len(query)) + query)
            length, = struct.unpack("!H", stream.recv(2))
            whole = stream.recv(length)
            self.assertFalse(struct.unpack("!H", whole[2:4])[0] & 0x0200)
            self.assertEqual(whole[-4:], bytes([10, 0, 2, 103]))
        servers.stop()
        lines = servers.feed("")
        self.assertIn("host-server: dns: UDP query 1: www.vectra.test A -> 10.0.2.101", lines)
        self.assertIn("host-server: dns: UDP query 2: big.vectra.test A -> truncated", lines)
        self.assertIn("host-server: dns: TCP query 1 on connection 1: big.vectra.test A -> 10.0.2.103", lines)
        self.assertEqual(servers.reasons(), [])
        forwards = [f"--forward=udp:10.0.2.100:53={{host_server:dns}}", "--forward=10.0.2.100:53={host_server:dns}"]
        hostserver.check_hosted(forwards, "oracle.json")
        self.assertEqual(hostserver.substitute_hosted(forwards, {"dns": port}),
                         [f"--forward=udp:10.0.2.100:53=127.0.0.1:{port}", f"--forward=10.0.2.100:53=127.0.0.1:{port}"])
        with self.assertRaisesRegex(hostserver.HostServerError, "only as"):
            hostserver.check_hosted(["--forward=sctp:udp:{host_server:dns}"], "oracle.json")


class NetClientOracleTest(unittest.TestCase):
    """Image net-client's oracle names the page its HTTPS server serves by length and BLAKE3 (b3sum's)."""

    def test_the_expected_page_is_www_index_html(self):
        folder = ROOT / "images" / "net-client"
        page = folder / "www" / "index.html"
        digest = subprocess.run(["b3sum", "--no-names", str(page)], check=True, capture_output=True,
                                text=True).stdout.strip()
        oracle = json.loads((folder / "oracle.json").read_text())
        expected = f"200, {page.stat().st_size} bytes, BLAKE3 {digest} "
        self.assertTrue(any(expected in pattern for pattern in oracle["patterns"]),
                        f"no pattern of images/net-client/oracle.json names {expected!r}")
        self.assertEqual(oracle["host_servers"]["www"]["root"], "www")
